/** A run named on the command line: its full id, a unique prefix of it, or `latest`. */
import { RelaxCertError } from '../../shared/errors.ts';
import type { WorkbenchHost } from '../host/workbench-host.ts';

export async function resolveRunId(
  host: WorkbenchHost,
  given: string | undefined,
): Promise<string> {
  if (given === undefined || given === '') {
    throw new RelaxCertError('INVALID_INPUT', 'name a run (its id, a unique prefix, or latest)', {
      field: 'RUN',
    });
  }
  const runs = await host.listRuns();
  if (given === 'latest') {
    if (runs.length === 0)
      throw new RelaxCertError('NOT_FOUND', `no runs in ${host.store.runsDir}`);
    return runs[0].id;
  }
  const exact = runs.find((r) => r.id === given);
  if (exact) return exact.id;
  const matches = runs.filter((r) => r.id.startsWith(given));
  if (matches.length === 1) return matches[0].id;
  if (matches.length > 1) {
    throw new RelaxCertError(
      'INVALID_INPUT',
      `'${given}' matches ${matches.length} runs (${matches
        .slice(0, 3)
        .map((r) => r.id)
        .join(', ')}${matches.length > 3 ? ', …' : ''}); give more of the id`,
      { field: 'RUN' },
    );
  }
  throw new RelaxCertError(
    'NOT_FOUND',
    `no run '${given}' in ${host.store.runsDir} (see relaxcert runs)`,
    {
      field: 'RUN',
    },
  );
}
