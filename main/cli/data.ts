/**
 * `relaxcert data ...`: inspect a data set (format detected from the path) and make the synthetic
 * ACAS Xu set. Errors are RelaxCertErrors; main/cli.ts prints them on one line and exits 1.
 */
import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import {
  DATASET_KINDS,
  GENERATOR_KINDS,
  isDatasetKind,
  isGeneratorKind,
} from '../../shared/config/dataset-kinds.ts';
import type { DatasetSpec } from '../../shared/config/experiment.ts';
import type { DatasetInfo } from '../../shared/api/workbench-api.ts';
import { RelaxCertError } from '../../shared/errors.ts';
import { makeAcasxuSet, readNnetFile, summariseAcasxu, writeAcasxuFile } from '../data/acasxu.ts';
import { nnetClassNames, type NnetNetwork } from '../data/nnet.ts';
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

PATH is a file or folder: a .nnet network (its layers and input box are shown) or a make-acasxu
set, CIFAR-10/100 binaries (the folder or one .bin file), a folder of MNIST-family IDX files, a
Tiny-ImageNet folder, a folder of class folders, a .csv file, a .npy file or folder; or a
built-in name: ${GENERATOR_KINDS.join(', ')}.

Options:
  --kind KIND          force the format: ${DATASET_KINDS.join(', ')}
  --option KEY=VALUE   a reader option, e.g. labels=coarse (CIFAR-100), label=species (CSV),
                       names=fashion-mnist or classNames=a,b,c (IDX); see docs/DATA.md
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

/** 60000 → "60,000": sizes of real data sets are read at a glance. */
const count = (n: number): string => n.toLocaleString('en-US');

function formatInfo(info: DatasetInfo, path: string): string {
  const lines = [
    `Data set:  ${info.name}`,
    `Format:    ${info.kind}`,
    `Source:    ${path}`,
    `Input:     ${info.inputShape.join('×')}`,
    `Sizes:     ${count(info.trainSize)} train, ${count(info.testSize)} test`,
    `Classes:   ${info.classNames.length}`,
  ];
  const total = info.trainSize + info.testSize;
  const width = Math.max(5, ...info.classNames.map((n) => n.length));
  const row = (id: string, name: string, train: number, test: number) =>
    `  ${id.padStart(3)}  ${name.padEnd(width)}  ${count(train).padStart(9)}  ${count(test).padStart(9)}  ${count(train + test).padStart(9)}  ${(total > 0 ? (100 * (train + test)) / total : 0).toFixed(1).padStart(5)} %`;
  lines.push(
    `  ${'id'.padStart(3)}  ${'class'.padEnd(width)}  ${'train'.padStart(9)}  ${'test'.padStart(9)}  ${'total'.padStart(9)}  share`,
  );
  info.classNames.forEach((name, c) =>
    lines.push(row(String(c), name, info.classCounts[c], info.testClassCounts[c])),
  );
  lines.push(row('', 'all', info.trainSize, info.testSize));
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

interface NnetSummary {
  format: 'nnet';
  inputSize: number;
  outputSize: number;
  /** Input first, output last. */
  layerSizes: number[];
  inputMins: number[];
  inputMaxs: number[];
  classNames: string[];
}

function nnetSummary(net: NnetNetwork): NnetSummary {
  return {
    format: 'nnet',
    inputSize: net.inputSize,
    outputSize: net.outputSize,
    layerSizes: net.layerSizes,
    inputMins: [...net.inputMins],
    inputMaxs: [...net.inputMaxs],
    classNames: nnetClassNames(net),
  };
}

function formatNnet(s: NnetSummary, path: string): string {
  const hidden = s.layerSizes.slice(1, -1);
  const lines = [
    `Network:   ${basename(path)} (.nnet)`,
    `Source:    ${path}`,
    `Layers:    ${s.layerSizes.join(' → ')} (${hidden.length} hidden ReLU layer${hidden.length === 1 ? '' : 's'}, linear output)`,
    `Inputs:    ${s.inputSize}, ranges:`,
    ...s.inputMins.map((lo, i) => `  x${i}  [${lo}, ${s.inputMaxs[i]}]`),
    `Outputs:   ${s.outputSize} (${s.classNames.join(', ')}; the advisory is the smallest)`,
    'Data:      none stored; a run draws points uniformly from the input box and labels them by',
    '           the network (relaxcert data make-acasxu writes such a set)',
  ];
  return `${lines.join('\n')}\n`;
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
  if (forced !== undefined && !isDatasetKind(forced))
    throw new RelaxCertError(
      'INVALID_INPUT',
      `--kind must be one of ${DATASET_KINDS.join(', ')}, not '${forced}'`,
      { field: '--kind' },
    );
  // Before format detection, which opens the file: a FIFO or a device must not be opened at all.
  if (!BUILTIN_NAMES.has(path) && existsSync(path)) checkDataPath(path, forced);
  const kind = forced ?? detectKind(path);
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
  // A network is summarised as itself; `data make-acasxu` (or a run) draws a set from it.
  if (kind === 'acasxu' && path.toLowerCase().endsWith('.nnet')) {
    const summary = nnetSummary(await readNnetFile(path));
    process.stdout.write(
      p.flags.has('--json')
        ? `${JSON.stringify({ path, kind, ...summary })}\n`
        : formatNnet(summary, path),
    );
    return 0;
  }
  const spec: DatasetSpec = { kind, seed: integerFlag(p, '--seed', SEED_RANGE, 0) };
  if (!isGeneratorKind(kind)) spec.path = path;
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
