/**
 * What a GloRo head computes, apart from how: which k are allowed (PAPER.md, "Certification and
 * training in one") and the interface every implementation shares. Standard GloRo is kMax = 1,
 * RTK(K) allows every k ≤ K, affinity(S) allows k when F^k fits in a set (k = 1 always).
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { Guarantee } from '../../../shared/config/experiment.ts';

export interface HeadSpec {
  numClasses: number;
  /** Largest k considered. */
  kMax: number;
  /** Affinity sets (class ids); absent: every k ≤ kMax is allowed. */
  sets?: number[][];
}

export function headSpec(guarantee: Guarantee, numClasses: number): HeadSpec {
  switch (guarantee.kind) {
    case 'standard':
      return { numClasses, kMax: 1 };
    case 'rtk':
      return { numClasses, kMax: Math.max(1, Math.min(guarantee.k, numClasses)) };
    case 'affinity': {
      const largest = guarantee.sets.reduce((m, s) => Math.max(m, s.length), 1);
      return { numClasses, kMax: Math.min(largest, numClasses), sets: guarantee.sets };
    }
  }
}

/**
 * A differentiable GloRo head: from logits f [n, C] and the Lipschitz matrix K (K[j, i] bounds
 * f_j − f_i) it returns the C + 1 outputs of g, the logits and g_⊥ = max_i f_i − m, with
 *   m^k = min_{j ∈ F^k} ( f_j − max_{i ∉ F^k} (f_i + ε K_ji) ),  m = max over allowed k ≤ kMax.
 */
export interface GloroHead {
  spec: HeadSpec;
  /** g: [n, C + 1]; the last column is ⊥. */
  apply(f: tf.Tensor2D, k: tf.Tensor2D, epsilon: number): tf.Tensor2D;
}
