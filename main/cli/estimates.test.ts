/**
 * Estimates apart from certificates: every place the CLI shows a training-time figure (power
 * iteration, no float32 error bound) labels it an estimate, and sound figures are shown as such.
 * The places: per-epoch lines of `train`, the `runs` table, `runs --json`.
 */
import { describe, expect, it } from 'vitest';
import type { EpochMetrics, RunSummary } from '../../shared/api/run-types.ts';
import type { CertificationSummary } from '../../shared/certify/index.ts';
import { PRESETS } from '../../shared/config/presets.ts';
import { runListing, runsTable } from './runs.ts';
import { epochLine } from './train-run.ts';

const config = structuredClone(PRESETS[0].config);
config.guarantee = { kind: 'rtk', k: 2 };

const latest: EpochMetrics = {
  epoch: 3,
  trainLoss: 0.5,
  cleanAccuracy: 0.9,
  vra: 0.733,
  rtkVra: 0.811,
  rejectionRate: 0.207,
  lipschitz: 4.2,
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

/** Every key of a JSON value, recursively. */
function keys(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(keys);
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([k, v]) => [k, ...keys(v)]);
}

describe('training-time estimates are labelled wherever the CLI shows them', () => {
  it('train: each per-epoch line marks every estimated figure "est."', () => {
    const line = epochLine(latest, 10, config.guarantee);
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
