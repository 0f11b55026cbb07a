import { describe, expect, it } from 'vitest';
import { aggregateSweep, formatMeanStd, meanStd, sweepCsv } from './aggregate.ts';
import { cellConfig, guaranteeLabel, seedRange, sweepCells } from './grid.ts';
import type { ExperimentConfig } from '../config/experiment.ts';

describe('sweep grid', () => {
  it('lists every ε × guarantee × seed once, grouped by ε and guarantee', () => {
    const cells = sweepCells({
      seeds: seedRange(3, 2),
      epsilons: [0.1, 0.2],
      guarantees: [
        { kind: 'standard' },
        {
          kind: 'affinity',
          sets: [
            [0, 1],
            [1, 2],
          ],
        },
      ],
    });
    expect(cells.map((c) => c.key)).toEqual([
      'eps=0.1 guarantee=standard seed=3',
      'eps=0.1 guarantee=standard seed=4',
      'eps=0.1 guarantee=affinity:[0,1][1,2] seed=3',
      'eps=0.1 guarantee=affinity:[0,1][1,2] seed=4',
      'eps=0.2 guarantee=standard seed=3',
      'eps=0.2 guarantee=standard seed=4',
      'eps=0.2 guarantee=affinity:[0,1][1,2] seed=3',
      'eps=0.2 guarantee=affinity:[0,1][1,2] seed=4',
    ]);
    expect(new Set(cells.map((c) => c.group)).size).toBe(4);
    expect(() =>
      sweepCells({ seeds: [1, 1], epsilons: [0.1], guarantees: [{ kind: 'standard' }] }),
    ).toThrow(/twice/);
    expect(() => seedRange(0, 0)).toThrow(/≥ 1/);
    expect(guaranteeLabel({ kind: 'rtk', k: 3 })).toBe('rtk:3');
  });

  it("a cell's config changes the ε, guarantee and training seed only", () => {
    const base = {
      name: 'base',
      dataset: { kind: 'blobs-2d', seed: 9 },
      architecture: { name: 'dense-small' },
      guarantee: { kind: 'standard' },
      training: {
        epochs: 2,
        batchSize: 8,
        learningRate: '1e-3',
        loss: 'crossentropy',
        epsilon: 0.3,
        epsilonSchedule: '0 -> 0.3',
        powerIterations: 2,
        seed: 0,
      },
    } as ExperimentConfig;
    const [cell] = sweepCells({ seeds: [7], epsilons: [0.5], guarantees: [{ kind: 'rtk', k: 2 }] });
    const c = cellConfig(base, cell, 'sweep-x');
    expect(c.training.seed).toBe(7);
    expect(c.training.epsilon).toBe(0.5);
    expect(c.training.epsilonSchedule).toBeUndefined();
    expect(c.guarantee).toEqual({ kind: 'rtk', k: 2 });
    expect(c.dataset).toEqual(base.dataset);
    expect(c.name).toContain('sweep-x');
    expect(base.training.seed).toBe(0); // the base is not changed
  });
});

describe('mean ± std', () => {
  it('uses the sample standard deviation', () => {
    const v = meanStd([0.7, 0.8, 0.9]);
    expect(v.mean).toBeCloseTo(0.8, 12);
    expect(v.std).toBeCloseTo(0.1, 12);
    expect(meanStd([0.5])).toEqual({ mean: 0.5, n: 1 });
    expect(formatMeanStd(v)).toBe('0.800 ± 0.100');
    expect(formatMeanStd(meanStd([0.5]))).toBe('0.500');
  });

  it('aggregates per group and writes one CSV row per group', () => {
    const cell = (group: string, seed: number, standardVra: number, guaranteeVra?: number) => ({
      group,
      epsilon: 0.1,
      guarantee: group,
      seed,
      runId: `r${group}${seed}`,
      figures: {
        standardVra,
        cleanAccuracy: 1,
        ...(guaranteeVra === undefined ? {} : { guaranteeVra }),
      },
    });
    const groups = aggregateSweep([cell('a', 0, 0.2, 0.5), cell('b', 0, 0.4), cell('a', 1, 0.4)]);
    expect(groups.map((g) => g.group)).toEqual(['a', 'b']);
    expect(groups[0].metrics.standardVra?.mean).toBeCloseTo(0.3, 12);
    // Not every run of group a has an affinity VRA: not aggregated.
    expect(groups[0].metrics.guaranteeVra).toBeUndefined();
    expect(groups[0].runIds).toEqual(['ra0', 'ra1']);
    const rows = sweepCsv(groups).trim().split('\n');
    expect(rows).toHaveLength(3);
    const header = rows[0].split(',');
    const row = rows[1].split(',');
    expect(row[header.indexOf('standard_vra_mean')]).toBe(
      String(groups[0].metrics.standardVra?.mean),
    );
    expect(row[header.indexOf('standard_vra_std')]).toBe(
      String(groups[0].metrics.standardVra?.std),
    );
    expect(rows[2].split(',')[header.indexOf('standard_vra_std')]).toBe('');
  });
});
