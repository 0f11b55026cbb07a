/**
 * Certification core throughput: 100,000 random points, C = 10, K = 5 (RTK and affinity), plus
 * the closed-form radii. Prints `BENCH <name> <points/s> points/s`.
 */
import { certify, certifiedRadius, makeAffinitySets } from '../shared/certify/index.ts';
import type { CertGuarantee } from '../shared/certify/index.ts';
import { mulberry32 } from '../main/data/rng.ts';

const N = 100_000;
const C = 10;

function measure(name: string, fn: () => void): void {
  fn(); // warm-up (JIT)
  const reps = 5;
  let best = Infinity;
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    fn();
    best = Math.min(best, performance.now() - t0);
  }
  const perSecond = Math.round(N / (best / 1000));
  console.log(`BENCH ${name} ${perSecond} points/s`);
}

export default async function certifyCoreBench(): Promise<void> {
  const next = mulberry32(42); // every run certifies the same points
  const logits = new Float32Array(N * C);
  for (let t = 0; t < logits.length; t++) logits[t] = (next() - 0.5) * 8;
  const lipschitz = new Float64Array(C * C);
  for (let j = 0; j < C; j++) {
    for (let i = j + 1; i < C; i++) {
      const v = 0.5 + next();
      lipschitz[j * C + i] = v;
      lipschitz[i * C + j] = v;
    }
  }
  const input = { logits, n: N, c: C, lipschitz, epsilon: 0.3 };
  const rtk: CertGuarantee = { kind: 'rtk', k: 5 };
  const affinity: CertGuarantee = {
    kind: 'affinity',
    sets: makeAffinitySets(
      [
        [0, 1, 2, 3, 4],
        [3, 4, 5, 6, 7],
        [7, 8, 9, 0],
      ],
      C,
    ),
  };
  measure('certify.core.standard', () => certify(input, { kind: 'standard' }));
  measure('certify.core.rtk5', () => certify(input, rtk));
  measure('certify.core.affinity5', () => certify(input, affinity));
  measure('certify.radius.rtk5', () => certifiedRadius(input, rtk));
}
