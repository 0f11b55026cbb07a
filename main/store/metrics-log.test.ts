import { appendFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EpochMetrics } from '../../shared/api/run-types.ts';
import {
  appendMetrics,
  readMetrics,
  repairMetrics,
  truncateMetricsToEpoch,
} from './metrics-log.ts';

const m = (epoch: number): EpochMetrics => ({
  epoch,
  trainLoss: 1 / epoch,
  cleanAccuracy: 0.9,
  vra: 0.5,
  rejectionRate: 0.3,
  lipschitz: 1.5,
  learningRate: 0.001,
  epsilon: 0.3,
  seconds: 1,
  samplesPerSecond: 100,
});

describe('metrics.jsonl', () => {
  let dir: string;
  let file: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'relaxcert-metrics-'));
    file = join(dir, 'metrics.jsonl');
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('reads nothing from a missing file and appends one line per epoch', async () => {
    expect(await readMetrics(file)).toEqual([]);
    for (let e = 1; e <= 3; e++) await appendMetrics(file, m(e));
    expect((await readFile(file, 'utf8')).split('\n')).toHaveLength(4);
    expect((await readMetrics(file)).map((x) => x.epoch)).toEqual([1, 2, 3]);
  });

  it('ignores a torn last line at every cut point, and repair cuts it off', async () => {
    await appendMetrics(file, m(1));
    const whole = await readFile(file, 'utf8');
    const line2 = `${JSON.stringify(m(2))}\n`;
    for (let cut = 0; cut < line2.length; cut++) {
      await writeFile(file, whole + line2.slice(0, cut));
      expect((await readMetrics(file)).map((x) => x.epoch)).toEqual([1]);
    }
    await writeFile(file, whole + line2.slice(0, 17));
    expect((await repairMetrics(file)).map((x) => x.epoch)).toEqual([1]);
    expect(await readFile(file, 'utf8')).toBe(whole);
    await appendMetrics(file, m(2));
    expect((await readMetrics(file)).map((x) => x.epoch)).toEqual([1, 2]);
  });

  it('truncates to a checkpoint epoch', async () => {
    for (let e = 1; e <= 5; e++) await appendMetrics(file, m(e));
    await appendFile(file, '{"epoch": 6, "tru');
    expect((await truncateMetricsToEpoch(file, 3)).map((x) => x.epoch)).toEqual([1, 2, 3]);
    expect((await readMetrics(file)).map((x) => x.epoch)).toEqual([1, 2, 3]);
    expect((await readFile(file, 'utf8')).endsWith('\n')).toBe(true);
    expect(await truncateMetricsToEpoch(file, 0)).toEqual([]);
    expect(await readFile(file, 'utf8')).toBe('');
  });
});
