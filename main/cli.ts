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
  train             train a run from a preset or a config file (relaxcert train --help)
  runs              list the runs in the workbench home
  certify RUN       certify a run's test set at any ε, RTK K or affinity sets
  evaluate RUN      evaluate a completed run again from its checkpoint (new artefacts)
  report RUN        write a self-contained HTML report of an evaluated run (--out FILE)
  export RUN        write a run's model, K matrix and certification report
  serve             serve the workbench to a browser on this machine
  presets           list the experiment presets
  reproduce acasxu  reproduce the paper's ACAS Xu experiment (Table E1)
  data inspect PATH     show a data set's format, classes, sizes and presets
  data make-acasxu      make the synthetic ACAS Xu set from a .nnet network
`;

type Command = (argv: string[]) => Promise<number>;
/** Loaded lazily: `relaxcert --help` must not pay for tfjs or the data readers. */
const COMMANDS: Record<string, () => Promise<Command>> = {
  train: async () => (await import('./cli/train.ts')).trainCommand,
  runs: async () => (await import('./cli/runs.ts')).runsCommand,
  certify: async () => (await import('./cli/certify.ts')).certifyCommand,
  evaluate: async () => (await import('./cli/evaluate.ts')).evaluateCommand,
  report: async () => (await import('./cli/report.ts')).reportCommand,
  export: async () => (await import('./cli/export.ts')).exportCommand,
  serve: async () => (await import('./cli/serve.ts')).serveCommand,
  presets: async () => (await import('./cli/presets.ts')).presetsCommand,
  reproduce: async () => (await import('./cli/reproduce.ts')).reproduceCommand,
};

export async function main(argv: string[]): Promise<number> {
  const [command] = argv;
  try {
    if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
      process.stdout.write(HELP);
      return 0;
    }
    const own = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
    if (own !== undefined) return await (await own())(argv.slice(1));
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
