/** `relaxcert export RUN --out DIR`. */
import { resolve } from 'node:path';
import { RelaxCertError } from '../../shared/errors.ts';
import { parseCommand } from './args.ts';
import { withHost } from './open-host.ts';
import { resolveRunId } from './resolve-run.ts';

export const EXPORT_HELP = `Usage: relaxcert export RUN --out DIR

Writes the trained network in the TensorFlow.js layout (model.json + weights.bin), the K matrix
(k-matrix.json: sound bounds of the Lipschitz constants of f_j - f_i), the certification report
(certification-report.json) and the run's config into DIR.

RUN is a run id, a unique prefix of one, or latest.

Options:
  --out DIR    the folder to write (created if needed)
  -h, --help   show this help
`;

export async function exportCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommand('export', argv, { out: { type: 'string' } }, true);
  if (values.help) {
    process.stdout.write(EXPORT_HELP);
    return 0;
  }
  if (positionals.length > 1) {
    throw new RelaxCertError(
      'INVALID_INPUT',
      `export: one run at a time (got ${positionals.length})`,
    );
  }
  if (values.out === undefined)
    throw new RelaxCertError('INVALID_INPUT', 'export: --out DIR is required');
  const out = resolve(values.out);
  return withHost(async (host) => {
    const runId = await resolveRunId(host, positionals[0]);
    const { files } = await host.exportRun(runId, out);
    process.stdout.write(
      `exported run ${runId} to ${out}:\n${files.map((f) => `  ${f}\n`).join('')}`,
    );
    return 0;
  });
}
