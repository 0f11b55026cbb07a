/**
 * CSV tables: numeric feature columns and one label column, chosen by `options.label` (a column
 * name from the header row, or a 0-based index; default: the last column). Labels that are all
 * non-negative integers are class ids; otherwise they are class names (classes in sorted order).
 * A header row is detected when the first row has a non-numeric feature cell (or forced with
 * `options.header`). `options.testPath` names a separate test table; otherwise a seeded,
 * stratified split keeps `1 − options.testFraction` (default 2/3) for training.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { dataError } from './data-error.ts';
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

/** Splits one CSV line, honouring double quotes ("a, b" and "" escapes). */
function splitLine(line: string, delimiter: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === delimiter) {
      cells.push(cell.trim());
      cell = '';
    } else cell += ch;
  }
  cells.push(cell.trim());
  return cells;
}

const isNumeric = (s: string) => s !== '' && Number.isFinite(Number(s));

function readTable(file: string, options: Options): Table {
  const text = readFileSync(file, 'utf8').replace(/^\uFEFF/, ''); // spreadsheet exports add a BOM
  const raw = text.split(/\r?\n/);
  const first = raw.find((l) => l.trim() !== '') ?? '';
  const delimiter =
    typeof options.delimiter === 'string'
      ? options.delimiter
      : first.includes(';') && !first.includes(',')
        ? ';'
        : first.includes('\t') && !first.includes(',')
          ? '\t'
          : ',';
  const rows: string[][] = [];
  const lines: number[] = [];
  raw.forEach((l, k) => {
    if (l.trim() === '') return;
    rows.push(splitLine(l, delimiter));
    lines.push(k + 1);
  });
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
  if (typeof o === 'string')
    return firstRow.indexOf(o) >= 0 ? firstRow.indexOf(o) : firstRow.length - 1;
  return firstRow.length - 1;
}

function labelColumn(table: Table, options: Options, width: number): number {
  const o = options.label;
  if (o === undefined) return width - 1;
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
  const i = table.header?.indexOf(name) ?? -1;
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
