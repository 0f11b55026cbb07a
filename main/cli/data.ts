/**
 * `relaxcert data ...`: inspect a data set (format detected from the path) and make the synthetic
 * ACAS Xu set. Errors are RelaxCertErrors; main/cli.ts prints them on one line and exits 1.
 */
import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import type { DatasetKind, DatasetSpec } from '../../shared/config/experiment.ts';
import { DATASET_KINDS } from '../../shared/config/validate-experiment.ts';
import type { DatasetInfo } from '../../shared/api/workbench-api.ts';
import { RelaxCertError } from '../../shared/errors.ts';
import { makeAcasxuSet, readNnetFile, summariseAcasxu, writeAcasxuFile } from '../data/acasxu.ts';
import { checkDataPath } from '../data/data-path-guard.ts';
import { detectKind } from '../data/detect-format.ts';
import { inspectDataset } from '../data/load-dataset.ts';
import type { LoadProgress } from '../data/types.ts';
import { checkedNumber, MAX_ACASXU_POINTS, MAX_SEED, parseDecimal } from './args.ts';
import { terminalText } from './terminal-text.ts';

const SEED_RANGE = { min: 0, max: MAX_SEED };
const BUILTIN_NAMES: ReadonlySet<string> = new Set(['blobs-2d', 'shapes-32']);

const HELP = `Usage: relaxcert data <command> [options]

Commands:
  inspect PATH        show a data set's format, classes, sizes, class frequencies and presets
  make-acasxu         make the synthetic ACAS Xu set from a .nnet network

Run 'relaxcert data <command> --help' for its options.
`;

const INSPECT_HELP = `Usage: relaxcert data inspect PATH [--kind KIND] [--option KEY=VALUE]... [--json]

PATH is a file or folder: a .nnet network or a make-acasxu set, CIFAR-10/100 binaries (the folder
or one .bin file), a Tiny-ImageNet folder, a folder of class folders, a .csv or a .npy file; or a
built-in name: blobs-2d, shapes-32.

Options:
  --kind KIND          force the format: ${DATASET_KINDS.join(', ')}
  --option KEY=VALUE   a reader option, e.g. labels=coarse (CIFAR-100), label=species (CSV)
  --seed N             seed of generated sets and seeded splits (default 0)
  --json               print one JSON object instead of text
`;

const MAKE_HELP = `Usage: relaxcert data make-acasxu --nnet FILE --n N --seed S --out FILE [--json]

Samples N inputs uniformly in the network's input box (seeded), labels each with the advisory
(the smallest output), and writes the normalised inputs and labels to FILE. Prints the class
frequencies, the smallest distance between differently labelled points and the suggested ε
(half of it).

Options:
  --nnet FILE   the network (.nnet text format)
  --n N         number of points
  --seed S      random seed (default 0)
  --out FILE    where to write the set
  --json        print one JSON object: n, classNames, classCounts, minDiffLabelDistance,
                suggestedEpsilon, seed, nnet, out
`;

interface Parsed {
  positional: string[];
  flags: Map<string, string[]>;
  help: boolean;
}

function parseArgs(argv: string[], valued: string[], booleans: string[]): Parsed {
  const out: Parsed = { positional: [], flags: new Map(), help: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') out.help = true;
    else if (booleans.includes(arg)) out.flags.set(arg, ['true']);
    else if (valued.includes(arg)) {
      const value = argv[++i];
      if (value === undefined)
        throw new RelaxCertError('INVALID_INPUT', `${arg} needs a value`, { field: arg });
      out.flags.set(arg, [...(out.flags.get(arg) ?? []), value]);
    } else if (arg.startsWith('-'))
      throw new RelaxCertError('INVALID_INPUT', `unknown option '${arg}'`, { field: arg });
    else out.positional.push(arg);
  }
  return out;
}

function integerFlag(
  p: Parsed,
  flag: string,
  range: { min: number; max: number },
  fallback?: number,
): number {
  const raw = p.flags.get(flag)?.at(-1);
  if (raw === undefined) {
    if (fallback !== undefined) return fallback;
    throw new RelaxCertError('INVALID_INPUT', `${flag} is required`, { field: flag });
  }
  return checkedNumber(flag, flag, raw, { integer: true, ...range });
}

function stringFlag(p: Parsed, flag: string): string {
  const v = p.flags.get(flag)?.at(-1);
  if (v === undefined)
    throw new RelaxCertError('INVALID_INPUT', `${flag} is required`, { field: flag });
  return v;
}

/** Progress on stderr only for a terminal, so piped output stays clean. */
function progressReporter(): ((p: LoadProgress) => void) | undefined {
  if (!process.stderr.isTTY) return undefined;
  let last = 0;
  return (p) => {
    const now = Date.now();
    if (now - last < 200 && p.done < p.total) return;
    last = now;
    process.stderr.write(`\r${p.phase} ${p.done}/${p.total}   ${p.done >= p.total ? '\n' : ''}`);
  };
}

function formatInfo(info: DatasetInfo, path: string): string {
  const lines = [
    `Data set:  ${info.name}`,
    `Format:    ${info.kind}`,
    `Source:    ${path}`,
    `Input:     ${info.inputShape.join('×')}`,
    `Sizes:     ${info.trainSize} train, ${info.testSize} test`,
    `Classes:   ${info.classNames.length} (training frequencies)`,
  ];
  const width = Math.max(...info.classNames.map((n) => n.length));
  info.classNames.forEach((name, c) => {
    const count = info.classCounts[c];
    const share = info.trainSize > 0 ? ((100 * count) / info.trainSize).toFixed(1) : '0.0';
    lines.push(
      `  ${String(c).padStart(3)}  ${name.padEnd(width)}  ${String(count).padStart(8)}  ${share.padStart(5)} %`,
    );
  });
  if (info.affinityPresets.length === 0) lines.push('Presets:   none');
  else {
    lines.push('Presets:');
    for (const p of info.affinityPresets) {
      const sets = p.sets.map(
        (s, k) =>
          `${p.setNames?.[k] ? `${p.setNames[k]} ` : ''}{${s.map((c) => info.classNames[c]).join(', ')}}`,
      );
      lines.push(`  ${p.name}: ${sets.join('; ')}`);
    }
  }
  return `${lines.map(terminalText).join('\n')}\n`;
}

async function inspect(argv: string[]): Promise<number> {
  const p = parseArgs(argv, ['--kind', '--option', '--seed'], ['--json']);
  if (p.help) {
    process.stdout.write(INSPECT_HELP);
    return 0;
  }
  if (p.positional.length !== 1)
    throw new RelaxCertError(
      'INVALID_INPUT',
      'data inspect needs exactly one PATH (see relaxcert data inspect --help)',
    );
  const [path] = p.positional;
  const forced = p.flags.get('--kind')?.at(-1);
  if (forced !== undefined && !(DATASET_KINDS as readonly string[]).includes(forced))
    throw new RelaxCertError(
      'INVALID_INPUT',
      `--kind must be one of ${DATASET_KINDS.join(', ')}, not '${forced}'`,
      { field: '--kind' },
    );
  // Before format detection, which opens the file: a FIFO or a device must not be opened at all.
  if (!BUILTIN_NAMES.has(path) && existsSync(path)) {
    checkDataPath(path, forced as DatasetKind | undefined);
  }
  const kind = (forced as DatasetKind | undefined) ?? detectKind(path);
  const options: Record<string, string | number | boolean> = {};
  for (const kv of p.flags.get('--option') ?? []) {
    const eq = kv.indexOf('=');
    if (eq <= 0)
      throw new RelaxCertError('INVALID_INPUT', `--option expects KEY=VALUE, not '${kv}'`, {
        field: '--option',
      });
    const value = kv.slice(eq + 1);
    options[kv.slice(0, eq)] = typeof parseDecimal(value) === 'number' ? Number(value) : value;
  }
  const spec: DatasetSpec = { kind, seed: integerFlag(p, '--seed', SEED_RANGE, 0) };
  if (kind !== 'blobs-2d' && kind !== 'shapes-32') spec.path = path;
  if (Object.keys(options).length > 0) spec.options = options;
  const info = await inspectDataset(spec, { onProgress: progressReporter() });
  process.stdout.write(
    p.flags.has('--json') ? `${JSON.stringify({ path, ...info })}\n` : formatInfo(info, path),
  );
  return 0;
}

async function makeAcasxu(argv: string[]): Promise<number> {
  const p = parseArgs(argv, ['--nnet', '--n', '--seed', '--out'], ['--json']);
  if (p.help) {
    process.stdout.write(MAKE_HELP);
    return 0;
  }
  if (p.positional.length > 0)
    throw new RelaxCertError('INVALID_INPUT', `unexpected argument '${p.positional[0]}'`);
  const nnet = stringFlag(p, '--nnet');
  const out = stringFlag(p, '--out');
  const n = integerFlag(p, '--n', { min: 1, max: MAX_ACASXU_POINTS });
  const seed = integerFlag(p, '--seed', SEED_RANGE, 0);
  const net = await readNnetFile(nnet);
  const set = makeAcasxuSet(net, n, seed);
  const summary = summariseAcasxu(set);
  await writeAcasxuFile(out, set, net, summary);
  const finite = (v: number) => (Number.isFinite(v) ? v : null);
  if (p.flags.has('--json')) {
    process.stdout.write(
      `${JSON.stringify({
        n: summary.n,
        classNames: summary.classNames,
        classCounts: summary.classCounts,
        minDiffLabelDistance: finite(summary.minDiffLabelDistance),
        suggestedEpsilon: finite(summary.suggestedEpsilon),
        seed,
        nnet,
        out,
      })}\n`,
    );
    return 0;
  }
  const width = Math.max(...summary.classNames.map((c) => c.length));
  const lines = [
    `ACAS Xu set: ${n} points from ${basename(nnet)} (seed ${seed}), written to ${out}`,
    'Class frequencies:',
  ];
  summary.classNames.forEach((name, c) =>
    lines.push(
      `  ${name.padEnd(width)}  ${String(summary.classCounts[c]).padStart(8)}  ${((100 * summary.classCounts[c]) / n).toFixed(1).padStart(5)} %`,
    ),
  );
  lines.push(
    Number.isFinite(summary.minDiffLabelDistance)
      ? `Smallest distance between differently labelled points: ${summary.minDiffLabelDistance.toPrecision(6)} (normalised inputs)`
      : 'Smallest distance between differently labelled points: none (only one class occurs)',
    Number.isFinite(summary.suggestedEpsilon)
      ? `Suggested ε (half of it): ${summary.suggestedEpsilon.toPrecision(6)}`
      : 'Suggested ε: none',
  );
  process.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}

export async function runDataCommand(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === undefined || sub === '--help' || sub === '-h' || sub === 'help') {
    process.stdout.write(HELP);
    return 0;
  }
  if (sub === 'inspect') return inspect(rest);
  if (sub === 'make-acasxu') return makeAcasxu(rest);
  throw new RelaxCertError(
    'INVALID_INPUT',
    `unknown data command '${sub}' (see relaxcert data --help)`,
  );
}
