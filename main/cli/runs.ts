/** `relaxcert runs`: the runs in the workbench home. */
import { parseCommand } from './args.ts';
import { pct, table } from './format.ts';
import { withHost } from './open-host.ts';

export const RUNS_HELP = `Usage: relaxcert runs [--json]

Lists the runs in the workbench home (RELAXCERT_HOME or the platform's app-data folder),
newest first. Figures are the last epoch's training-time estimates; use relaxcert certify for
sound ones.

Options:
  --json       print the runs as a JSON array
  -h, --help   show this help
`;

export async function runsCommand(argv: string[]): Promise<number> {
  const { values } = parseCommand('runs', argv, { json: { type: 'boolean' } });
  if (values.help) {
    process.stdout.write(RUNS_HELP);
    return 0;
  }
  return withHost(async (host) => {
    const runs = await host.listRuns();
    if (values.json) {
      process.stdout.write(`${JSON.stringify(runs)}\n`);
      return 0;
    }
    if (runs.length === 0) {
      process.stdout.write(`no runs in ${host.store.runsDir}\n`);
      return 0;
    }
    process.stdout.write(
      table(
        ['ID', 'STATE', 'EPOCHS', 'CLEAN', 'VRA', 'EVAL', 'NAME'],
        runs.map((r) => [
          r.id,
          r.state,
          `${r.epochsDone}/${r.config.training.epochs}`,
          pct(r.latest?.cleanAccuracy),
          pct(r.latest?.vra),
          r.evaluated ? 'yes' : 'no',
          r.name,
        ]),
      ),
    );
    return 0;
  });
}
