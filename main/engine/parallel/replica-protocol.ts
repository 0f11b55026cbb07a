/**
 * Data-parallel training over two tfjs instances (one WASM instance uses one core): the
 * coordinator (the engine worker) and a helper thread each hold a replica, compute the
 * gradient of half of every batch and write it to shared memory; each then combines both halves
 * and runs Adam on its half of the parameters, which live (with the moments) in shared memory,
 * and both upload the new weights. Per step: two barriers, no messages, no weight copies
 * between threads. Both replicas run the same power iterations on the same weights, so they
 * stay bit-identical. Only set-up and state transfer use messages.
 */
import type { BackendChoice } from '../backend.ts';
import type { HeadSpec } from '../heads/head-spec.ts';
import type { LayerPlan } from '../../../shared/config/layer-plan.ts';
import type { NamedArray } from '../model/network.ts';
import type { AdamBuffers } from '../train/adam.ts';
import type { ErrorInfo } from '../../../shared/errors.ts';
import type { Split } from '../../data/types.ts';

/** Int32 control words. */
export const CTRL = {
  /** Step number the coordinator asks for (incremented per step). */
  seq: 0,
  /** Step whose helper gradient (region 1) is written. */
  helperDone: 1,
  /** Step whose coordinator gradient (region 0) is written. */
  coordDone: 2,
  /** Step whose helper half of the Adam update is written. */
  helperUpdated: 3,
  /** Points of the helper's half of the batch. */
  helperPoints: 4,
  /** Non-zero when the helper failed. */
  failed: 5,
  /** Set to stop the helper's step loop. */
  stop: 6,
  /** Step whose coordinator half of the Adam update is written. */
  coordUpdated: 7,
  size: 8,
} as const;

/** Float64 scalars. */
export const SCALAR = {
  learningRate: 0,
  epsilon: 1,
  /** NaN: cross-entropy; otherwise the TRADES λ. */
  lambda: 2,
  weight0: 3,
  weight1: 4,
  helperLoss: 5,
  size: 8,
} as const;

export interface ReplicaInit {
  backend: BackendChoice;
  plan: LayerPlan;
  seed: number;
  head: HeadSpec;
  powerIterations: number;
  /** Largest helper half-batch, in points. */
  maxPoints: number;
  control: SharedArrayBuffer;
  scalars: SharedArrayBuffer;
  /** Two regions of `gradientLength` float32: 0 coordinator, 1 helper. */
  gradients: SharedArrayBuffer;
  gradientLength: number;
  x: SharedArrayBuffer;
  y: SharedArrayBuffer;
  /** Weights and Adam moments, shared: the coordinator updates the first half, the helper the rest. */
  adam: AdamBuffers;
}

export type ToHelper =
  | { type: 'sync'; arrays: NamedArray[]; adamStep: number }
  | { type: 'export' }
  /** Logits of n points (inference on the second core, e.g. for evaluation). */
  | { type: 'predict'; split: Split; batch: number };

export type FromHelper =
  | { type: 'ready' }
  | { type: 'synced' }
  | { type: 'exported'; arrays: NamedArray[]; adamStep: number }
  | { type: 'predicted'; logits: Float32Array }
  | { type: 'error'; error: ErrorInfo };
