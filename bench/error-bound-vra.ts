/**
 * What the rounding-error bounds cost in certified accuracy, on trained runs:
 *   node --import tsx bench/error-bound-vra.ts RUN_DIR [RUN_DIR …]
 * For each run it evaluates the checkpoint once (logits and per-point bounds from one pass) and
 * certifies the test set at the trained ε four ways: with no rounding allowance (the rule
 * m > 0 on the stored logits, unsound), with the former global slack (4·L·γ_{n+2}·max(max|f|, 1),
 * which rested on unchecked assumptions: issue 12), and with the per-point bound of each claim
 * (shared/certify/claim.ts). Not part of `npm run bench` (it needs trained runs); figures go to
 * docs/PERFORMANCE.md.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { selectBackend } from '../main/engine/backend.ts';
import { loadDataset } from '../main/data/load-dataset.ts';
import { networkFromCheckpoint, soundLipschitz } from '../main/engine/evaluate.ts';
import { roundingErrorBounds } from '../main/engine/bounds/float-error.ts';
import { gamma32 } from '../main/engine/bounds/rounding.ts';
import { layerWeights } from '../main/engine/float64-pass.ts';
import { exactLogitsInParallel } from '../main/engine/float64-parallel.ts';
import { prepareCertification } from '../shared/certify/index.ts';
import type { ErrorBound } from '../shared/certify/index.ts';
import type { ExperimentConfig, Guarantee } from '../shared/config/experiment.ts';

/** The global slack the project used before the per-point bound (for comparison only). */
function formerGlobalSlack(maxAbsLogit: number, linearLayers: number, maxFanIn: number): number {
  return 4 * linearLayers * gamma32(maxFanIn + 2) * Math.max(maxAbsLogit, 1);
}

function uniform(n: number, value: number): ErrorBound {
  return { base: new Float64Array(n).fill(value), perEpsilon: new Float64Array(n) };
}

function quantile(values: Float64Array, q: number): number {
  const sorted = Float64Array.from(values).sort();
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

async function measure(runDir: string): Promise<void> {
  const config = JSON.parse(
    await readFile(join(runDir, 'config.json'), 'utf8'),
  ) as ExperimentConfig;
  const dataset = await loadDataset(config.dataset);
  const net = await networkFromCheckpoint(runDir, config, dataset);
  try {
    const plan = net.plan;
    const arrays = await net.exportArrays();
    const sound = soundLipschitz(plan, arrays);
    const test = dataset.test;
    const c = plan.numClasses;
    const t0 = performance.now();
    const m = await exactLogitsInParallel(plan, layerWeights(arrays), test, sound.errorSpec);
    const bounds = roundingErrorBounds(sound.errorSpec, m, test.n, c);
    const perPoint = bounds.float32;
    const seconds = (performance.now() - t0) / 1000;
    const maxAbs = m.logits.reduce((a, v) => Math.max(a, Math.abs(v)), 0);
    const maxFanIn = Math.max(...sound.errorSpec.layers.map((l) => l.fanIn));
    const global = formerGlobalSlack(maxAbs, sound.errorSpec.layers.length, maxFanIn);
    const eps = config.training.epsilon;
    const errAtEps = perPoint.base.map((b, p) => b + eps * perPoint.perEpsilon[p]);
    console.log(`\n${config.name} (${runDir})`);
    console.log(
      `  ${test.n} test points, ε = ${eps}; evaluation pass with bounds ${seconds.toFixed(1)} s; ` +
        `former global slack ${global.toPrecision(3)}; claim float32's per-point bound at ε: median ` +
        `${quantile(errAtEps, 0.5).toPrecision(3)}, 99th percentile ${quantile(errAtEps, 0.99).toPrecision(3)}, ` +
        `max ${quantile(errAtEps, 1).toPrecision(3)}`,
    );
    const guarantees: [string, Guarantee][] = [['standard', { kind: 'standard' }]];
    if (config.guarantee.kind !== 'standard') guarantees.push(['run', config.guarantee]);
    for (const [label, g] of guarantees) {
      const rows: [string, ErrorBound | undefined][] = [
        ['no allowance (unsound)', undefined],
        ['former global slack', uniform(test.n, global)],
        ['claim float32', bounds.float32],
        ['claim exact', bounds.exact],
      ];
      for (const [name, errorBound] of rows) {
        const data = { logits: m.logits, labels: test.y, n: test.n, c, lipschitz: sound.k };
        const session = prepareCertification(
          errorBound === undefined ? data : { ...data, errorBound },
          g,
        );
        const metrics = session.at(eps).metrics;
        // Under the standard guarantee the guarantee VRA is the standard VRA.
        const vra = metrics.guaranteeVra;
        console.log(
          `  ${label.padEnd(8)} ${name.padEnd(24)} VRA ${(100 * vra).toFixed(2)} %  ` +
            `rejected ${(100 * metrics.rejectionRate).toFixed(2)} %`,
        );
      }
    }
  } finally {
    net.dispose();
  }
}

await selectBackend('wasm');
for (const dir of process.argv.slice(2)) await measure(dir);
