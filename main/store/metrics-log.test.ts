import { appendFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EpochMetrics } from '../../shared/api/run-types.ts';
import {
  appendMetrics,
  epochMetricsFrom,
  readMetrics,
  repairMetrics,
  truncateMetricsToEpoch,
} from './metrics-log.ts';

const m = (epoch: number): EpochMetrics => ({
  epoch,
  trainLoss: 1 / epoch,
  cleanAccuracy: 0.9,
  estimatedStandardVra: 0.5,
  estimatedRejectionRate: 0.3,
  estimatedLipschitz: 1.5,
  learningRate: 0.001,
  epsilon: 0.3,
  seconds: 1,
  samplesPerSecond: 100,
});

/**
 * Lines of runs trained before the estimates were renamed, copied verbatim from such runs'
 * metrics.jsonl (an affinity run of Fashion-MNIST, an RTK run, a standard conv run).
 */
const OLD_LINES = [
  '{"epoch":1,"trainLoss":0.5379855055809021,"cleanAccuracy":0.87825,"vra":0.86925,"rejectionRate":0.0275,"lipschitz":37.386871337890625,"learningRate":0.001,"epsilon":0.01,"seconds":43.277997879000004,"samplesPerSecond":369.70286945191054,"affinityVra":0.884}',
  '{"epoch":1,"trainLoss":1.7753463729222616,"cleanAccuracy":0.45666666666666667,"vra":0.42083333333333334,"rejectionRate":0.05333333333333334,"lipschitz":6.239319801330566,"learningRate":0.001,"epsilon":0.141,"seconds":4.502872493000001,"samplesPerSecond":1065.9862137917303,"rtkVra":0.9433333333333334}',
  '{"epoch":1,"trainLoss":1.5098872850735983,"cleanAccuracy":0.761,"vra":0.608,"rejectionRate":0.314,"lipschitz":5.998281478881836,"learningRate":0.001,"epsilon":0.3,"seconds":166.907999854,"samplesPerSecond":71.89589480729984}',
];

const LEGACY_KEYS = ['vra', 'rtkVra', 'affinityVra', 'rejectionRate', 'lipschitz'];

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

  it("reads older runs' lines under today's estimate names, once, in the reader", async () => {
    await writeFile(file, OLD_LINES.map((l) => `${l}\n`).join(''));
    const [affinity, rtk, standard] = await readMetrics(file);
    expect(affinity).toEqual({
      epoch: 1,
      trainLoss: 0.5379855055809021,
      cleanAccuracy: 0.87825,
      estimatedStandardVra: 0.86925,
      estimatedGuaranteeVra: 0.884,
      estimatedRejectionRate: 0.0275,
      estimatedLipschitz: 37.386871337890625,
      learningRate: 0.001,
      epsilon: 0.01,
      seconds: 43.277997879000004,
      samplesPerSecond: 369.70286945191054,
    });
    expect(rtk.estimatedGuaranteeVra).toBe(0.9433333333333334);
    expect(rtk.estimatedStandardVra).toBe(0.42083333333333334);
    expect(standard.estimatedGuaranteeVra).toBeUndefined();
    expect(standard.estimatedLipschitz).toBe(5.998281478881836);
    for (const line of [affinity, rtk, standard]) {
      expect(Object.keys(line).filter((k) => LEGACY_KEYS.includes(k))).toEqual([]);
    }
    // A resumed old run appends today's lines after its old ones; both read alike.
    await appendMetrics(file, m(2));
    expect((await readMetrics(file)).map((x) => x.estimatedStandardVra)).toEqual([
      0.86925, 0.42083333333333334, 0.608, 0.5,
    ]);
    // Truncation on resume rewrites the kept old lines under today's names.
    expect(await truncateMetricsToEpoch(file, 1)).toHaveLength(3);
    expect(await readFile(file, 'utf8')).not.toMatch(/"(vra|rtkVra|rejectionRate|lipschitz)"/);
    // Today's names win over an old one in the same object (never both kept).
    expect(epochMetricsFrom({ ...m(3), vra: 0.1 }).estimatedStandardVra).toBe(0.5);
  });
});
