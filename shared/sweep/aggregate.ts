/**
 * Mean ± standard deviation of a sweep's sound metrics, group by group (same ε and guarantee,
 * different seeds). The standard deviation is the sample one (n − 1 in the denominator); with one
 * seed it is undefined and left out.
 */

/** The metrics a sweep reports per run: all from the sound certification of its artefacts. */
export const SWEEP_METRICS = [
  'cleanAccuracy',
  'standardVra',
  'guaranteeVra',
  'rejectionRate',
  'trainSeconds',
] as const;
export type SweepMetric = (typeof SWEEP_METRICS)[number];

export type RunFigures = Partial<Record<SweepMetric, number>>;

export interface MeanStd {
  mean: number;
  /** Sample standard deviation; absent with a single value. */
  std?: number;
  n: number;
}

export interface SweepGroupResult {
  group: string;
  epsilon: number;
  guarantee: string;
  seeds: number[];
  runIds: string[];
  metrics: Partial<Record<SweepMetric, MeanStd>>;
}

export function meanStd(values: number[]): MeanStd {
  const n = values.length;
  const mean = values.reduce((a, b) => a + b, 0) / n;
  if (n < 2) return { mean, n };
  const ss = values.reduce((a, v) => a + (v - mean) * (v - mean), 0);
  return { mean, std: Math.sqrt(ss / (n - 1)), n };
}

export interface FinishedCell {
  group: string;
  epsilon: number;
  guarantee: string;
  seed: number;
  runId: string;
  figures: RunFigures;
}

/** Groups in the order they first appear; a metric is aggregated when every run has it. */
export function aggregateSweep(cells: FinishedCell[]): SweepGroupResult[] {
  const groups = new Map<string, FinishedCell[]>();
  for (const cell of cells) {
    const list = groups.get(cell.group) ?? [];
    list.push(cell);
    groups.set(cell.group, list);
  }
  return [...groups.values()].map((list) => {
    const metrics: SweepGroupResult['metrics'] = {};
    for (const m of SWEEP_METRICS) {
      const values = list.map((c) => c.figures[m]);
      if (values.every((v): v is number => v !== undefined)) metrics[m] = meanStd(values);
    }
    return {
      group: list[0].group,
      epsilon: list[0].epsilon,
      guarantee: list[0].guarantee,
      seeds: list.map((c) => c.seed),
      runIds: list.map((c) => c.runId),
      metrics,
    };
  });
}

const SNAKE: Record<SweepMetric, string> = {
  cleanAccuracy: 'clean_accuracy',
  standardVra: 'standard_vra',
  guaranteeVra: 'guarantee_vra',
  rejectionRate: 'rejection_rate',
  trainSeconds: 'train_seconds',
};

function csvCell(v: string | number | undefined): string {
  if (v === undefined) return '';
  const s = String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** One row per group: epsilon, guarantee, runs, then <metric>_mean and <metric>_std columns. */
export function sweepCsv(groups: SweepGroupResult[]): string {
  const header = ['epsilon', 'guarantee', 'runs'];
  for (const m of SWEEP_METRICS) header.push(`${SNAKE[m]}_mean`, `${SNAKE[m]}_std`);
  const rows = groups.map((g) => {
    const cells: Array<string | number | undefined> = [g.epsilon, g.guarantee, g.seeds.length];
    for (const m of SWEEP_METRICS) cells.push(g.metrics[m]?.mean, g.metrics[m]?.std);
    return cells.map(csvCell).join(',');
  });
  return `${[header.join(','), ...rows].join('\n')}\n`;
}

/** Decimals a metric is shown with: fractions as the paper's tables (3), seconds with 1. */
export function metricDigits(m: SweepMetric): number {
  return m === 'trainSeconds' ? 1 : 3;
}

/** "0.909 ± 0.004" (3 decimals, as the paper's tables), or the mean alone for one run. */
export function formatMeanStd(v: MeanStd | undefined, digits = 3): string {
  if (v === undefined) return '—';
  return v.std === undefined
    ? v.mean.toFixed(digits)
    : `${v.mean.toFixed(digits)} ± ${v.std.toFixed(digits)}`;
}
