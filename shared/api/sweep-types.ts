/**
 * Sweeps in the WorkbenchApi: one experiment repeated over several training seeds, each seed a
 * run of its own, reported as mean ± std of the sound figures (shared/sweep/aggregate.ts). The
 * CLI's `relaxcert sweep` records the same sweeps in the same home.
 */
import type { RunFigures, SweepGroupResult } from '../sweep/aggregate.ts';

/**
 * How many seeds "repeat with N seeds" takes: at least two (one run is no spread), at most a
 * hundred (already days of training on a laptop).
 */
export const SWEEP_SEEDS = { min: 2, max: 100 } as const;

/** "Repeat with N seeds": the run's experiment trained with seeds S, S + 1, …, S + N − 1. */
export interface SweepRequest {
  /** The run whose experiment is repeated; S is its training seed. */
  runId: string;
  /** How many seeds in all (≥ 2); the run itself is the first when it has finished. */
  seeds: number;
}

/**
 * running: this or another process is training its cells now; stopped: some cells are not
 * finished and nobody drives it (resumable); completed: every cell has its figures.
 */
export type SweepStatus = 'running' | 'stopped' | 'completed';

export interface SweepCellSummary {
  key: string;
  /** The cells of one group (same ε and guarantee) are the seeds whose mean ± std is taken. */
  group: string;
  epsilon: number;
  /** As `--guarantee` reads it: standard, rtk:K, affinity:[…]. */
  guarantee: string;
  seed: number;
  /** Set once the cell's run exists. */
  runId?: string;
  /** The run's sound figures, once it has finished. */
  figures?: RunFigures;
}

export interface SweepSummary {
  id: string;
  /** The base experiment's name. */
  name: string;
  createdAt: string;
  /** The run the sweep repeats (sweeps started from a run). */
  sourceRunId?: string;
  status: SweepStatus;
  cellsDone: number;
  cells: SweepCellSummary[];
  /** Mean ± std per group, as results.json holds it; once every cell has finished. */
  groups?: SweepGroupResult[];
  /** Why the sweep stopped, when it stopped on an error in this process. */
  error?: string;
}
