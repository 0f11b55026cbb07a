/**
 * `relaxcert` command line. Each sub-command lives in its own module under main/cli/; this file
 * only dispatches and maps errors to exit codes (0 ok, 1 user error, 2 internal error).
 */
import { RelaxCertError } from '../shared/errors.ts';
import { VERSION } from '../shared/version.ts';

const HELP = `relaxcert ${VERSION} — train and certify neural networks under relaxed local robustness

Usage: relaxcert <command> [options]

Commands:
  --help, -h        show this help
  --version, -v     print the version
  data inspect PATH     show a data set's format, classes, sizes and presets
  data make-acasxu      make the synthetic ACAS Xu set from a .nnet network
`;

export async function main(argv: string[]): Promise<number> {
  const [command] = argv;
  try {
    if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
      process.stdout.write(HELP);
      return 0;
    }
    if (command === 'data')
      return await (await import('./cli/data.ts')).runDataCommand(argv.slice(1));
    if (command === '--version' || command === '-v') {
      process.stdout.write(`${VERSION}\n`);
      return 0;
    }
    throw new RelaxCertError(
      'INVALID_INPUT',
      `unknown command '${command}' (see relaxcert --help)`,
    );
  } catch (error) {
    if (error instanceof RelaxCertError && error.code !== 'INTERNAL') {
      process.stderr.write(`relaxcert: ${error.message}\n`);
      return 1;
    }
    process.stderr.write(
      `relaxcert: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    return 2;
  }
}
