/** `relaxcert train`: create a run from a preset or a config file, train it, report it. */
import { readDataText } from '../data/data-file.ts';
import { BACKEND_CHOICES, isBackendChoice } from '../../shared/config/backends.ts';
import type { ExperimentConfig } from '../../shared/config/experiment.ts';
import { getPreset } from '../../shared/config/presets.ts';
import { RelaxCertError } from '../../shared/errors.ts';
import { MAX_SEED, numberOption, parseCommand } from './args.ts';
import { withHost } from './open-host.ts';
import { summaryText } from './run-report.ts';
import { trainRun } from './train-run.ts';

export const TRAIN_HELP = `Usage: relaxcert train (--preset NAME | --config FILE) [options]

Creates a run in the workbench home and trains it; prints the sound certification of the
test set at the end.

Options:
  --preset NAME        a preset id (see relaxcert presets)
  --config FILE        an experiment config (JSON)
  --epochs N           override training.epochs
  --seed S             override training.seed
  --batch-size N       override training.batchSize
  --train-size N       override dataset.trainSize (generated data sets)
  --test-size N        override dataset.testSize (generated data sets)
  --name TEXT          name of the run
  --backend B          ${BACKEND_CHOICES.join(' | ')} (default: the best available; RELAXCERT_BACKEND too)
  --json               print one JSON object at the end instead of text
  -h, --help           show this help

Ctrl-C cancels the run; resume it later from the workbench.
`;

/** An experiment config is a few kilobytes of JSON; affinity sets of many classes stay far below. */
const MAX_CONFIG_BYTES = 16 * 1024 * 1024;

export async function readConfig(file: string): Promise<unknown> {
  // A regular file of a sane size: `--config /dev/zero` or a FIFO must not hang or fill memory.
  const text = readDataText(file, { format: 'experiment config', maxBytes: MAX_CONFIG_BYTES });
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new RelaxCertError(
      'INVALID_CONFIG',
      `${file}: not valid JSON (${error instanceof Error ? error.message : String(error)})`,
      { file },
    );
  }
}

export async function trainCommand(argv: string[]): Promise<number> {
  const { values } = parseCommand('train', argv, {
    preset: { type: 'string' },
    config: { type: 'string' },
    epochs: { type: 'string' },
    seed: { type: 'string' },
    'batch-size': { type: 'string' },
    'train-size': { type: 'string' },
    'test-size': { type: 'string' },
    name: { type: 'string' },
    backend: { type: 'string' },
    json: { type: 'boolean' },
  });
  if (values.help) {
    process.stdout.write(TRAIN_HELP);
    return 0;
  }
  if ((values.preset === undefined) === (values.config === undefined)) {
    throw new RelaxCertError('INVALID_INPUT', 'train: give exactly one of --preset or --config');
  }
  const epochs = numberOption('train', 'epochs', values.epochs, { integer: true, min: 1 });
  const seed = numberOption('train', 'seed', values.seed, { integer: true, min: 0, max: MAX_SEED });
  const batchSize = numberOption('train', 'batch-size', values['batch-size'], {
    integer: true,
    min: 1,
  });
  const trainSize = numberOption('train', 'train-size', values['train-size'], {
    integer: true,
    min: 1,
  });
  const testSize = numberOption('train', 'test-size', values['test-size'], {
    integer: true,
    min: 1,
  });
  const backend = values.backend;
  if (backend !== undefined && !isBackendChoice(backend)) {
    throw new RelaxCertError(
      'INVALID_INPUT',
      `train: --backend must be one of ${BACKEND_CHOICES.join(', ')} (got '${backend}')`,
      {
        field: 'backend',
      },
    );
  }
  const base =
    values.preset !== undefined
      ? structuredClone(getPreset(values.preset).config)
      : ((await readConfig(values.config as string)) as ExperimentConfig);
  const config = structuredClone(base);
  if (typeof config === 'object' && config !== null) {
    if (values.name !== undefined) config.name = values.name;
    if (config.training && typeof config.training === 'object') {
      if (epochs !== undefined) config.training.epochs = epochs;
      if (seed !== undefined) config.training.seed = seed;
      if (batchSize !== undefined) config.training.batchSize = batchSize;
    }
    if (config.dataset && typeof config.dataset === 'object') {
      if (trainSize !== undefined) config.dataset.trainSize = trainSize;
      if (testSize !== undefined) config.dataset.testSize = testSize;
    }
  }
  if (backend !== undefined) process.env.RELAXCERT_BACKEND = backend;
  return withHost(async (host) => {
    const json = values.json === true;
    const { final, report } = await trainRun(host, config, { json });
    if (json) {
      process.stdout.write(`${JSON.stringify(report)}\n`);
    } else {
      process.stdout.write(
        `run ${final.id} completed: ${final.epochsDone} epochs` +
          (final.backend ? ` on ${final.backend}` : '') +
          '\n' +
          summaryText(report) +
          `stored in ${report.runDir}\n`,
      );
    }
    return 0;
  });
}
