import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { allInputs } from './inputs.ts';
import { loadCsv } from './csv.ts';
import { tempDir, writeFile, formatError } from './test-fixtures.ts';

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
});
