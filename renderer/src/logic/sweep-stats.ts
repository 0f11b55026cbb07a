/**
 * Mean ± std of the compared runs that belong to one sweep (the same experiment, seeds apart):
 * the cells' recorded sound figures, aggregated by shared/sweep/aggregate.ts, the function that
 * writes the sweep's results.json. With every finished run of a group selected the rows are
 * that file's groups, number for number; with fewer, the same statistics over the selected
 * runs, n saying how many.
 */
import type { SweepSummary } from '../../../shared/api/sweep-types.ts';
import { aggregateSweep, formatMeanStd, metricDigits } from '../../../shared/sweep/aggregate.ts';
import type {
  FinishedCell,
  SweepGroupResult,
  SweepMetric,
} from '../../../shared/sweep/aggregate.ts';

export interface SweepCompareRow {
  sweepId: string;
  sweepName: string;
  result: SweepGroupResult;
  /** Finished runs of the group (what results.json aggregates once the sweep is complete). */
  finishedInGroup: number;
}

/** One row per sweep group with at least one selected, finished run; in sweep then group order. */
export function sweepCompareRows(
  sweeps: readonly SweepSummary[],
  selected: readonly string[],
): SweepCompareRow[] {
  const chosen = new Set(selected);
  const rows: SweepCompareRow[] = [];
  for (const sweep of sweeps) {
    const finished = sweep.cells.filter((c) => c.runId !== undefined && c.figures !== undefined);
    const picked: FinishedCell[] = finished
      .filter((c) => chosen.has(c.runId as string))
      .map((c) => ({
        group: c.group,
        epsilon: c.epsilon,
        guarantee: c.guarantee,
        seed: c.seed,
        runId: c.runId as string,
        figures: c.figures ?? {},
      }));
    for (const result of aggregateSweep(picked)) {
      rows.push({
        sweepId: sweep.id,
        sweepName: sweep.name,
        result,
        finishedInGroup: finished.filter((c) => c.group === result.group).length,
      });
    }
  }
  return rows;
}

/** The run ids of a sweep's cells that have runs (to select them all for comparison). */
export function sweepRunIds(sweep: SweepSummary): string[] {
  return sweep.cells.flatMap((c) => (c.runId === undefined ? [] : [c.runId]));
}

/** The comparison's columns, in order, with their headings. */
export const SWEEP_COLUMNS: ReadonlyArray<readonly [string, SweepMetric]> = [
  ['Clean acc.', 'cleanAccuracy'],
  ['Standard VRA', 'standardVra'],
  ['Guarantee VRA', 'guaranteeVra'],
  ['Rejected', 'rejectionRate'],
  ['Train s', 'trainSeconds'],
];

/**
 * One cell of the table: the rounded text (as the CLI's table) and, for the tooltip, the exact
 * numbers of results.json.
 */
export function sweepCell(
  row: SweepCompareRow,
  metric: SweepMetric,
): { text: string; title: string } {
  const v = row.result.metrics[metric];
  return {
    text: formatMeanStd(v, metricDigits(metric)),
    title:
      v === undefined
        ? ''
        : `mean ${v.mean}${v.std === undefined ? '' : `, sample std ${v.std}`}, n ${v.n}`,
  };
}
