/** `relaxcert runs`: the runs in the workbench home. */
import type { DamagedRun } from '../../shared/api/run-types.ts';
import { parseCommand } from './args.ts';
import { pct, table } from './format.ts';
import { withHost } from './open-host.ts';
import { terminalText } from './terminal-text.ts';

export const RUNS_HELP = `Usage: relaxcert runs [--json]

Lists the runs in the workbench home (RELAXCERT_HOME or the platform's app-data folder),
newest first, then run folders that cannot be read (state "damaged", with the reason).
Figures are the last epoch's training-time estimates; use relaxcert certify for sound ones.

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
    const damaged = await host.listDamagedRuns();
    if (values.json) {
      process.stdout.write(`${JSON.stringify(runs)}\n`);
      // Kept out of the array, whose items are all runs; said on stderr so no folder is hidden.
      for (const d of damaged) process.stderr.write(`relaxcert: ${damagedLine(d)}\n`);
      return 0;
    }
    if (runs.length === 0 && damaged.length === 0) {
      process.stdout.write(`no runs in ${terminalText(host.store.runsDir)}\n`);
      return 0;
    }
    const rows = runs.map((r) => [
      r.id,
      r.state,
      `${r.epochsDone}/${r.config.training.epochs}`,
      pct(r.latest?.cleanAccuracy),
      pct(r.latest?.vra),
      r.evaluated ? 'yes' : 'no',
      r.name,
    ]);
    for (const d of damaged) rows.push([d.id, 'damaged', '-', '-', '-', '-', d.reason]);
    process.stdout.write(table(['ID', 'STATE', 'EPOCHS', 'CLEAN', 'VRA', 'EVAL', 'NAME'], rows));
    if (damaged.length > 0) {
      process.stdout.write(
        `${damaged.length} damaged run folder${damaged.length === 1 ? '' : 's'} (the NAME column ` +
          `says why): delete ${damaged.length === 1 ? 'it' : 'them'} in the workbench's Runs view ` +
          `or remove the folder under ${terminalText(host.store.runsDir)}\n`,
      );
    }
    return 0;
  });
}

function damagedLine(d: DamagedRun): string {
  return terminalText(`run folder ${d.id} is damaged: ${d.reason}`);
}
