/**
 * RelaxCert against PyTorch on the same cores, interleaved in one session (issue 18's "2×
 * PyTorch" targets): `node --import tsx bench/pytorch/compare.ts [rounds] [case…]`, cases
 * dense, cnn, cnn28, certify (default: all). Each round runs every case once on each side,
 * alternating which side goes first (A B, then B A, …) so that a drift in the machine's load
 * falls on both; PyTorch runs bench/pytorch/reference.py in a child process with the same
 * thread count as the native kernels (torch.set_num_threads; RELAXCERT_TORCH_THREADS and
 * OPENBLAS_NUM_THREADS change it: reference.py), RelaxCert runs the training and
 * certification benches' own measurements in this process with the engine's defaults.
 *
 * Measurement only: needs a Python with torch (`RELAXCERT_PYTHON`, default `python3`; on
 * Debian `apt-get install python3-torch` gives 1.13.1, the version issue 18 names); nothing in
 * the tests or `npm run bench` uses it. Before measuring it checks that both sides count the
 * same FLOPs per training step (bench/step-flops.ts against the reference's own layer shapes).
 * Prints every pair with the load average, then per case the medians, the median of the
 * per-round ratios RelaxCert ÷ PyTorch, and the best run of each side.
 */
import { spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildLayerPlan } from '../../shared/config/layer-plan.ts';
import { defaultReplicas } from '../../main/engine/train/trainer.ts';
import { nativeKernels } from '../../main/engine/native/load.ts';
import { cnn28Case, cnnCase, denseCase, trainThroughput } from '../train.bench.ts';
import type { TrainBenchCase } from '../train.bench.ts';
import { certifyThroughput } from '../certify-net.bench.ts';
import { trainStepFlops } from '../step-flops.ts';

const REFERENCE = join(dirname(fileURLToPath(import.meta.url)), 'reference.py');
const PYTHON = process.env.RELAXCERT_PYTHON ?? 'python3';
const POINTS = 100_000;

/** Steps per measurement, the same on both sides (more than train.bench.ts's 2 for the cnn). */
const trainCases: Record<string, TrainBenchCase> = {
  dense: denseCase,
  cnn: { ...cnnCase, steps: 4, warmup: 1 },
  cnn28: { ...cnn28Case, steps: 4, warmup: 1 },
};
type CaseName = 'dense' | 'cnn' | 'cnn28' | 'certify';

function threads(): number {
  return nativeKernels()?.info().threads ?? 1;
}

/**
 * torch.set_num_threads for the reference: the native kernels' thread count unless
 * RELAXCERT_TORCH_THREADS says otherwise (OPENBLAS_NUM_THREADS, passed through, sets the
 * threads of its matrix products: reference.py).
 */
function torchThreads(): number {
  const fromEnv = Number(process.env.RELAXCERT_TORCH_THREADS);
  return Number.isInteger(fromEnv) && fromEnv >= 1 ? fromEnv : threads();
}

function reference(args: string[]): Record<string, number | string> {
  const r = spawnSync(PYTHON, [REFERENCE, ...args, '--threads', String(torchThreads()), '--json'], {
    encoding: 'utf8',
  });
  if (r.status !== 0) {
    throw new Error(`${PYTHON} ${REFERENCE} ${args.join(' ')} failed: ${r.stderr || r.error}`);
  }
  return JSON.parse(r.stdout.trim().split('\n').at(-1) ?? '{}') as Record<string, number | string>;
}

/** Samples/s (training) or points/s (certification) of one side. */
async function measure(side: 'relaxcert' | 'pytorch', name: CaseName): Promise<number> {
  if (name === 'certify') {
    if (side === 'pytorch')
      return Number(reference(['certify', '--points', String(POINTS)]).points_per_second);
    // Batches of 1024 natively, as certify-net.bench.ts measures it.
    return (await certifyThroughput(POINTS, 1024, true)).pointsPerSecond;
  }
  const c = trainCases[name];
  if (side === 'pytorch') {
    const args = [name, '--steps', String(c.steps), '--warmup', String(c.warmup)];
    return Number(reference(args).samples_per_second);
  }
  const replicas = defaultReplicas('wasm');
  return (await trainThroughput(c, 'wasm', replicas, 256, true)).wall;
}

function median(a: number[]): number {
  const s = [...a].sort((x, y) => x - y);
  const h = Math.floor(s.length / 2);
  return s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2;
}

const [roundsArg = '3', ...caseArgs] = process.argv.slice(2);
const rounds = Number(roundsArg);
const names = (caseArgs.length > 0 ? caseArgs : ['dense', 'cnn', 'cnn28', 'certify']) as CaseName[];
for (const n of names) {
  if (n !== 'certify' && !(n in trainCases)) throw new Error(`compare: unknown case '${n}'`);
}
if (nativeKernels() === undefined)
  console.log('# native kernels not built: RelaxCert on WASM only');
console.log(
  `# RelaxCert: native kernels on ${threads()} thread(s); PyTorch: torch.set_num_threads(${torchThreads()}), ` +
    `OPENBLAS_NUM_THREADS ${process.env.OPENBLAS_NUM_THREADS ?? 'unset (every core)'}`,
);

for (const n of names) {
  if (n === 'certify') continue;
  const c = trainCases[n];
  const ours = trainStepFlops(buildLayerPlan(c.arch, c.inputShape, c.classes), 256, 2);
  const theirs = Number(reference([n, '--flops']).flops);
  if (ours !== theirs)
    throw new Error(`compare: ${n} does ${ours} FLOP a step here, ${theirs} in the reference`);
  console.log(`# ${n}: ${(ours / 1e9).toFixed(2)} GFLOP a step on both sides`);
}

const results = new Map<CaseName, Array<{ ours: number; theirs: number }>>();
for (let r = 0; r < rounds; r++) {
  for (const n of names) {
    const order: Array<'relaxcert' | 'pytorch'> =
      r % 2 === 0 ? ['pytorch', 'relaxcert'] : ['relaxcert', 'pytorch'];
    const load = loadavg()[0];
    const got: Record<string, number> = {};
    for (const side of order) got[side] = await measure(side, n);
    const pair = { ours: got.relaxcert, theirs: got.pytorch };
    results.set(n, [...(results.get(n) ?? []), pair]);
    console.log(
      `round ${r + 1} ${n}: PyTorch ${pair.theirs.toFixed(0)}, RelaxCert ${pair.ours.toFixed(0)} ` +
        `(${(pair.ours / pair.theirs).toFixed(2)}×), ${order[0]} first, load average ${load.toFixed(2)} → ${loadavg()[0].toFixed(2)}`,
    );
  }
}
for (const [n, pairs] of results) {
  const unit = n === 'certify' ? 'points/s' : 'samples/s';
  const ratio = median(pairs.map((p) => p.ours / p.theirs));
  // The best of each side: the run least disturbed by other processes.
  const best = (side: 'ours' | 'theirs') => Math.max(...pairs.map((p) => p[side]));
  console.log(
    `BENCH compare.${n}.pytorch ${median(pairs.map((p) => p.theirs)).toFixed(0)} ${unit}\n` +
      `BENCH compare.${n}.relaxcert ${median(pairs.map((p) => p.ours)).toFixed(0)} ${unit}\n` +
      `BENCH compare.${n}.ratio ${ratio.toFixed(2)} x\n` +
      `# ${n} best of each side: PyTorch ${best('theirs').toFixed(0)}, RelaxCert ${best('ours').toFixed(0)} ` +
      `(${(best('ours') / best('theirs')).toFixed(2)}×)`,
  );
}
