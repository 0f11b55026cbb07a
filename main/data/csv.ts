/**
 * CSV tables: numeric feature columns and one label column, chosen by `options.label` (a column
 * name from the header row, or a 0-based index; default: the header column named label, class,
 * target or y in any case, else the last column). Tokenising (quotes, newlines in quoted fields,
 * BOM, CRLF) is csv-parse's; the delimiter is `,`, `;` or tab, detected or `options.delimiter`. Labels that are all
 * non-negative integers are class ids; otherwise they are class names (classes in sorted order).
 * A header row is detected when the first row has a non-numeric feature cell (or forced with
 * `options.header`). `options.testPath` names a separate test table; otherwise a seeded,
 * stratified split keeps `1 − options.testFraction` (default 2/3) for training.
 */
import { parse } from 'csv-parse/sync';
import { basename } from 'node:path';
import { dataError } from './data-error.ts';
import { readDataText } from './data-file.ts';
import { MAX_TEXT_FILE_BYTES } from './data-path-guard.ts';
import { classNamesFromOption } from './labels.ts';
import type { RawDataset } from './raw-dataset.ts';
import { stratifiedSplit, takePart } from './split.ts';
import type { LoadOptions } from './types.ts';

type Options = Record<string, string | number | boolean>;

interface Table {
  file: string;
  header: string[] | undefined;
  rows: string[][];
  /** 1-based line number of each row. */
  lines: number[];
}

const isNumeric = (s: string) => s !== '' && Number.isFinite(Number(s));

/**
 * Header names that mean "the label", wherever the column stands, in order of precedence
 * (a table with both `y` and `label` columns is labelled by `label`); compared case-insensitively.
 */
export const LABEL_HEADERS = ['label', 'class', 'target', 'y'];

/** Index of the first of `names` (lower case) among the cells, by the names' order; else -1. */
function findNamed(cells: readonly string[], names: readonly string[]): number {
  const lower = cells.map((c) => c.toLowerCase());
  for (const name of names) {
    const i = lower.indexOf(name);
    if (i >= 0) return i;
  }
  return -1;
}

const DELIMITERS = [',', ';', '\t'];

/**
 * The delimiter among `,`, `;` and tab that occurs most often outside quotes on the first
 * non-blank line (a `;` table with decimal commas has more `;` than `,` in its header).
 */
export function detectDelimiter(text: string): string {
  const counts = new Map(DELIMITERS.map((d) => [d, 0]));
  let quoted = false;
  for (const ch of text) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === '\n' || ch === '\r')) {
      if ([...counts.values()].some((n) => n > 0)) break;
    } else if (!quoted && counts.has(ch)) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  }
  let best = ',';
  for (const [d, n] of counts) if (n > (counts.get(best) ?? 0)) best = d;
  return best;
}

function delimiterOf(text: string, options: Options): string {
  const o = options.delimiter;
  if (o === undefined) return detectDelimiter(text);
  // A tab typed on a command line (--option delimiter=\t) arrives as two characters.
  return o === '\\t' || o === 'tab' ? '\t' : String(o);
}

function readTable(file: string, options: Options): Table {
  const text = readDataText(file, { format: 'CSV', maxBytes: MAX_TEXT_FILE_BYTES });
  let records: { record: string[]; info: { lines: number } }[];
  try {
    // Rows of any width come through, so that our own check can name the short one.
    records = parse(text, {
      bom: true,
      delimiter: delimiterOf(text.replace(/^\uFEFF/, ''), options),
      trim: true,
      relax_column_count: true,
      skip_empty_lines: false,
      info: true,
    }) as unknown as typeof records;
  } catch (e) {
    const err = e as Error & { lines?: number };
    throw dataError(file, err.lines ? { line: err.lines } : {}, err.message);
  }
  const rows: string[][] = [];
  const lines: number[] = [];
  let nextLine = 1;
  for (const { record, info } of records) {
    // A record starts on the line after the previous one ended (quoted fields may span lines).
    const line = nextLine;
    nextLine = info.lines + 1;
    if (record.length === 1 && record[0] === '') continue; // a blank line
    rows.push(record);
    lines.push(line);
  }
  if (rows.length === 0) throw dataError(file, {}, 'the table is empty');
  let header: string[] | undefined;
  const forced = options.header;
  if (
    forced === true ||
    (forced === undefined &&
      rows[0].some((c, i) => i !== labelIndexGuess(rows[0], options) && !isNumeric(c)))
  ) {
    header = rows.shift();
    lines.shift();
  }
  if (rows.length === 0) throw dataError(file, {}, 'the table has a header but no rows');
  return { file, header, rows, lines };
}

/** Label column for header detection: an index option, else the last column. */
function labelIndexGuess(firstRow: string[], options: Options): number {
  const o = options.label;
  if (typeof o === 'number') return o;
  if (typeof o === 'string' && /^\d+$/.test(o)) return Number(o);
  const names = typeof o === 'string' ? [o.toLowerCase()] : LABEL_HEADERS;
  const named = findNamed(firstRow, names);
  return named >= 0 ? named : firstRow.length - 1;
}

function labelColumn(table: Table, options: Options, width: number): number {
  const o = options.label;
  if (o === undefined) {
    const named = table.header ? findNamed(table.header, LABEL_HEADERS) : -1;
    return named >= 0 ? named : width - 1;
  }
  if (typeof o === 'number' || (typeof o === 'string' && /^\d+$/.test(o))) {
    const i = Number(o);
    if (i < 0 || i >= width)
      throw dataError(
        table.file,
        { line: table.lines[0] },
        `label column ${i} is out of range (the table has ${width} columns)`,
      );
    return i;
  }
  const name = String(o);
  const exact = table.header?.indexOf(name) ?? -1;
  const i = exact >= 0 ? exact : table.header ? findNamed(table.header, [name.toLowerCase()]) : -1;
  if (i < 0) throw dataError(table.file, { line: 1 }, `no column named '${name}' in the header`);
  return i;
}

interface Parsed {
  x: Float32Array;
  labels: string[];
  lines: number[];
}

function parseRows(table: Table, labelCol: number, width: number): Parsed {
  const features = width - 1;
  const x = new Float32Array(table.rows.length * features);
  const labels: string[] = [];
  table.rows.forEach((row, r) => {
    const line = table.lines[r];
    if (row.length !== width)
      throw dataError(table.file, { line }, `expected ${width} cells, found ${row.length}`);
    let k = r * features;
    for (let c = 0; c < width; c++) {
      if (c === labelCol) continue;
      const cell = row[c];
      if (!isNumeric(cell))
        throw dataError(
          table.file,
          { line, column: c + 1 },
          `'${cell}' is not a number (feature columns must be numeric)`,
        );
      x[k++] = Number(cell);
    }
    labels.push(row[labelCol]);
  });
  return { x, labels, lines: table.lines };
}

export function loadCsv(
  path: string,
  seed: number,
  specOptions: Options | undefined,
  _options: LoadOptions,
): RawDataset {
  const options = specOptions ?? {};
  const table = readTable(path, options);
  const width = table.header?.length ?? table.rows[0].length;
  if (width < 2)
    throw dataError(
      path,
      { line: table.lines[0] },
      'need at least one feature column and a label column',
    );
  const labelCol = labelColumn(table, options, width);
  const train = parseRows(table, labelCol, width);
  const testTable =
    typeof options.testPath === 'string'
      ? readTable(options.testPath, { ...options, header: table.header !== undefined })
      : undefined;
  const test = testTable ? parseRows(testTable, labelCol, width) : undefined;

  const all = [...train.labels, ...(test?.labels ?? [])];
  const numeric = all.every((l) => /^-?\d+$/.test(l));
  let classNames: string[];
  let toId: (label: string, file: string, line: number) => number;
  if (numeric) {
    const max = Math.max(...all.map(Number));
    const count = typeof options.classes === 'number' ? options.classes : max + 1;
    classNames = classNamesFromOption(options.classNames, count);
    toId = (label, file, line) => {
      const v = Number(label);
      if (v < 0 || v >= count)
        throw dataError(
          file,
          { line, column: labelCol + 1 },
          `label ${v} out of range [0, ${count})`,
        );
      return v;
    };
  } else {
    classNames = [...new Set(all)].sort();
    toId = (label) => classNames.indexOf(label);
  }
  const ids = (p: Parsed, file: string) =>
    Int32Array.from(p.labels, (l, r) => toId(l, file, p.lines[r]));
  const features = width - 1;
  const trainY = ids(train, path);
  let trainSplit;
  let testSplit;
  if (test && testTable) {
    trainSplit = { n: trainY.length, x: train.x, y: trainY };
    const testY = ids(test, testTable.file);
    testSplit = { n: testY.length, x: test.x, y: testY };
  } else {
    const testFraction = typeof options.testFraction === 'number' ? options.testFraction : 1 / 3;
    const part = stratifiedSplit(trainY, classNames.length, 1 - testFraction, seed);
    trainSplit = takePart(train.x, trainY, part, 0, features);
    testSplit = takePart(train.x, trainY, part, 1, features);
  }
  return {
    name: `${basename(path)} (CSV)`,
    kind: 'csv',
    classNames,
    inputShape: [features],
    train: trainSplit,
    test: testSplit,
    affinityPresets: [],
    isImage: false,
  };
}
