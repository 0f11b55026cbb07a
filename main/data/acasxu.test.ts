import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  adjacentAdvisoriesPreset,
  decodeAcasxuFile,
  encodeAcasxuFile,
  loadAcasxu,
  makeAcasxuSet,
  readNnetFile,
  summariseAcasxu,
  writeAcasxuFile,
} from './acasxu.ts';
import { parseNnet } from './nnet.ts';
import {
  ACAS_DIR,
  TINY_NNET,
  tempDir,
  tinyNnetAdvisory,
  writeFile,
  formatError,
} from './testing/fixtures.ts';

const tiny = parseNnet(TINY_NNET, 'tiny.nnet');
const real11 = join(ACAS_DIR, 'ACASXU_run2a_1_1_batch_2000.nnet');

describe('ACAS Xu synthetic set', () => {
  it('samples the box uniformly, stores normalised inputs and labels them by the network', () => {
    const set = makeAcasxuSet(tiny, 3000, 5);
    for (let i = 0; i < set.n; i++) {
      const u = set.x[2 * i];
      const v = set.x[2 * i + 1];
      expect(u).toBeGreaterThanOrEqual(-0.5);
      expect(u).toBeLessThanOrEqual(0.5);
      expect(v).toBeGreaterThanOrEqual(-0.5);
      expect(v).toBeLessThanOrEqual(0.5);
      expect(set.y[i]).toBe(tinyNnetAdvisory(u * 10 + 5, v * 2));
    }
    const s = summariseAcasxu(set);
    // Areas: class 2 is x1 > 0.6 (20 % of the box), classes 0 and 1 split the rest.
    expect(s.classCounts[2] / set.n).toBeCloseTo(0.2, 1);
    expect(s.classCounts[0] / set.n).toBeCloseTo(0.4, 1);
    expect(s.suggestedEpsilon).toBe(s.minDiffLabelDistance / 2);
    expect(s.minDiffLabelDistance).toBeGreaterThan(0);
    expect(s.minDiffLabelDistance).toBeLessThan(0.05);
  });

  it('is deterministic per seed', () => {
    const a = makeAcasxuSet(tiny, 500, 3);
    const b = makeAcasxuSet(tiny, 500, 3);
    const c = makeAcasxuSet(tiny, 500, 4);
    expect(a.x).toEqual(b.x);
    expect(a.y).toEqual(b.y);
    expect(a.x).not.toEqual(c.x);
  });

  it('writes and reads back its file format', async () => {
    const dir = tempDir();
    const set = makeAcasxuSet(tiny, 1000, 1);
    const file = join(dir, 'set.acas');
    await writeAcasxuFile(file, set, tiny, summariseAcasxu(set));
    expect(readdirSync(dir)).toEqual(['set.acas']); // no temporary left behind
    const back = decodeAcasxuFile(readFileSync(file), file);
    expect(back.n).toBe(1000);
    expect(back.x).toEqual(set.x);
    expect(back.y).toEqual(set.y);
    expect(back.classNames).toEqual(['output 0', 'output 1', 'output 2']);
    const ds = await loadAcasxu(file, 600, 300, 0);
    expect(ds.train.n).toBe(600);
    expect(ds.test.n).toBe(300);
    expect(ds.test.y[0]).toBe(set.y[600]);
    await expect(loadAcasxu(file, 900, 300, 0)).rejects.toThrow(/holds 1000 points/);
  });

  it('rejects truncated and oversized files and labels out of range, naming the offset', () => {
    const set = makeAcasxuSet(tiny, 10, 1);
    const bytes = Buffer.from(encodeAcasxuFile(set, tiny, summariseAcasxu(set)));
    const truncated = formatError(() =>
      decodeAcasxuFile(bytes.subarray(0, bytes.length - 3), 'a.acas'),
    );
    expect(truncated.message).toMatch(/a\.acas: byte offset \d+: truncated/);
    const oversized = formatError(() =>
      decodeAcasxuFile(Buffer.concat([bytes, Buffer.alloc(4)]), 'a.acas'),
    );
    expect(oversized.message).toContain(`byte offset ${bytes.length}: 4 unexpected bytes`);
    const bad = Buffer.from(bytes);
    bad.writeInt32LE(7, bad.length - 4);
    const label = formatError(() => decodeAcasxuFile(bad, 'a.acas'));
    expect(label.message).toContain(
      `record 9 (byte offset ${bad.length - 4}): label 7 out of range`,
    );
    formatError(() => decodeAcasxuFile(Buffer.from('hello world, not a set'), 'a.acas'));
  });

  it('generates on the fly from a .nnet path with trainSize + testSize points', async () => {
    const dir = tempDir();
    const nnet = writeFile(join(dir, 'tiny.nnet'), TINY_NNET);
    const ds = await loadAcasxu(nnet, 200, 50, 9);
    expect(ds.train.n).toBe(200);
    expect(ds.test.n).toBe(50);
    expect(ds.inputShape).toEqual([2]);
    const again = await loadAcasxu(nnet, 200, 50, 9);
    expect(again.test.x).toEqual(ds.test.x);
  });

  it('offers the adjacent-advisory preset for 5-output networks', () => {
    expect(adjacentAdvisoriesPreset().sets).toEqual([
      [0, 1],
      [0, 2],
      [1, 3],
      [2, 4],
    ]);
  });

  it.skipIf(!existsSync(real11))(
    'network 1_1: COC dominates and ε ≈ half of ~0.026 (PAPER.md)',
    async () => {
      const net = await readNnetFile(real11);
      const s = summariseAcasxu(makeAcasxuSet(net, 20_000, 0));
      expect(s.classNames).toEqual(['COC', 'WL', 'WR', 'SL', 'SR']);
      expect(s.classCounts.reduce((a, b) => a + b)).toBe(20_000);
      expect(s.classCounts[0] / 20_000).toBeGreaterThan(0.8);
      expect(s.classCounts[0] / 20_000).toBeLessThan(0.9);
      expect(s.classCounts.slice(1).every((c) => c > 0)).toBe(true);
      expect(s.minDiffLabelDistance).toBeGreaterThan(0.015);
      expect(s.minDiffLabelDistance).toBeLessThan(0.04);
    },
  );
  if (!existsSync(real11)) console.log(`SKIPPED: real ACAS Xu networks not found in ${ACAS_DIR}`);
});
