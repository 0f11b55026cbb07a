/**
 * Test-set figures at the end of an epoch: logits in batches, the training-time Lipschitz
 * estimate, then the certification session (the same model that certifies stored runs). The
 * figures are ESTIMATES: power iteration bounds the Lipschitz constants from below and no float32
 * error bound is applied; the sound ones come from the evaluation job.
 */
import * as tf from '@tensorflow/tfjs-core';
import { prepareCertification } from '../../../shared/certify/index.ts';
import type { CertificationMetrics } from '../../../shared/certify/index.ts';
import type { Guarantee } from '../../../shared/config/experiment.ts';
import { rowsOf } from '../../data/inputs.ts';
import type { Split } from '../../data/types.ts';
import type { Network } from '../model/network.ts';

/** Logits of every point of `split`, computed in batches. */
export function predictLogits(net: Network, split: Split, batchSize = 512): Float32Array {
  const c = net.plan.numClasses;
  const size = net.plan.inputShape.reduce((a, b) => a * b, 1);
  const out = new Float32Array(split.n * c);
  for (let start = 0; start < split.n; start += batchSize) {
    const m = Math.min(batchSize, split.n - start);
    const logits = tf.tidy(() => {
      const x = tf.tensor(rowsOf(split, start, m, size), [m, ...net.plan.inputShape]);
      return net.forward(x);
    });
    out.set(logits.dataSync() as Float32Array, start * c);
    logits.dispose();
  }
  return out;
}

/** The C×C Lipschitz matrix as estimated by the power-iteration iterates. */
export function estimatedLipschitz(net: Network): { k: Float32Array; prefix: number } {
  const { k, prefix } = tf.tidy(() => net.lipschitzMatrix());
  const out = { k: k.dataSync() as Float32Array, prefix: prefix.dataSync()[0] };
  tf.dispose([k, prefix]);
  return out;
}

/**
 * `logitsOf` may compute the logits elsewhere (e.g. on both data-parallel replicas, which hold
 * the same weights); default: this thread.
 */
export async function testMetrics(
  net: Network,
  test: Split,
  guarantee: Guarantee,
  epsilon: number,
  logitsOf: (split: Split) => Float32Array | Promise<Float32Array> = (s) => predictLogits(net, s),
): Promise<{ metrics: CertificationMetrics; maxK: number }> {
  const c = net.plan.numClasses;
  const logits = await logitsOf(test);
  const { k } = estimatedLipschitz(net);
  const session = prepareCertification(
    { logits, n: test.n, c, lipschitz: k, labels: test.y },
    guarantee,
  );
  let maxK = 0;
  for (let j = 0; j < c; j++)
    for (let i = 0; i < c; i++) if (i !== j) maxK = Math.max(maxK, k[j * c + i]);
  return { metrics: session.at(epsilon).metrics, maxK };
}
