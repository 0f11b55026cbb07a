/** `relaxcert report RUN --out FILE`: the self-contained HTML report of an evaluated run. */
import { writeFileAtomic } from '../store/atomic-write.ts';
import { RelaxCertError } from '../../shared/errors.ts';
import { CLAIM_HELP, claimOption, parseCommand } from './args.ts';
import { withHost } from './open-host.ts';
import { resolveRunId } from './resolve-run.ts';

export const REPORT_HELP = `Usage: relaxcert report RUN --out FILE [--claim CLAIM]

Writes a self-contained HTML report of an evaluated run to FILE: its configuration, the sound
figures at the trained ε and guarantee, training curves (estimates, labelled), VRA vs ε, the
confusion matrix with a ⊥ column and a sample of rejected points with their explanations. The
page has no script and loads nothing: it opens offline in any browser.

RUN is a run id, a unique prefix of one, or latest.

Options:
  --out FILE       where to write the report (written whole or not at all)
${CLAIM_HELP}  -h, --help       show this help
`;

export async function reportCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommand(
    'report',
    argv,
    { out: { type: 'string' }, claim: { type: 'string' } },
    true,
  );
  if (values.help) {
    process.stdout.write(REPORT_HELP);
    return 0;
  }
  if (positionals.length > 1) {
    throw new RelaxCertError(
      'INVALID_INPUT',
      `report: one run at a time (got ${positionals.length})`,
    );
  }
  const out = values.out;
  if (out === undefined || out === '') {
    throw new RelaxCertError('INVALID_INPUT', 'report: give --out FILE (e.g. --out report.html)', {
      field: 'out',
    });
  }
  const claim = claimOption('report', values.claim);
  return withHost(async (host) => {
    const runId = await resolveRunId(host, positionals[0]);
    const html = await host.getReportHtml(runId, claim);
    await writeFileAtomic(out, html);
    process.stdout.write(`wrote the report of run ${runId} to ${out}\n`);
    return 0;
  });
}
