/**
 * End to end through the real CLI (a child process, real worker threads and tfjs): train
 * blobs-2d for two epochs, then check every number the CLI prints against the shared
 * certification core run here on the stored artefacts.
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CERT_CLAIMS,
  DEFAULT_CLAIM,
  certifiedRadius,
  certifiedSet,
  certify,
  toCertGuarantee,
} from '../../shared/certify/index.ts';
import type { CertClaim } from '../../shared/certify/index.ts';
import { computeMetrics } from '../../shared/certify/testing/metrics-oracle.ts';
import type { Guarantee } from '../../shared/config/experiment.ts';
import type { EvalArtifacts } from '../../shared/api/workbench-api.ts';
import * as ort from 'onnxruntime-web';
import { readEvalArtifacts } from '../store/eval-artifacts.ts';
import { evaluateNnet, parseNnet } from '../data/nnet.ts';
import { errorBoundEffect, GLORO_NOTE_FILE } from '../export/gloro-note.ts';

const bin = new URL('../../bin/relaxcert.js', import.meta.url).pathname;

function cli(home: string, args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], {
    encoding: 'utf8',
    env: { ...process.env, RELAXCERT_HOME: home },
    timeout: 120_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The oracle: shared/certify on the artefacts, exactly as the paper defines the metrics. */
function oracle(
  a: EvalArtifacts,
  epsilon: number,
  guarantee: Guarantee,
  claim: CertClaim = DEFAULT_CLAIM,
) {
  const g = toCertGuarantee(guarantee, a.c);
  const input = {
    logits: a.logits,
    n: a.n,
    c: a.c,
    lipschitz: a.lipschitz,
    errorBound: a.errorBounds[claim],
  };
  const out = certify({ ...input, epsilon }, g);
  return { out, metrics: computeMetrics(out, a.labels, g), radius: certifiedRadius(input, g) };
}

describe('relaxcert train / certify / export (blobs-2d, 2 epochs)', () => {
  let home: string;
  let trained: Record<string, unknown>;
  let runDir: string;
  let artifacts: EvalArtifacts;

  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'relaxcert-cli-'));
    const r = cli(home, [
      'train',
      '--preset',
      'demo-blobs-affinity',
      '--epochs',
      '2',
      '--train-size',
      '600',
      '--test-size',
      '200',
      '--json',
    ]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    trained = JSON.parse(lines[0]) as Record<string, unknown>;
    runDir = join(home, 'runs', String(trained.runId));
    artifacts = await readEvalArtifacts(runDir);
  });

  afterAll(() => rm(home, { recursive: true, force: true }));

  it('train --json reports the sound certification of the stored artefacts', () => {
    const guarantee = artifacts.guarantee;
    expect(guarantee.kind).toBe('affinity');
    const { metrics } = oracle(artifacts, artifacts.trainedEpsilon, guarantee);
    const standard = oracle(artifacts, artifacts.trainedEpsilon, { kind: 'standard' }).metrics;
    expect(trained).toMatchObject({
      state: 'completed',
      epochs: 2,
      n: 200,
      epsilon: artifacts.trainedEpsilon,
      cleanAccuracy: metrics.cleanAccuracy,
      top1GuaranteeVra: metrics.vra,
      guaranteeVra: metrics.affinityVra,
      rejectionRate: metrics.rejectionRate,
      certifiedCount: metrics.certifiedCount,
      standardVra: standard.vra,
    });
    for (const old of ['vra', 'rtkVra', 'affinityVra']) expect(trained[old]).toBeUndefined();
    // Two epochs of blobs already certify something, and the numbers are fractions.
    expect(metrics.certifiedCount).toBeGreaterThan(0);
    expect(metrics.affinityVra).toBeGreaterThanOrEqual(metrics.vra);
  });

  it('runs lists the run as completed and evaluated', () => {
    const r = cli(home, ['runs', '--json']);
    expect(r.status).toBe(0);
    const runs = JSON.parse(r.stdout) as {
      id: string;
      state: string;
      epochsDone: number;
      evaluated: boolean;
    }[];
    expect(runs.map((x) => [x.id, x.state, x.epochsDone, x.evaluated])).toEqual([
      [trained.runId, 'completed', 2, true],
    ]);
    // Sound figures of the evaluated run, the estimates beside them under estimated* names.
    const listed = JSON.parse(r.stdout) as {
      certification: Record<string, unknown>;
      estimates: Record<string, unknown>;
    }[];
    expect(listed[0].certification).toMatchObject({
      standardVra: trained.standardVra,
      guaranteeVra: trained.guaranteeVra,
      rejectionRate: trained.rejectionRate,
    });
    expect(Object.keys(listed[0].estimates).sort()).toEqual([
      'cleanAccuracy',
      'epoch',
      'estimatedGuaranteeVra',
      'estimatedLipschitz',
      'estimatedRejectionRate',
      'estimatedStandardVra',
    ]);
    const text = cli(home, ['runs']).stdout;
    expect(text).toContain(String(trained.runId));
    expect(text).toContain('STANDARD VRA (EST.)');
    expect(text).toContain(`${(100 * Number(trained.standardVra)).toFixed(1)}%`);
  });

  it('certify prints per-point flags, sets and radii that match the core, at any ε and K', async () => {
    const csvFile = join(home, 'points.csv');
    const prefix = String(trained.runId).slice(0, 12);
    const r = cli(home, [
      'certify',
      prefix,
      '--eps',
      '0.15',
      '--rtk',
      '2',
      '--json',
      '--out',
      csvFile,
    ]);
    expect(r.status).toBe(0);
    const printed = JSON.parse(r.stdout) as {
      summary: Record<string, unknown>;
      points: {
        index: number;
        certified: boolean;
        certifiedSet: number[];
        radius: number;
        margin: number;
        error: number;
      }[];
    };
    const { out, metrics, radius } = oracle(artifacts, 0.15, { kind: 'rtk', k: 2 });
    expect(printed.summary).toMatchObject({
      epsilon: 0.15,
      cleanAccuracy: metrics.cleanAccuracy,
      top1GuaranteeVra: metrics.vra,
      guaranteeVra: metrics.rtkVra,
      standardVra: oracle(artifacts, 0.15, { kind: 'standard' }).metrics.vra,
      rejectionRate: metrics.rejectionRate,
    });
    expect(printed.points).toHaveLength(artifacts.n);
    for (const p of printed.points) {
      expect(p.certified).toBe(out.certified[p.index] === 1);
      expect(p.certifiedSet).toEqual(certifiedSet(out, p.index));
      expect(p.radius).toBe(radius[p.index]);
      expect(p.margin).toBe(out.margin[p.index]);
      expect(p.error).toBe(out.error[p.index]);
      // Consistency of flag and radius: certified at ε iff the radius exceeds ε.
      expect(p.certified).toBe(p.radius > 0.15);
    }
    const csv = (await readFile(csvFile, 'utf8')).trim().split('\n');
    expect(csv[0]).toBe(
      'index,label,predicted,certified,certifiedSet,labelInSet,margin,error,radius,certifiedSetNames,claim',
    );
    expect(csv).toHaveLength(artifacts.n + 1);
    expect(csv.slice(1).every((line) => line.endsWith(',float32'))).toBe(true);
    const certifiedRows = csv.slice(1).filter((line) => line.split(',')[3] === '1').length;
    expect(certifiedRows).toBe(metrics.certifiedCount);
  });

  it("certify --claim exact certifies with the exact claim's bound and names the claim everywhere", () => {
    const eps = 3 * artifacts.trainedEpsilon;
    const r = cli(home, ['certify', 'latest', '--eps', String(eps), '--claim', 'exact', '--json']);
    expect(r.stderr).toBe('');
    const printed = JSON.parse(r.stdout) as {
      summary: Record<string, unknown>;
      points: { index: number; certified: boolean; error: number }[];
    };
    const exact = oracle(artifacts, eps, artifacts.guarantee, 'exact');
    const float32 = oracle(artifacts, eps, artifacts.guarantee, 'float32');
    expect(printed.summary).toMatchObject({
      claim: 'exact',
      certifiedCount: exact.metrics.certifiedCount,
      rejectionRate: exact.metrics.rejectionRate,
    });
    for (const p of printed.points) {
      expect(p.certified).toBe(exact.out.certified[p.index] === 1);
      expect(p.error).toBe(exact.out.error[p.index]);
      // The exact claim subtracts less, so it certifies every point the default claim does.
      if (float32.out.certified[p.index] === 1) expect(p.certified).toBe(true);
    }
    const byDefault = JSON.parse(cli(home, ['certify', 'latest', '--json']).stdout) as {
      summary: { claim: string };
    };
    expect(byDefault.summary.claim).toBe('float32');
    const text = cli(home, ['certify', 'latest', '--claim', 'exact']);
    expect(text.stdout).toMatch(/test points \(claim: exact arithmetic\):/);
    const explained = cli(home, ['certify', 'latest', '--claim', 'exact', '--explain', '0']);
    expect(explained.stdout).toMatch(/claim: exact arithmetic: error bound /);
    const listed = cli(home, ['runs', '--claim', 'exact']);
    expect(listed.stdout).toMatch(/^sound figures under the claim: exact arithmetic$/m);
  });

  it('certify prints a readable summary with affinity sets given by class names', () => {
    const r = cli(home, [
      'certify',
      'latest',
      '--eps',
      '0.5',
      '--affinity',
      '[A1,A2,A3,B1,B2,B3][C1,C2,C3,D1,D2,D3]',
    ]);
    expect(r.status).toBe(0);
    const sets = [
      [0, 1, 2, 3, 4, 5],
      [6, 7, 8, 9, 10, 11],
    ];
    const { metrics } = oracle(artifacts, 0.5, { kind: 'affinity', sets });
    const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
    expect(r.stdout).toMatch(new RegExp(`clean accuracy\\s+${pct(metrics.cleanAccuracy)}`));
    const standard = oracle(artifacts, 0.5, { kind: 'standard' }).metrics;
    expect(r.stdout).toMatch(new RegExp(`\\n  guarantee VRA\\s+${pct(metrics.affinityVra ?? -1)}`));
    expect(r.stdout).toMatch(new RegExp(`\\n  standard VRA\\s+${pct(standard.vra)}`));
    expect(r.stdout).toMatch(new RegExp(`top-1 VRA under the guarantee\\s+${pct(metrics.vra)}`));
    expect(r.stdout).toMatch(new RegExp(`rejection rate\\s+${pct(metrics.rejectionRate)}`));
    expect(r.stdout).toMatch(new RegExp(`\\n  certified\\s+${metrics.certifiedCount} of 200`));
    // Header + one row per point after the summary.
    expect(r.stdout.split('\n').filter((l) => /^\d+\s/.test(l))).toHaveLength(200);
  });

  it('certify --explain says why each point is certified or rejected, as certify decides', () => {
    const { out } = oracle(artifacts, 0.3, artifacts.guarantee);
    const rejected = Array.from(out.certified).indexOf(0);
    const certified = Array.from(out.certified).indexOf(1);
    expect(rejected).toBeGreaterThanOrEqual(0);
    for (const index of [rejected, certified]) {
      const r = cli(home, [
        'certify',
        'latest',
        '--eps',
        '0.3',
        '--explain',
        String(index),
        '--json',
      ]);
      expect(r.status).toBe(0);
      const { explanation } = JSON.parse(r.stdout) as {
        explanation: { certified: boolean; margin: number | string; error: number; reason: string };
      };
      expect(explanation.certified).toBe(out.certified[index] === 1);
      expect(Number(explanation.margin)).toBe(out.margin[index]);
      expect(explanation.error).toBe(out.error[index]);
      expect(explanation.reason).toMatch(out.certified[index] === 1 ? /^certified/ : /^rejected/);
      const text = cli(home, ['certify', 'latest', '--eps', '0.3', '--explain', String(index)]);
      expect(text.status).toBe(0);
      expect(text.stdout).toContain(`point ${index}:`);
      expect(text.stdout).toContain(`result: ${explanation.reason}`);
      expect(text.stdout).toMatch(/PAIR \(j, i\)/);
    }
  });

  it('report writes the self-contained HTML report with the sound figures', async () => {
    const file = join(home, 'report.html');
    const r = cli(home, ['report', 'latest', '--out', file]);
    expect(r.status).toBe(0);
    const html = await readFile(file, 'utf8');
    const pct = (x: unknown) => `${(100 * Number(x)).toFixed(1)}%`;
    expect(html).toContain(`id="metric-standardVra">${pct(trained.standardVra)}<`);
    expect(html).toContain(`id="metric-guaranteeVra">${pct(trained.guaranteeVra)}<`);
    expect(html).not.toMatch(/<script/i);
  });

  it('export --out an existing file is one line naming it, exit 1 (issue 14, failure 2)', async () => {
    const file = join(home, 'not-a-folder');
    await writeFile(file, 'x');
    const r = cli(home, ['export', 'latest', '--out', file]);
    expect(r.stderr.trimEnd().split('\n'), r.stderr).toHaveLength(1);
    expect(r.stderr).toMatch(/^relaxcert: .*not-a-folder.*\((EEXIST|ENOTDIR)\)$/m);
    expect(r.stderr).not.toMatch(/internal error| {4}at /);
    expect(r.status).toBe(1);
    expect(await readFile(file, 'utf8')).toBe('x');
  });

  it('export writes a tfjs model whose weights reproduce the stored logits', async () => {
    const dir = join(home, 'export');
    const r = cli(home, ['export', 'latest', '--out', dir]);
    expect(r.status).toBe(0);
    const model = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8')) as {
      modelTopology: { layers: { kind: string; inFeatures?: number; units?: number }[] };
      weightsManifest: { paths: string[]; weights: { name: string; shape: number[] }[] }[];
    };
    const bytes = await readFile(join(dir, model.weightsManifest[0].paths[0]));
    const flat = new Float32Array(
      bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length),
    );
    const tensors = new Map<string, Float32Array>();
    let at = 0;
    for (const w of model.weightsManifest[0].weights) {
      const size = w.shape.reduce((a, b) => a * b, 1);
      tensors.set(w.name, flat.subarray(at, at + size));
      at += size;
    }
    expect(at).toBe(flat.length);
    // Plain-JS forward pass over the layer list (dense + MinMax).
    const inputs = artifacts.inputs as Float32Array;
    const features = artifacts.inputShape[0];
    let maxDiff = 0;
    for (let p = 0; p < 20; p++) {
      let h = Array.from(inputs.subarray(p * features, (p + 1) * features));
      model.modelTopology.layers.forEach((layer, i) => {
        if (layer.kind === 'dense') {
          const w = tensors.get(`L${i}.w`) as Float32Array;
          const b = tensors.get(`L${i}.b`) as Float32Array;
          const units = layer.units as number;
          const next = Array.from(b);
          for (let o = 0; o < units; o++)
            for (let k = 0; k < h.length; k++) next[o] += h[k] * w[k * units + o];
          h = next;
        } else if (layer.kind === 'minmax') {
          const half = h.length / 2;
          const a = h.slice(0, half);
          const c = h.slice(half);
          h = [...a.map((x, j) => Math.min(x, c[j])), ...a.map((x, j) => Math.max(x, c[j]))];
        } else {
          throw new Error(`unexpected layer ${layer.kind}`);
        }
      });
      for (let j = 0; j < artifacts.c; j++) {
        maxDiff = Math.max(maxDiff, Math.abs(h[j] - artifacts.logits[p * artifacts.c + j]));
      }
    }
    expect(maxDiff).toBeLessThan(1e-3);
    const k = JSON.parse(await readFile(join(dir, 'k-matrix.json'), 'utf8')) as { K: number[][] };
    expect(k.K[0][1]).toBe(artifacts.lipschitz[1]);
    const report = JSON.parse(await readFile(join(dir, 'certification-report.json'), 'utf8')) as {
      certifications: { guarantee: { kind: string }; guaranteeVra: number; standardVra: number }[];
    };
    expect(report.certifications[1].guaranteeVra).toBe(trained.guaranteeVra);
    expect(report.certifications[0].guaranteeVra).toBe(trained.standardVra);
    // The export alone reproduces the project's certificates, error bounds included.
    type Exported = { base: (number | null)[]; perEpsilon: (number | null)[] };
    const exported = JSON.parse(await readFile(join(dir, 'certificate-inputs.json'), 'utf8')) as {
      logits: number[][];
      errorBounds: Record<CertClaim, Exported>;
    };
    const bound = (e: Exported) => ({
      base: Float64Array.from(e.base, (v) => v ?? Infinity),
      perEpsilon: Float64Array.from(e.perEpsilon, (v) => v ?? Infinity),
    });
    const fromExport: EvalArtifacts = {
      ...artifacts,
      logits: Float32Array.from(exported.logits.flat()),
      lipschitz: Float64Array.from(k.K.flat()),
      errorBounds: {
        float32: bound(exported.errorBounds.float32),
        exact: bound(exported.errorBounds.exact),
      },
    };
    for (const claim of CERT_CLAIMS) {
      for (const eps of [0, artifacts.trainedEpsilon, 3 * artifacts.trainedEpsilon]) {
        const mine = oracle(artifacts, eps, artifacts.guarantee, claim);
        const theirs = oracle(fromExport, eps, artifacts.guarantee, claim);
        expect(Array.from(theirs.out.certified)).toEqual(Array.from(mine.out.certified));
        expect(Array.from(theirs.radius)).toEqual(Array.from(mine.radius));
      }
      expect(artifacts.errorBounds[claim].base.every((v) => v > 0)).toBe(true);
    }
    // The exact claim subtracts less at every point: its bound is part of the float32 one.
    const { exact, float32 } = artifacts.errorBounds;
    expect(exact.base.every((v, p) => v < float32.base[p])).toBe(true);
    expect(exact.perEpsilon.every((v, p) => v < float32.perEpsilon[p])).toBe(true);
  });

  it('export --format onnx / nnet: ONNX Runtime and the .nnet reader give the stored logits', async () => {
    const onnxDir = join(home, 'export-onnx');
    const r = cli(home, ['export', 'latest', '--out', onnxDir, '--format', 'onnx', '--gloro-head']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const { n, c } = artifacts;
    const inputs = artifacts.inputs as Float32Array;
    const features = artifacts.inputShape[0];
    ort.env.wasm.numThreads = 1;
    const session = await ort.InferenceSession.create(await readFile(join(onnxDir, 'model.onnx')));
    const out = await session.run({ input: new ort.Tensor('float32', inputs, [n, features]) });
    await session.release();
    const gloro = out.gloro.data as Float32Array;
    const oracleOut = oracle(artifacts, artifacts.trainedEpsilon, artifacts.guarantee).out;
    let worst = 0;
    for (let p = 0; p < n; p++) {
      const row = gloro.subarray(p * (c + 1), (p + 1) * (c + 1));
      for (let j = 0; j < c; j++)
        worst = Math.max(worst, Math.abs(row[j] - artifacts.logits[p * c + j]));
      // The ⊥ logit of the trained guarantee, as the shared core computes it.
      expect(Math.abs(row[c] - oracleOut.bottom[p])).toBeLessThan(1e-4);
    }
    expect(worst).toBeLessThan(1e-5);
    // Every point RelaxCert certifies is accepted by the ⊥ output (argmax ≠ ⊥); the output may
    // accept more, having no error bound, and the note beside the model says so with the count.
    let accepted = 0;
    for (let p = 0; p < n; p++) {
      const row = Array.from(gloro.subarray(p * (c + 1), (p + 1) * (c + 1)));
      const notBottom = row[c] <= Math.max(...row.slice(0, c));
      if (oracleOut.certified[p] === 1) expect(notBottom, `point ${p}`).toBe(true);
      accepted += notBottom ? 1 : 0;
    }
    const effect = errorBoundEffect(artifacts);
    expect(accepted).toBeGreaterThanOrEqual(effect.certified);
    const note = await readFile(join(onnxDir, GLORO_NOTE_FILE), 'utf8');
    expect(note).toContain(`RelaxCert certifies ${effect.certified} points`);
    expect(note).toContain(`${effect.acceptedWithoutBound} would be accepted`);
    // The K matrix and report are written beside it, as for the tfjs export.
    await readFile(join(onnxDir, 'k-matrix.json'));

    const nnetDir = join(home, 'export-nnet');
    expect(cli(home, ['export', 'latest', '--out', nnetDir, '--format', 'nnet']).status).toBe(0);
    const net = parseNnet(await readFile(join(nnetDir, 'model.nnet'), 'utf8'), 'model.nnet');
    worst = 0;
    for (let p = 0; p < n; p++) {
      const got = evaluateNnet(net, inputs.subarray(p * features, (p + 1) * features));
      for (let j = 0; j < c; j++)
        worst = Math.max(worst, Math.abs(got[j] - artifacts.logits[p * c + j]));
    }
    expect(worst).toBeLessThan(1e-5);

    const bad = cli(home, [
      'export',
      'latest',
      '--out',
      nnetDir,
      '--format',
      'nnet',
      '--gloro-head',
    ]);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/ONNX exports only/);
  });

  it('exits 1 with one line on user errors, and every command has --help', () => {
    for (const args of [
      ['certify', 'no-such-run'],
      ['certify', 'latest', '--rtk', '2', '--affinity', '[0,1]'],
      ['certify', 'latest', '--eps', '-1'],
      ['certify', 'latest', '--eps', '0x10'],
      ['certify', 'latest', '--explain', '200'],
      ['certify', 'latest', '--affinity', '[0,99]'],
      ['certify', 'latest', '--claim', 'float64'],
      ['runs', '--claim', 'bfloat16'],
      ['report', 'latest', '--out', join(home, 'r.html'), '--claim', 'tf32'],
      ['train', '--preset', 'no-such-preset'],
      ['train'],
      ['export', 'latest'],
      ['export', 'latest', '--out', 'x', '--format', 'pdf'],
      ['evaluate', 'no-such-run'],
      ['report', 'latest'],
    ]) {
      const r = cli(home, args);
      expect(r.status, args.join(' ')).toBe(1);
      expect(r.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
    }
    for (const command of [
      'train',
      'runs',
      'certify',
      'evaluate',
      'report',
      'export',
      'serve',
      'presets',
    ]) {
      const r = cli(home, [command, '--help']);
      expect(r.status).toBe(0);
      expect(r.stdout).toContain(`relaxcert ${command}`);
    }
  });

  it('evaluate re-creates the artefacts a format-1 file lacks, with the same figures', async () => {
    const file = join(runDir, 'eval', 'artifacts.bin');
    const bytes = await readFile(file);
    const old = Buffer.from(bytes);
    old.writeUInt32LE(1, 4);
    await writeFile(file, old);
    const refused = cli(home, ['certify', 'latest']);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain('relaxcert evaluate RUN');
    // runs still lists it, without sound figures, to be evaluated again.
    const listed = cli(home, ['runs']);
    expect(listed.status).toBe(0);
    expect(listed.stdout).toMatch(/ redo /);
    const r = cli(home, ['evaluate', 'latest', '--json']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const report = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(report).toMatchObject({
      runId: trained.runId,
      state: 'completed',
      epochs: 2,
      standardVra: trained.standardVra,
      guaranteeVra: trained.guaranteeVra,
      rejectionRate: trained.rejectionRate,
    });
    const again = await readEvalArtifacts(runDir);
    expect(Array.from(again.logits)).toEqual(Array.from(artifacts.logits));
    expect(cli(home, ['certify', 'latest']).status).toBe(0);
  });
});
