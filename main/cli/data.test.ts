import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  cifarRecords,
  idxBytes,
  pngBytes,
  rgbImage,
  tempDir,
  TINY_NNET,
  writeFile,
} from '../data/testing/fixtures.ts';

const bin = new URL('../../bin/relaxcert.js', import.meta.url).pathname;

function run(args: string[], env: Record<string, string> = {}) {
  const home = tempDir('relaxcert-home-');
  const r = spawnSync('node', [bin, 'data', ...args], {
    encoding: 'utf8',
    env: { ...process.env, RELAXCERT_HOME: home, ...env },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, home };
}

describe('relaxcert data', () => {
  it('make-acasxu writes the set and prints a JSON summary that inspect agrees with', () => {
    const dir = tempDir();
    const nnet = writeFile(join(dir, 'tiny.nnet'), TINY_NNET);
    const out = join(dir, 'set.acas');
    const r = run([
      'make-acasxu',
      '--nnet',
      nnet,
      '--n',
      '900',
      '--seed',
      '3',
      '--out',
      out,
      '--json',
    ]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const summary = JSON.parse(r.stdout) as {
      n: number;
      classNames: string[];
      classCounts: number[];
      minDiffLabelDistance: number;
      suggestedEpsilon: number;
    };
    expect(summary.n).toBe(900);
    expect(summary.classNames).toHaveLength(3);
    expect(summary.classCounts.reduce((a, b) => a + b)).toBe(900);
    expect(summary.suggestedEpsilon).toBeCloseTo(summary.minDiffLabelDistance / 2, 12);
    expect(existsSync(out)).toBe(true);

    const i = run(['inspect', out, '--json']);
    expect(i.status).toBe(0);
    const info = JSON.parse(i.stdout) as {
      kind: string;
      trainSize: number;
      testSize: number;
      classCounts: number[];
    };
    expect(info.kind).toBe('acasxu');
    expect(info.trainSize + info.testSize).toBe(900);
    expect(info.classCounts.reduce((a, b) => a + b)).toBe(info.trainSize);

    const text = run(['make-acasxu', '--nnet', nnet, '--n', '900', '--seed', '3', '--out', out]);
    expect(text.stdout).toContain('Class frequencies:');
    expect(text.stdout).toContain(`${summary.minDiffLabelDistance.toPrecision(6)}`);
  });

  it('detects CIFAR folders and class folders; image sets are cached under RELAXCERT_HOME', () => {
    const dir = tempDir();
    writeFile(join(dir, 'cifar', 'data_batch_1.bin'), cifarRecords([[1], [2], [2]]));
    writeFile(join(dir, 'cifar', 'test_batch.bin'), cifarRecords([[3]]));
    const c = run(['inspect', join(dir, 'cifar'), '--json']);
    expect(c.status).toBe(0);
    expect(JSON.parse(c.stdout)).toMatchObject({
      kind: 'cifar10',
      trainSize: 3,
      testSize: 1,
      classCounts: [0, 1, 2, 0, 0, 0, 0, 0, 0, 0],
    });

    for (const name of ['cats', 'dogs'])
      for (let k = 0; k < 3; k++)
        writeFile(join(dir, 'pets', name, `${k}.png`), pngBytes(rgbImage(4, 4, [k, 2, 3]), 4, 4));
    const f = run(['inspect', join(dir, 'pets')]);
    expect(f.status).toBe(0);
    expect(f.stdout).toMatch(/Format:\s+image-folder/);
    expect(f.stdout).toMatch(/cats/);
    expect(readdirSync(join(f.home, 'cache'))).toHaveLength(1);
  });

  it('inspects the built-ins by name', () => {
    const r = run(['inspect', 'shapes-32', '--json']);
    expect(r.status).toBe(0);
    const info = JSON.parse(r.stdout) as {
      classNames: string[];
      affinityPresets: Array<{ name: string }>;
    };
    expect(info.classNames).toHaveLength(12);
    expect(info.affinityPresets.map((p) => p.name)).toEqual(['by shape', 'by colour']);
  });

  it('exits 1 with one line naming the file and line of a bad .nnet, or a missing option', () => {
    const dir = tempDir();
    const bad = writeFile(join(dir, 'bad.nnet'), TINY_NNET.replace('\n2,3,3,\n', '\n2,3,\n'));
    const r = run(['make-acasxu', '--nnet', bad, '--n', '10', '--out', join(dir, 'o.acas')]);
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain(`${bad}: line 4`);
    expect(existsSync(join(dir, 'o.acas'))).toBe(false);
    const m = run(['make-acasxu', '--nnet', bad, '--n', '10']);
    expect(m.status).toBe(1);
    expect(m.stderr).toMatch(/--out is required/);
  });

  it('inspects an IDX folder with per-split and total class counts', () => {
    const dir = tempDir();
    const mnist = join(dir, 'mnist');
    const labels = (ys: number[]) => gzipSync(idxBytes([ys.length], ys));
    const images = (n: number) => gzipSync(idxBytes([n, 2, 2], new Array(4 * n).fill(7)));
    writeFile(join(mnist, 'train-images-idx3-ubyte.gz'), images(5));
    writeFile(join(mnist, 'train-labels-idx1-ubyte.gz'), labels([0, 1, 1, 9, 9]));
    writeFile(join(mnist, 't10k-images-idx3-ubyte.gz'), images(3));
    writeFile(join(mnist, 't10k-labels-idx1-ubyte.gz'), labels([1, 9, 9]));
    const r = run(['inspect', mnist]);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/Data set:\s+MNIST/);
    expect(r.stdout).toMatch(/Input:\s+2×2×1/);
    expect(r.stdout).toMatch(/^\s+id\s+class\s+train\s+test\s+total\s+share$/m);
    expect(r.stdout).toMatch(/^\s+9\s+9\s+2\s+2\s+4\s+50\.0 %$/m);
    expect(r.stdout).toMatch(/^\s+all\s+5\s+3\s+8\s+100\.0 %$/m);
    const j = JSON.parse(run(['inspect', mnist, '--json']).stdout) as Record<string, unknown>;
    expect(j).toMatchObject({ kind: 'idx', trainSize: 5, testSize: 3 });
    expect(j.classCounts).toEqual([1, 2, 0, 0, 0, 0, 0, 0, 0, 2]);
    expect(j.testClassCounts).toEqual([0, 1, 0, 0, 0, 0, 0, 0, 0, 2]);
  });

  it('summarises a .nnet network instead of drawing a set, and rejects impossible sizes', () => {
    const dir = tempDir();
    const nnet = writeFile(join(dir, 'tiny.nnet'), TINY_NNET);
    const text = run(['inspect', nnet]);
    expect(text.status).toBe(0);
    expect(text.stdout).toMatch(/Layers:\s+2 → 3 → 3 \(1 hidden ReLU layer, linear output\)/);
    expect(text.stdout).toMatch(/x0 {2}\[0, 10\]/);
    expect(text.stdout).toMatch(/x1 {2}\[-1, 1\]/);
    expect(text.stdout).toMatch(/Outputs:\s+3 /);
    expect(text.stdout).not.toMatch(/train/);
    const json = JSON.parse(run(['inspect', nnet, '--json']).stdout) as Record<string, unknown>;
    expect(json).toMatchObject({
      kind: 'acasxu',
      format: 'nnet',
      layerSizes: [2, 3, 3],
      inputMins: [0, -1],
      inputMaxs: [10, 1],
      outputSize: 3,
    });
    const huge = writeFile(
      join(dir, 'huge.nnet'),
      TINY_NNET.replace('\n2,2,3,3,\n2,3,3,\n', '\n2,2,3,2000000000,\n2,2000000000,3,\n'),
    );
    const bad = run(['inspect', huge]);
    expect(bad.status).toBe(1);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toContain(`${huge}: line 4: layer sizes 2, 2000000000, 3 declare`);
  });

  it('prints help for data and each sub-command', () => {
    expect(run(['--help']).stdout).toMatch(/inspect PATH/);
    expect(run(['inspect', '--help']).stdout).toMatch(/--kind KIND/);
    expect(run(['make-acasxu', '--help']).stdout).toMatch(/--nnet FILE --n N --seed S --out FILE/);
  });
});
