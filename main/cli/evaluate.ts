/**
 * `relaxcert evaluate RUN`: the evaluation job again on a completed run's last checkpoint
 * (proven Lipschitz bounds, test-set logits, per-point float32 error bounds), then the sound
 * figures of the new artefacts. Needed for runs evaluated by an older format.
 */
import { RelaxCertError } from '../../shared/errors.ts';
import { parseCommand } from './args.ts';
import { withHost } from './open-host.ts';
import { resolveRunId } from './resolve-run.ts';
import { runReport, summaryText } from './run-report.ts';

export const EVALUATE_HELP = `Usage: relaxcert evaluate RUN [--json]

Evaluates a completed run again from its last checkpoint: converges the proven Lipschitz
bounds, computes the test-set logits and their per-point float32 error bounds, and stores them
as the run's certification artefacts (replacing older ones, e.g. of format 1). Then prints the
sound figures at the trained ε and guarantee, as train does.

RUN is a run id, a unique prefix of one, or latest.

Options:
  --json       print the figures as one JSON object (the fields of train --json)
  -h, --help   show this help
`;

export async function evaluateCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommand(
    'evaluate',
    argv,
    { json: { type: 'boolean' } },
    true,
  );
  if (values.help) {
    process.stdout.write(EVALUATE_HELP);
    return 0;
  }
  if (positionals.length > 1) {
    throw new RelaxCertError(
      'INVALID_INPUT',
      `evaluate: one run at a time (got ${positionals.length})`,
    );
  }
  return withHost(async (host) => {
    const runId = await resolveRunId(host, positionals[0]);
    await host.evaluateRun(runId);
    const final = await host.settled(runId);
    if (final.state !== 'completed') {
      throw new RelaxCertError(
        'INTERNAL',
        `evaluation of run ${runId} failed: ${final.error ?? final.state}`,
      );
    }
    const artifacts = await host.getEvalArtifacts(runId);
    const report = runReport(final, artifacts, host.store.runDir(runId));
    process.stdout.write(
      values.json
        ? `${JSON.stringify(report)}\n`
        : `run ${runId} evaluated` +
            (final.backend ? ` on ${final.backend}` : '') +
            '\n' +
            summaryText(report),
    );
    return 0;
  });
}
