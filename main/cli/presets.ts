/** `relaxcert presets`: the built-in experiment presets. */
import { PRESETS } from '../../shared/config/presets.ts';
import { parseCommand } from './args.ts';
import { table } from './format.ts';

export const PRESETS_HELP = `Usage: relaxcert presets [--json]

Lists the experiment presets (use one with relaxcert train --preset ID).

Options:
  --json       print the presets, with their full configs, as a JSON array
  -h, --help   show this help
`;

export async function presetsCommand(argv: string[]): Promise<number> {
  const { values } = parseCommand('presets', argv, { json: { type: 'boolean' } });
  if (values.help) {
    process.stdout.write(PRESETS_HELP);
    return 0;
  }
  if (values.json) {
    process.stdout.write(`${JSON.stringify(PRESETS)}\n`);
    return 0;
  }
  process.stdout.write(
    table(
      ['ID', 'TITLE', 'NEEDS'],
      PRESETS.map((p) => [p.id, p.title, p.needsData ? 'data files' : 'built-in']),
    ),
  );
  return 0;
}
