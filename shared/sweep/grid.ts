/**
 * A sweep's grid: one base experiment repeated over seeds, radii ε and guarantees. Each cell is
 * one whole training run (its own run folder), so cells can be trained in any order, resumed
 * alone, or handed to another machine.
 */
import type { ExperimentConfig, Guarantee } from '../config/experiment.ts';
import { RelaxCertError } from '../errors.ts';

export interface SweepCell {
  /** Stable name of the cell, e.g. "eps=0.3 guarantee=rtk:3 seed=2". */
  key: string;
  /** Name of the cell's group (the same ε and guarantee): the cells whose mean ± std is taken. */
  group: string;
  epsilon: number;
  guarantee: Guarantee;
  seed: number;
}

export interface SweepGrid {
  seeds: number[];
  epsilons: number[];
  guarantees: Guarantee[];
}

/** Short text of a guarantee, the form `--guarantee` reads: standard, rtk:K, affinity:[0,1][2,3]. */
export function guaranteeLabel(g: Guarantee): string {
  if (g.kind === 'standard') return 'standard';
  if (g.kind === 'rtk') return `rtk:${g.k}`;
  return `affinity:${g.sets.map((s) => `[${s.join(',')}]`).join('')}`;
}

/** Seeds base, base + 1, …, base + n − 1. */
export function seedRange(base: number, n: number): number[] {
  if (!Number.isInteger(n) || n < 1) {
    throw new RelaxCertError(
      'INVALID_INPUT',
      `the number of seeds must be an integer ≥ 1 (got ${n})`,
      {
        field: 'seeds',
      },
    );
  }
  return Array.from({ length: n }, (_, i) => base + i);
}

/** Cells in training order: group by group, seeds in order within each group. */
export function sweepCells(grid: SweepGrid): SweepCell[] {
  const cells: SweepCell[] = [];
  const keys = new Set<string>();
  for (const epsilon of grid.epsilons) {
    for (const guarantee of grid.guarantees) {
      const group = `eps=${epsilon} guarantee=${guaranteeLabel(guarantee)}`;
      for (const seed of grid.seeds) {
        const key = `${group} seed=${seed}`;
        if (keys.has(key)) {
          throw new RelaxCertError('INVALID_INPUT', `the grid lists ${key} twice`, {
            field: 'grid',
          });
        }
        keys.add(key);
        cells.push({ key, group, epsilon, guarantee, seed });
      }
    }
  }
  return cells;
}

/** The experiment of one cell: the base with the cell's ε, guarantee and seed. */
export function cellConfig(
  base: ExperimentConfig,
  cell: SweepCell,
  sweepId: string,
): ExperimentConfig {
  const config = structuredClone(base);
  config.name = `${base.name} [${sweepId}: ${cell.key}]`;
  config.guarantee = structuredClone(cell.guarantee);
  config.training.epsilon = cell.epsilon;
  // An ε warm-up schedule ends at the trained radius, which the cell changes.
  if (cell.epsilon !== base.training.epsilon) delete config.training.epsilonSchedule;
  // The training seed only (initial weights, shuffling): every cell sees the same data set, drawn
  // with dataset.seed, so the spread measures training, as `train --seed` does.
  config.training.seed = cell.seed;
  return config;
}
