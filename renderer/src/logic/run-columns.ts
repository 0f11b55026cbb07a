/** The columns of the runs table: how each is read from a RunSummary, sorted and shown. */
import type { RunSummary } from '../../../shared/api/run-types.ts';
import type { Guarantee } from '../../../shared/config/experiment.ts';

export type RunColumnKey =
  | 'name'
  | 'dataset'
  | 'guarantee'
  | 'epsilon'
  | 'epochs'
  | 'cleanAccuracy'
  | 'vra'
  | 'relaxedVra'
  | 'rejectionRate'
  | 'backend'
  | 'state'
  | 'createdAt';

export interface RunColumn {
  key: RunColumnKey;
  label: string;
  numeric: boolean;
  value(run: RunSummary): string | number | undefined;
  format?(value: number): string;
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
    value: (r) => r.latest?.cleanAccuracy,
    format: pct,
  },
  { key: 'vra', label: 'VRA', numeric: true, value: (r) => r.latest?.vra, format: pct },
  {
    key: 'relaxedVra',
    label: 'RTK / aff. VRA',
    numeric: true,
    value: (r) => r.latest?.rtkVra ?? r.latest?.affinityVra,
    format: pct,
  },
  {
    key: 'rejectionRate',
    label: 'Rejected',
    numeric: true,
    value: (r) => r.latest?.rejectionRate,
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

export function cellText(column: RunColumn, run: RunSummary): string {
  const v = column.value(run);
  if (v === undefined) return '—';
  if (typeof v === 'number') return column.format ? column.format(v) : String(v);
  return v;
}

/** Sorts by one column; missing values always sort last, whatever the direction. */
export function sortRuns(
  runs: readonly RunSummary[],
  key: RunColumnKey,
  dir: 'asc' | 'desc',
): RunSummary[] {
  const col = columnByKey(key);
  const sign = dir === 'asc' ? 1 : -1;
  return [...runs].sort((a, b) => {
    const va = col.value(a);
    const vb = col.value(b);
    if (va === undefined && vb === undefined) return 0;
    if (va === undefined) return 1;
    if (vb === undefined) return -1;
    if (typeof va === 'number' && typeof vb === 'number') return sign * (va - vb);
    return sign * String(va).localeCompare(String(vb));
  });
}

/** Case-insensitive text filter over every shown column; whitespace-separated terms must all match. */
export function filterRuns(runs: readonly RunSummary[], text: string): RunSummary[] {
  const terms = text.toLowerCase().split(/\s+/).filter(Boolean);
  if (terms.length === 0) return [...runs];
  return runs.filter((run) => {
    const hay =
      RUN_COLUMNS.map((c) => cellText(c, run).toLowerCase()).join(' ') + ' ' + run.id.toLowerCase();
    return terms.every((t) => hay.includes(t));
  });
}
