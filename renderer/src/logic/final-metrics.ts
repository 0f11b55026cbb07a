/**
 * The final metrics of compared runs, certified by the host from each run's stored evaluation
 * (proven Lipschitz upper bounds, not the power-iteration estimates of the training curves).
 */
import type { RunSummary } from '../../../shared/api/run-types.ts';
import type { CertificationSummary, WorkbenchApi } from '../../../shared/api/workbench-api.ts';
import { errorMessage } from '../api/error-message.ts';

export interface FinalMetricsRow {
  runId: string;
  name: string;
  summary?: CertificationSummary;
  /** Why the row has no figures. */
  note?: string;
}

/**
 * Certifies each evaluated run with its trained guarantee, at its trained ε or, when `epsilon`
 * is given, at that one ε for all (the way to compare runs trained at different radii).
 */
export async function loadFinalMetrics(
  api: Pick<WorkbenchApi, 'certifyRun'>,
  runs: readonly RunSummary[],
  epsilon?: number,
): Promise<FinalMetricsRow[]> {
  return Promise.all(
    runs.map(async (run): Promise<FinalMetricsRow> => {
      const row = { runId: run.id, name: run.name };
      if (!run.evaluated)
        return {
          ...row,
          note:
            run.state === 'completed'
              ? 'no stored evaluation (eval/ missing)'
              : `not evaluated yet (${run.state})`,
        };
      try {
        return {
          ...row,
          summary: await api.certifyRun(run.id, epsilon === undefined ? {} : { epsilon }),
        };
      } catch (e) {
        return { ...row, note: errorMessage(e) };
      }
    }),
  );
}

/** The guarantee VRA of a relaxed guarantee (RTK or affinity); none for the standard one. */
export function relaxedVra(s: CertificationSummary): number | undefined {
  return s.guarantee.kind === 'standard' ? undefined : s.guaranteeVra;
}
