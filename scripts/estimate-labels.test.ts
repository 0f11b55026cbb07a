/**
 * Estimates apart from certificates: every place that shows a training-time figure (power
 * iteration, no float32 error bound) labels it an estimate, in text and in JSON field names.
 * The places, one test each: the metrics log and the API (EpochMetrics on the wire), the
 * renderer's runs table, its training and comparison charts, the CLI's per-epoch lines of
 * `train`, the `runs` table, `runs --json`, and the HTML report. Add a place here when one
 * starts showing EpochMetrics.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { EpochMetrics, RunSummary } from '../shared/api/run-types.ts';
import { ESTIMATE_TERMS, type CertificationSummary } from '../shared/certify/index.ts';
import { PRESETS } from '../shared/config/presets.ts';
import { runListing, runsTable } from '../main/cli/runs.ts';
import { epochLine } from '../main/cli/train-run.ts';
import { runReportHtml } from '../main/host/report-html.ts';
import { fakeArtifacts, fakeDeps, ScriptedRunner } from '../main/host/testing/fake-deps.ts';
import { WorkbenchHost } from '../main/host/workbench-host.ts';
import { RunStore } from '../main/store/run-store.ts';
import { EPOCH_FIGURES } from '../renderer/src/logic/epoch-figures.ts';
import { cellText, RUN_COLUMNS } from '../renderer/src/logic/run-columns.ts';

const config = structuredClone(PRESETS[0].config);
config.guarantee = { kind: 'rtk', k: 2 };

const latest: EpochMetrics = {
  epoch: 3,
  trainLoss: 0.5,
  cleanAccuracy: 0.9,
  estimatedStandardVra: 0.733,
  estimatedGuaranteeVra: 0.811,
  estimatedRejectionRate: 0.207,
  estimatedLipschitz: 4.2,
  learningRate: 0.001,
  epsilon: 0.3,
  seconds: 1,
  samplesPerSecond: 100,
};

const run: RunSummary = {
  id: '20261201-000000-abcdef',
  name: 'r',
  state: 'completed',
  createdAt: '',
  updatedAt: '',
  config,
  epochsDone: 3,
  latest,
  evaluated: true,
};

const sound: CertificationSummary = {
  n: 100,
  epsilon: 0.3,
  guarantee: config.guarantee,
  cleanAccuracy: 0.9,
  standardVra: 0.66,
  guaranteeVra: 0.72,
  top1GuaranteeVra: 0.7,
  rejectionRate: 0.305,
  certifiedCount: 69,
};

/** Fields of EpochMetrics that are not figures of the network (bookkeeping of the epoch). */
const BOOKKEEPING = ['epoch', 'learningRate', 'lambda', 'epsilon', 'seconds', 'samplesPerSecond'];
/** Figures that need no Lipschitz bound, so they are no estimates. */
const UNBOUNDED = ['cleanAccuracy', 'trainLoss'];

/** The estimates of `latest` as the percentages text shows them. */
const ESTIMATE_TEXTS = ['73.3%', '81.1%', '20.7%'];

/** Every key of a JSON value, recursively. */
function keys(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(keys);
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([k, v]) => [k, ...keys(v)]);
}

/** Keys of a JSON object whose value is one of the estimates of `latest`. */
function keysHoldingEstimates(value: unknown): string[] {
  const estimates = [0.733, 0.811, 0.207, 4.2];
  const out: string[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v !== null && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        if (typeof x === 'number' && estimates.includes(x)) out.push(k);
        walk(x);
      }
    }
  };
  walk(value);
  return out;
}

describe('training-time estimates are labelled wherever they are shown', () => {
  it('metrics log and API: every field of an epoch is bookkeeping, unbounded or estimated*', async () => {
    const home = await mkdtemp(join(tmpdir(), 'relaxcert-estimates-'));
    try {
      const store = await RunStore.open(home);
      const host = new WorkbenchHost(fakeDeps(store, new ScriptedRunner()));
      const created = await host.createRun(config);
      await store.appendMetrics(created.id, latest);
      const line = JSON.parse(
        (await readFile(join(store.runDir(created.id), 'metrics.jsonl'), 'utf8')).trim(),
      ) as Record<string, unknown>;
      const [viaApi] = await host.getMetrics(created.id);
      const listed = (await host.listRuns())[0].latest;
      for (const m of [line, viaApi, listed]) {
        for (const k of Object.keys(m ?? {})) {
          if (BOOKKEEPING.includes(k) || UNBOUNDED.includes(k)) continue;
          // A figure that needs a Lipschitz bound: one of the vocabulary's named estimates.
          expect(Object.keys(ESTIMATE_TERMS), k).toContain(k);
        }
        expect(keysHoldingEstimates(m).every((k) => k.startsWith('estimated'))).toBe(true);
      }
      await host.close();
    } finally {
      await rm(home, { recursive: true, force: true });
    }
  });

  it('renderer runs table: a run not evaluated shows each estimate as "≈ … (estimate)"', () => {
    const row = { ...run, evaluated: false };
    const cells = RUN_COLUMNS.map((c) => cellText(c, row));
    for (const text of ESTIMATE_TEXTS) {
      const shown = cells.filter((c) => c.includes(text));
      expect(shown, text).toHaveLength(1);
      expect(shown[0]).toBe(`≈ ${text} (estimate)`);
    }
    // Evaluated: the sound figure leads, the estimate beside it says what it is.
    const sound = { cleanAccuracy: 0.9, standardVra: 0.66, guaranteeVra: 0.72, rejectionRate: 0.3 };
    const evaluatedCells = RUN_COLUMNS.map((c) => cellText(c, { ...run, sound }));
    for (const text of ESTIMATE_TEXTS) {
      for (const c of evaluatedCells.filter((x) => x.includes(text))) {
        expect(c).toMatch(new RegExp(`\\(estimate ${text.replace('.', '\\.')}\\)$`));
      }
    }
  });

  it('renderer training and comparison charts: estimated* figures are titled "(estimate)"', () => {
    for (const [key, figure] of Object.entries(EPOCH_FIGURES)) {
      if (key.startsWith('estimated')) expect(figure.label, key).toMatch(/\(estimate\)$/);
      else expect(UNBOUNDED, key).toContain(key);
    }
    // Every estimate of the vocabulary has a chart figure under its own label.
    for (const [key, term] of Object.entries(ESTIMATE_TERMS)) {
      expect(EPOCH_FIGURES[key as keyof typeof EPOCH_FIGURES].label).toBe(term.label);
    }
  });

  it('HTML report: training curves are named as estimates', () => {
    const artifacts = fakeArtifacts('r1', config);
    const html = runReportHtml({ run, metrics: [latest], artifacts, generatedAt: 'now' });
    const start = html.indexOf('<h2>Training</h2>');
    const training = html.slice(start, html.indexOf('<h2>', start + 1));
    const legends = [...training.matchAll(/font-size="10">([^<]*)<\/text>/g)].map((m) => m[1]);
    expect(legends).toEqual(
      expect.arrayContaining(['standard VRA (estimate)', 'guarantee VRA (estimate)']),
    );
    for (const name of legends.filter((l) => /VRA|reject|Lipschitz/i.test(l))) {
      expect(name).toMatch(/\(estimate\)$/);
    }
  });

  it('train: each per-epoch line marks every estimated figure "est."', () => {
    const line = epochLine(latest, 10);
    expect(line).toContain('est. standard VRA 73.3%');
    expect(line).toContain('est. guarantee VRA 81.1%');
    expect(line).toContain('est. rejected 20.7%');
    // No VRA or rejection figure without the mark.
    expect(line.replace(/est\. (standard VRA|guarantee VRA|rejected)/g, '')).not.toMatch(
      /VRA|rejected/,
    );
  });

  it('runs: sound figures in their columns, estimates only under (EST.) headers', () => {
    const text = runsTable([runListing(run, sound), runListing({ ...run, evaluated: false })]);
    const [header, evaluated, notEvaluated] = text.trim().split('\n');
    expect(header).toMatch(
      /STANDARD VRA +GUARANTEE VRA +REJECTED +STANDARD VRA \(EST\.\) +REJECTED \(EST\.\)/,
    );
    expect(evaluated).toMatch(/90\.0% +66\.0% +72\.0% +30\.5% +73\.3% +20\.7%/);
    // Not evaluated: no sound figure, the estimate still labelled by its column.
    expect(notEvaluated).toMatch(/- +- +- +- +73\.3% +20\.7% +no/);
    expect(evaluated).toMatch(/20\.7% +yes/);
    // Evaluated, but its artefacts gave no figures (older format): to be evaluated again.
    expect(runsTable([runListing(run)])).toMatch(/20\.7% +redo +r\n$/);
  });

  it('runs --json: estimates under estimated* names, sound figures under certification', () => {
    const listed = JSON.parse(JSON.stringify([runListing(run, sound)])) as Record<
      string,
      unknown
    >[];
    expect(listed[0].estimates).toEqual({
      epoch: 3,
      cleanAccuracy: 0.9,
      estimatedStandardVra: 0.733,
      estimatedGuaranteeVra: 0.811,
      estimatedRejectionRate: 0.207,
      estimatedLipschitz: 4.2,
    });
    expect(listed[0].certification).toEqual(sound);
    const all = keys(listed);
    for (const raw of ['latest', 'vra', 'rtkVra', 'affinityVra', 'lipschitz']) {
      expect(all).not.toContain(raw);
    }
    // Every VRA-like or rejection figure outside `certification` is named as an estimate.
    const estimates = keys(listed[0].estimates);
    for (const k of estimates.filter((k) => /vra|reject|lipschitz/i.test(k))) {
      expect(k).toMatch(/^estimated/);
    }
  });
});
