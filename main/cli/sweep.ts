/**
 * `relaxcert sweep`: one experiment over several seeds (and radii, guarantees), trained run by
 * run through the job manager, reported as mean ± std of the sound metrics per group.
 */
import { CLAIM_TERMS, DEFAULT_CLAIM } from '../../shared/certify/claim.ts';
import type { ExperimentConfig, Guarantee } from '../../shared/config/experiment.ts';
import { getPreset } from '../../shared/config/presets.ts';
import { validateExperimentConfig } from '../../shared/config/validate-experiment.ts';
import { parseAffinitySets } from '../../shared/certify/index.ts';
import { RelaxCertError } from '../../shared/errors.ts';
import { formatMeanStd, metricDigits } from '../../shared/sweep/aggregate.ts';
import type { SweepGroupResult } from '../../shared/sweep/aggregate.ts';
import { cellConfig, seedRange } from '../../shared/sweep/grid.ts';
import type { WorkbenchHost } from '../host/workbench-host.ts';
import { loadSweep, newSweep } from '../store/sweep-state.ts';
import type { SweepState } from '../store/sweep-state.ts';
import { numberOption, parseCommand } from './args.ts';
import { table } from './format.ts';
import { withHost } from './open-host.ts';
import { runSweep } from '../host/sweep-runner.ts';
import type { SweepResult } from '../host/sweep-runner.ts';
import { readConfig } from './train.ts';

export const SWEEP_HELP = `Usage: relaxcert sweep (--config FILE | --preset NAME) --seeds N [options]
       relaxcert sweep --resume SWEEP_ID

Trains the experiment once per cell of the grid seeds × ε × guarantees (each cell a run of its
own in the workbench home, one after another through the job manager), certifies every run
soundly and prints, per ε and guarantee, the mean ± standard deviation (sample, n - 1) over
the seeds. The grid and each cell's run are recorded in <home>/sweeps/<id>/sweep.json, so a
sweep stopped by Ctrl-C or a crash resumes where it stopped (--resume); results.csv and
results.json are written there at the end.

Options:
  --config FILE        the base experiment (JSON), or
  --preset NAME        a preset id (see relaxcert presets)
  --seeds N            train with seeds S, S+1, ..., S+N-1 (S = training.seed of the base)
  --eps A,B,...        radii to train for (default: the base's training.epsilon)
  --guarantee G        standard | rtk:K | affinity:SETS (e.g. "affinity:[0,1][2,3]"); repeat
                       the option for several (default: the base's guarantee)
  --epochs N           override training.epochs
  --resume ID          continue a stopped sweep
  --json               print one JSON object at the end
  -h, --help           show this help
`;

function parseGuarantee(text: string, classes: () => Promise<string[]>): Promise<Guarantee> {
  const bad = (): never => {
    throw new RelaxCertError(
      'INVALID_INPUT',
      `sweep: --guarantee must be standard, rtk:K or affinity:SETS (got '${text}')`,
      { field: 'guarantee' },
    );
  };
  const [kind, ...rest] = text.split(':');
  const arg = rest.join(':');
  if (kind === 'standard' && rest.length === 0) return Promise.resolve({ kind: 'standard' });
  if (kind === 'rtk') {
    const k = numberOption('sweep', 'guarantee', arg, { integer: true, min: 1 }) ?? bad();
    return classes().then((names) => {
      if (k > names.length) {
        throw new RelaxCertError(
          'INVALID_INPUT',
          `sweep: --guarantee rtk:${k} asks for more classes than the data set has (${names.length})`,
          { field: 'guarantee' },
        );
      }
      return { kind: 'rtk', k };
    });
  }
  if (kind === 'affinity' && arg.trim() !== '') {
    return classes().then((names) => {
      const sets = parseAffinitySets(arg, names.length, names);
      const g: Guarantee = { kind: 'affinity', sets: sets.sets };
      if (sets.names !== undefined) g.names = sets.names;
      return g;
    });
  }
  return bad();
}

function parseEpsilons(text: string): number[] {
  return text.split(',').map((part) => {
    const v = numberOption('sweep', 'eps', part.trim(), { min: 0, exclusiveMin: true });
    return v as number;
  });
}

const METRIC_COLUMNS = [
  ['clean', 'cleanAccuracy'],
  ['standard VRA', 'standardVra'],
  ['guarantee VRA', 'guaranteeVra'],
  ['rejection', 'rejectionRate'],
  ['train s', 'trainSeconds'],
] as const;

export function sweepTable(groups: SweepGroupResult[]): string {
  const used = METRIC_COLUMNS.filter(([, m]) => groups.some((g) => g.metrics[m] !== undefined));
  return table(
    ['ε', 'guarantee', 'runs', ...used.map(([h]) => h)],
    groups.map((g) => [
      String(g.epsilon),
      g.guarantee,
      String(g.seeds.length),
      ...used.map(([, m]) => formatMeanStd(g.metrics[m], metricDigits(m))),
    ]),
  );
}

/**
 * Runs (or resumes) a sweep with one line per cell on stdout (none with json), Ctrl-C stopping
 * it resumably. Shared by `sweep` and `reproduce acasxu --seeds`.
 */
export async function driveSweep(
  host: WorkbenchHost,
  state: SweepState,
  json: boolean,
): Promise<SweepResult> {
  const total = state.cells.length;
  if (!json) process.stdout.write(`sweep ${state.id}: ${total} runs\n`);
  const controller = new AbortController();
  const onSigint = () => {
    if (controller.signal.aborted) return;
    process.stderr.write('stopping the sweep (resumable)…\n');
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  try {
    return await runSweep(host, state, {
      signal: controller.signal,
      onCell: (cell, index, phase) => {
        if (json) return;
        const at = `[${index + 1}/${total}] ${cell.key}`;
        if (phase === 'done') {
          const f = cell.figures ?? {};
          const relaxed = f.guaranteeVra;
          process.stdout.write(
            `${at}: run ${cell.runId} clean ${f.cleanAccuracy?.toFixed(3)} ` +
              `standard-vra ${f.standardVra?.toFixed(3)}` +
              (relaxed !== undefined ? ` guarantee-vra ${relaxed.toFixed(3)}` : '') +
              ` rejected ${f.rejectionRate?.toFixed(3)}\n`,
          );
        } else {
          const verb = { start: 'training', resume: 'resuming', kept: 'kept' }[phase];
          process.stdout.write(`${at}: ${verb} run ${cell.runId}\n`);
        }
      },
    });
  } finally {
    process.off('SIGINT', onSigint);
  }
}

export async function sweepCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommand('sweep', argv, {
    config: { type: 'string' },
    preset: { type: 'string' },
    seeds: { type: 'string' },
    eps: { type: 'string' },
    guarantee: { type: 'string', multiple: true },
    epochs: { type: 'string' },
    resume: { type: 'string' },
    json: { type: 'boolean' },
  });
  if (values.help) {
    process.stdout.write(SWEEP_HELP);
    return 0;
  }
  if (positionals.length > 0) {
    throw new RelaxCertError('INVALID_INPUT', `sweep: unexpected argument '${positionals[0]}'`);
  }
  const json = values.json === true;
  const resume = values.resume;
  if (resume !== undefined) {
    const others = ['config', 'preset', 'seeds', 'eps', 'guarantee', 'epochs'] as const;
    const given = others.find((k) => values[k] !== undefined);
    if (given !== undefined) {
      throw new RelaxCertError(
        'INVALID_INPUT',
        `sweep: --resume continues the recorded grid; --${given} cannot change it`,
        { field: given },
      );
    }
  } else {
    if ((values.preset === undefined) === (values.config === undefined)) {
      throw new RelaxCertError('INVALID_INPUT', 'sweep: give exactly one of --preset or --config');
    }
    if (values.seeds === undefined) {
      throw new RelaxCertError('INVALID_INPUT', 'sweep: --seeds N is required', {
        field: 'seeds',
      });
    }
  }
  const seeds = numberOption('sweep', 'seeds', values.seeds, { integer: true, min: 1 });
  const epochs = numberOption('sweep', 'epochs', values.epochs, { integer: true, min: 1 });
  const epsilons = values.eps === undefined ? undefined : parseEpsilons(values.eps);
  let base: ExperimentConfig | undefined;
  if (resume === undefined) {
    const raw =
      values.preset !== undefined
        ? structuredClone(getPreset(values.preset).config)
        : await readConfig(values.config as string);
    base = validateExperimentConfig(raw);
    if (epochs !== undefined) base.training.epochs = epochs;
  }
  return withHost(async (host) => {
    let state: SweepState;
    if (resume !== undefined) {
      state = await loadSweep(host.store.home, resume);
    } else {
      const config = base as ExperimentConfig;
      let names: Promise<string[]> | undefined;
      const classes = () =>
        (names ??= host.inspectDataset(config.dataset).then((info) => info.classNames));
      const guarantees =
        values.guarantee === undefined
          ? [config.guarantee]
          : await Promise.all(values.guarantee.map((g) => parseGuarantee(g, classes)));
      state = newSweep(config, {
        seeds: seedRange(config.training.seed, seeds as number),
        epsilons: epsilons ?? [config.training.epsilon],
        guarantees,
      });
      // Every cell's experiment is checked before the first one trains.
      for (const cell of state.cells) validateExperimentConfig(cellConfig(config, cell, state.id));
    }
    const result = await driveSweep(host, state, json);
    if (json) {
      process.stdout.write(
        `${JSON.stringify({ sweepId: state.id, dir: result.dir, files: result.files, groups: result.groups })}\n`,
      );
    } else {
      process.stdout.write(
        `\nmean ± std over seeds (sound certificates, test set, claim: ${CLAIM_TERMS[DEFAULT_CLAIM].label}):\n${sweepTable(result.groups)}` +
          `written: ${result.files.join(', ')}\n`,
      );
    }
    return 0;
  });
}
