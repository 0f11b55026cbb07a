/**
 * A sweep on disk: `${home}/sweeps/<id>/sweep.json` holds the base experiment, the grid and, per
 * cell, the id of its run once created and its figures once finished; it is rewritten atomically
 * after every change, so an interrupted sweep resumes from it. `results.csv` and `results.json`
 * (mean ± std per group) are written beside it when every cell has finished.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ExperimentConfig } from '../../shared/config/experiment.ts';
import { RelaxCertError } from '../../shared/errors.ts';
import type { RunFigures } from '../../shared/sweep/aggregate.ts';
import type { SweepCell, SweepGrid } from '../../shared/sweep/grid.ts';
import { sweepCells } from '../../shared/sweep/grid.ts';
import { writeFileAtomic } from './atomic-write.ts';
import { newRunId, RUN_ID_PATTERN } from './run-record.ts';
import { lockHolder, withRunLock } from './run-lock.ts';
import type { LockOwner } from './run-lock.ts';

export interface SweepCellState extends SweepCell {
  runId?: string;
  figures?: RunFigures;
}

export interface SweepState {
  format: 'relaxcert-sweep';
  version: 1;
  id: string;
  createdAt: string;
  /** The run it repeats, when started from a run ("repeat with N seeds"). */
  sourceRunId?: string;
  config: ExperimentConfig;
  grid: SweepGrid;
  cells: SweepCellState[];
}

export function sweepsDir(home: string): string {
  return join(home, 'sweeps');
}

export function sweepDir(home: string, id: string): string {
  if (!RUN_ID_PATTERN.test(id)) {
    throw new RelaxCertError('INVALID_INPUT', `'${id}' is not a sweep id`, { field: 'sweepId' });
  }
  return join(sweepsDir(home), id);
}

export function newSweep(config: ExperimentConfig, grid: SweepGrid, now = new Date()): SweepState {
  return {
    format: 'relaxcert-sweep',
    version: 1,
    id: `sweep-${newRunId(now, randomBytes(3).toString('hex'))}`,
    createdAt: now.toISOString(),
    config,
    grid,
    cells: sweepCells(grid),
  };
}

export async function saveSweep(home: string, state: SweepState): Promise<string> {
  const dir = sweepDir(home, state.id);
  await mkdir(dir, { recursive: true });
  await writeFileAtomic(join(dir, 'sweep.json'), `${JSON.stringify(state, null, 2)}\n`);
  return dir;
}

export async function loadSweep(home: string, id: string): Promise<SweepState> {
  const file = join(sweepDir(home, id), 'sweep.json');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new RelaxCertError('NOT_FOUND', `no sweep '${id}' in ${sweepsDir(home)}`, {
      field: 'sweepId',
      file,
    });
  }
  let state: SweepState;
  try {
    state = JSON.parse(text) as SweepState;
  } catch (error) {
    throw new RelaxCertError(
      'DATA_FORMAT',
      `${file}: not valid JSON (${(error as Error).message})`,
      {
        file,
      },
    );
  }
  if (state.format !== 'relaxcert-sweep' || state.version !== 1 || !Array.isArray(state.cells)) {
    throw new RelaxCertError('DATA_FORMAT', `${file}: not a RelaxCert sweep (version 1)`, { file });
  }
  return state;
}

/** Every sweep in the home that can be read, oldest first (ids start with their creation time). */
export async function listSweeps(home: string): Promise<SweepState[]> {
  const names = await readdir(sweepsDir(home)).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [] as string[];
    throw error;
  });
  const states: SweepState[] = [];
  for (const name of names.sort()) {
    if (!RUN_ID_PATTERN.test(name)) continue;
    // A sweep folder half-written by a dying process, or edited by hand, is left out of the list.
    const state = await loadSweep(home, name).catch(() => undefined);
    if (state !== undefined) states.push(state);
  }
  return states;
}

/**
 * Runs `work` as the one process driving the sweep (a lock file in its folder, broken when its
 * owner has died): a second driver, here or in another process, fails at once with CONFLICT.
 */
export async function withSweepLock<T>(
  home: string,
  id: string,
  work: () => Promise<T>,
): Promise<T> {
  return withRunLock(sweepDir(home, id), id, 'sweep', work, {
    waitMs: 0,
    subject: `sweep '${id}'`,
    field: 'sweepId',
  });
}

/** The live process driving the sweep now, if any. */
export function sweepDriver(home: string, id: string): Promise<LockOwner | undefined> {
  return lockHolder(sweepDir(home, id));
}
