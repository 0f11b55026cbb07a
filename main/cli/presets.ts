/** `relaxcert presets`: the built-in experiment presets. */
import { PRESETS } from '../../shared/config/presets.ts';
import { parseCommand } from './args.ts';
import { table } from './format.ts';

export const PRESETS_HELP = `Usage: relaxcert presets [--json]

Lists the experiment presets (use one with relaxcert train --preset ID): the built-in demos and
one preset per row of the paper's Table F1, with the row it reproduces. Paper presets need the
data set on disk: set dataset.path in a config file (relaxcert presets --json gives the config).

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
      ['ID', 'SOURCE', 'DATA'],
      PRESETS.map((p) => [p.id, p.source ?? p.title, p.needsData ? 'you supply it' : 'built-in']),
    ),
  );
  return 0;
}
