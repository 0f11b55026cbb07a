/**
 * The columns of the runs table: how each is read from a run, sorted and shown. Training-time
 * figures are power-iteration estimates; once a run is evaluated its sound certificate (at the
 * trained ε with the trained guarantee) is shown, with the estimate beside it.
 */
import type { RunSummary } from '../../../shared/api/run-types.ts';
import type { Guarantee } from '../../../shared/config/experiment.ts';
import type { MetricKey } from '../../../shared/certify/index.ts';
import { METRIC_TERMS } from '../../../shared/certify/index.ts';

/** The sound figures of an evaluated run, named by the vocabulary. */
export type SoundFigures = Pick<
  Record<MetricKey, number>,
  'cleanAccuracy' | 'standardVra' | 'guaranteeVra' | 'rejectionRate'
>;

/** A run as the table shows it: the summary, plus its certificate once fetched. */
export type RunRow = RunSummary & { sound?: SoundFigures };

/** A figure of the table: sound, or an estimate (labelled so wherever it is shown). */
export interface Figure {
  value: number;
  estimate: boolean;
  /** The training-time estimate beside a sound figure. */
  estimated?: number;
}

export type RunColumnKey =
  | 'name'
  | 'dataset'
  | 'guarantee'
  | 'epsilon'
  | 'epochs'
  | 'cleanAccuracy'
  | 'standardVra'
  | 'guaranteeVra'
  | 'rejectionRate'
  | 'backend'
  | 'state'
  | 'createdAt';

export interface RunColumn {
  key: RunColumnKey;
  label: string;
  numeric: boolean;
  /** Tooltip of the header: the vocabulary's definition. */
  title?: string;
  value(run: RunRow): string | number | Figure | undefined;
  format?(value: number): string;
}

/** The sound figure when the run has one, else the last epoch's estimate. */
function figure(
  run: RunRow,
  sound: (s: SoundFigures) => number,
  estimate: (r: RunSummary) => number | undefined,
): Figure | undefined {
  const est = estimate(run);
  if (run.sound) return { value: sound(run.sound), estimate: false, estimated: est };
  return est === undefined ? undefined : { value: est, estimate: true };
}

export function guaranteeLabel(g: Guarantee): string {
  if (g.kind === 'standard') return 'standard';
  if (g.kind === 'rtk') return `RT${g.k}`;
  return `affinity (${g.sets.length} set${g.sets.length === 1 ? '' : 's'})`;
}

const pct = (v: number): string => `${(100 * v).toFixed(1)}%`;

export const RUN_COLUMNS: readonly RunColumn[] = [
  { key: 'name', label: 'Name', numeric: false, value: (r) => r.name },
  { key: 'dataset', label: 'Data set', numeric: false, value: (r) => r.config.dataset.kind },
  {
    key: 'guarantee',
    label: 'Guarantee',
    numeric: false,
    value: (r) => guaranteeLabel(r.config.guarantee),
  },
  {
    key: 'epsilon',
    label: 'ε',
    numeric: true,
    value: (r) => r.config.training.epsilon,
    format: (v) => String(v),
  },
  {
    key: 'epochs',
    label: 'Epochs',
    numeric: true,
    value: (r) => r.epochsDone,
  },
  {
    key: 'cleanAccuracy',
    label: 'Clean acc.',
    numeric: true,
    title: METRIC_TERMS.cleanAccuracy.definition,
    value: (r) =>
      figure(
        r,
        (s) => s.cleanAccuracy,
        (x) => x.latest?.cleanAccuracy,
      ),
    format: pct,
  },
  {
    key: 'standardVra',
    label: 'Standard VRA',
    numeric: true,
    title: METRIC_TERMS.standardVra.definition,
    value: (r) =>
      figure(
        r,
        (s) => s.standardVra,
        (x) => x.latest?.estimatedStandardVra,
      ),
    format: pct,
  },
  {
    key: 'guaranteeVra',
    label: 'Guarantee VRA',
    numeric: true,
    title: METRIC_TERMS.guaranteeVra.definition,
    value: (r) =>
      r.config.guarantee.kind === 'standard'
        ? undefined
        : figure(
            r,
            (s) => s.guaranteeVra,
            (x) => x.latest?.estimatedGuaranteeVra,
          ),
    format: pct,
  },
  {
    key: 'rejectionRate',
    label: 'Rejected',
    numeric: true,
    title: METRIC_TERMS.rejectionRate.definition,
    value: (r) =>
      figure(
        r,
        (s) => s.rejectionRate,
        (x) => x.latest?.estimatedRejectionRate,
      ),
    format: pct,
  },
  { key: 'backend', label: 'Backend', numeric: false, value: (r) => r.backend },
  { key: 'state', label: 'State', numeric: false, value: (r) => r.state },
  // Hidden: the default order, newest first. Creation time, not last update, so that renaming
  // or finishing a run does not move its row away from under the pointer.
  { key: 'createdAt', label: 'Created', numeric: false, value: (r) => r.createdAt },
];

export function columnByKey(key: RunColumnKey): RunColumn {
  const c = RUN_COLUMNS.find((col) => col.key === key);
  if (!c) throw new Error(`unknown column ${key}`);
  return c;
}

/**
 * What a cell shows. An estimate reads "≈ 73.3% (estimate)"; a sound figure "66.0%", followed by
 * "(estimate 73.3%)" when the training-time estimate differs.
 */
export function cellText(column: RunColumn, run: RunRow): string {
  const v = column.value(run);
  if (v === undefined) return '—';
  const fmt = (x: number): string => (column.format ? column.format(x) : String(x));
  if (typeof v === 'number') return fmt(v);
  if (typeof v === 'string') return v;
  if (v.estimate) return `≈ ${fmt(v.value)} (estimate)`;
  if (v.estimated === undefined || fmt(v.estimated) === fmt(v.value)) return fmt(v.value);
  return `${fmt(v.value)} (estimate ${fmt(v.estimated)})`;
}

/** The number a column sorts by. */
function sortValue(column: RunColumn, run: RunRow): string | number | undefined {
  const v = column.value(run);
  return typeof v === 'object' ? v.value : v;
}

/** Sorts by one column; missing values always sort last, whatever the direction. */
export function sortRuns<R extends RunRow>(
  runs: readonly R[],
  key: RunColumnKey,
  dir: 'asc' | 'desc',
): R[] {
  const col = columnByKey(key);
  const sign = dir === 'asc' ? 1 : -1;
  return [...runs].sort((a, b) => {
    const va = sortValue(col, a);
    const vb = sortValue(col, b);
    if (va === undefined && vb === undefined) return 0;
    if (va === undefined) return 1;
    if (vb === undefined) return -1;
    if (typeof va === 'number' && typeof vb === 'number') return sign * (va - vb);
    return sign * String(va).localeCompare(String(vb));
  });
}

/** Case-insensitive text filter over every shown column; whitespace-separated terms must all match. */
export function filterRuns<R extends RunRow>(runs: readonly R[], text: string): R[] {
  const terms = text.toLowerCase().split(/\s+/).filter(Boolean);
  if (terms.length === 0) return [...runs];
  return runs.filter((run) => {
    const hay =
      RUN_COLUMNS.map((c) => cellText(c, run).toLowerCase()).join(' ') + ' ' + run.id.toLowerCase();
    return terms.every((t) => hay.includes(t));
  });
}
