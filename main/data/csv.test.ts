import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { allInputs } from './inputs.ts';
import { loadCsv } from './csv.ts';
import { tempDir, writeFile, formatError } from './testing/fixtures.ts';

describe('CSV reader', () => {
  it('reads a header, a named label column with class names, and splits 2/3–1/3 per class', () => {
    const dir = tempDir();
    const rows = ['a,species,b'];
    for (let i = 0; i < 12; i++) rows.push(`${i},${i % 2 ? 'setosa' : 'virginica'},${i * 10}`);
    const file = writeFile(join(dir, 'iris.csv'), '\uFEFF' + rows.join('\r\n') + '\r\n');
    const ds = loadCsv(file, 0, { label: 'species' }, {});
    expect(ds.classNames).toEqual(['setosa', 'virginica']);
    expect(ds.inputShape).toEqual([2]);
    expect(ds.train.n).toBe(8);
    expect(ds.test.n).toBe(4);
    for (const s of [ds.train, ds.test])
      for (let i = 0, x = allInputs(s); i < s.n; i++) {
        const a = x[2 * i];
        expect(x[2 * i + 1]).toBe(a * 10);
        expect(s.y[i]).toBe(a % 2 ? 0 : 1);
      }
  });

  it('reads integer labels by index without a header, and a separate test table', () => {
    const dir = tempDir();
    const train = writeFile(join(dir, 'train.csv'), '2,0.5,0.25\n0,1.5,-2\n1,"3",4e-1\n');
    const test = writeFile(join(dir, 'test.csv'), '1,7,8\n');
    const ds = loadCsv(train, 0, { label: 0, testPath: test }, {});
    expect([...ds.train.y]).toEqual([2, 0, 1]);
    expect([...allInputs(ds.train)]).toEqual([0.5, 0.25, 1.5, -2, 3, 0.4].map(Math.fround));
    expect([...ds.test.y]).toEqual([1]);
    expect(ds.classNames).toEqual(['class 0', 'class 1', 'class 2']);
  });

  it('names line and column of a non-numeric cell, a short row and a label out of range', () => {
    const dir = tempDir();
    const f1 = writeFile(join(dir, 'a.csv'), 'x,y,label\n1,2,0\n3,oops,1\n');
    expect(formatError(() => loadCsv(f1, 0, {}, {})).message).toMatch(
      /a\.csv: line 3, column 2: 'oops' is not a number/,
    );
    const f2 = writeFile(join(dir, 'b.csv'), 'x,y,label\n1,2,0\n\n3,1\n');
    expect(formatError(() => loadCsv(f2, 0, {}, {})).message).toMatch(
      /b\.csv: line 4: expected 3 cells, found 2/,
    );
    const f3 = writeFile(join(dir, 'c.csv'), '1,2,0\n3,4,-1\n');
    expect(formatError(() => loadCsv(f3, 0, {}, {})).message).toMatch(
      /c\.csv: line 2, column 3: label -1 out of range/,
    );
    const f4 = writeFile(join(dir, 'd.csv'), '1,2,0\n3,4,5\n');
    expect(formatError(() => loadCsv(f4, 0, { classes: 3 }, {})).message).toMatch(
      /line 2, column 3: label 5 out of range \[0, 3\)/,
    );
    expect(formatError(() => loadCsv(f1, 0, { label: 'nope' }, {})).message).toMatch(
      /no column named 'nope'/,
    );
  });

  it('takes a column named label, class, target or y (any case) as the label wherever it stands', () => {
    const dir = tempDir();
    // The label first and float features last: the label column must not be the last one.
    const rows = ['Label,a,b'];
    for (let i = 0; i < 9; i++) rows.push(`${i % 3},${i}.5,${i * 0.25}`);
    const ds = loadCsv(writeFile(join(dir, 'first.csv'), rows.join('\n')), 0, {}, {});
    expect(ds.classNames).toEqual(['class 0', 'class 1', 'class 2']);
    expect(ds.inputShape).toEqual([2]);
    for (const [name, header] of [
      ['class', 'f1,CLASS,f2'],
      ['target', 'target,f1,f2'],
      ['y', 'f1,f2,Y'],
    ]) {
      const labelAt = header.toLowerCase().split(',').indexOf(name);
      const body = ['1.5', '2.5'];
      body.splice(labelAt, 0, 'cat');
      const other = ['3.5', '4.5'];
      other.splice(labelAt, 0, 'dog');
      const file = writeFile(
        join(dir, `${name}.csv`),
        [header, body.join(','), other.join(','), body.join(','), other.join(',')].join('\n'),
      );
      const t = loadCsv(file, 0, { testFraction: 0.5 }, {});
      expect(t.classNames, name).toEqual(['cat', 'dog']);
      expect([...allInputs(t.train), ...allInputs(t.test)].sort(), name).toEqual([
        1.5, 1.5, 2.5, 2.5, 3.5, 3.5, 4.5, 4.5,
      ]);
    }
    // `label` wins over `y` when both are there; options.label matches names in any case.
    const both = writeFile(join(dir, 'both.csv'), 'y,label\n0.5,a\n1.5,b\n0.25,a\n1.25,b\n');
    expect(loadCsv(both, 0, {}, {}).classNames).toEqual(['a', 'b']);
    expect(loadCsv(both, 0, { label: 'LABEL' }, {}).classNames).toEqual(['a', 'b']);
  });

  it('reads quoted fields with newlines, a BOM with CRLF, and ; or tab delimiters', () => {
    const dir = tempDir();
    const quoted = writeFile(
      join(dir, 'q.csv'),
      '\uFEFFx,"a note, with\r\na newline",label\r\n1,"two\r\nlines",0\r\n2,x,1\r\n3,"y",oops\r\n',
    );
    // The note column is not numeric: the error names line 4, where the third record starts.
    expect(formatError(() => loadCsv(quoted, 0, { label: 'label' }, {})).message).toMatch(
      /q\.csv: line 4, column 2: 'two\r?\nlines' is not a number/,
    );
    const bom = writeFile(
      join(dir, 'bom.csv'),
      '\uFEFF"x","label"\r\n"1.5","a"\r\n"2.5","b"\r\n"3.5","a"\r\n"4.5","b"\r\n',
    );
    const b = loadCsv(bom, 0, { testFraction: 0.5 }, {});
    expect(b.classNames).toEqual(['a', 'b']);
    expect(b.train.n + b.test.n).toBe(4);
    const semi = writeFile(join(dir, 's.csv'), 'x;z;label\n1.5;2;0\n"3,5";4;1\n');
    expect(formatError(() => loadCsv(semi, 0, {}, {})).message).toMatch(
      /s\.csv: line 3, column 1: '3,5' is not a number/,
    );
    const tab = writeFile(join(dir, 't.tsv'), 'x\tz\tlabel\n1\t2\t0\n3\t4\t1\n5\t6\t0\n7\t8\t1\n');
    const t = loadCsv(tab, 0, { testFraction: 0.5 }, {});
    expect(t.inputShape).toEqual([2]);
    expect(t.train.n).toBe(2);
    expect(loadCsv(tab, 0, { delimiter: '\\t', testFraction: 0.5 }, {}).inputShape).toEqual([2]);
    const unterminated = writeFile(join(dir, 'u.csv'), 'x,label\n1,0\n"2,1\n');
    expect(formatError(() => loadCsv(unterminated, 0, {}, {})).message).toMatch(/^.*u\.csv: /);
  });
});
