/**
 * Runs a sweep's cells through the host (and so through the job manager), one run folder per
 * cell, recording each cell's run id before it starts and its figures when it ends, so a sweep
 * stopped at any point (Ctrl-C, a crash, a killed process) resumes where it stopped: finished
 * cells are kept, a cell whose run was interrupted resumes from its last checkpoint, the rest
 * start.
 *
 * Cells run one at a time: each run already uses every core (two data-parallel WASM replicas or
 * the native kernels on all cores; a GPU backend has one device) and the job manager keeps one
 * engine worker, so cells side by side would only slow each other. Spreading a grid over
 * machines is the job of an external queue (docs/ARCHITECTURE.md, "Sweeps").
 */
import { DEFAULT_CLAIM } from '../../shared/certify/claim.ts';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunSummary } from '../../shared/api/run-types.ts';
import type { WorkbenchApi } from '../../shared/api/workbench-api.ts';
import { RelaxCertError } from '../../shared/errors.ts';
import { aggregateSweep, sweepCsv } from '../../shared/sweep/aggregate.ts';
import type { RunFigures, SweepGroupResult } from '../../shared/sweep/aggregate.ts';
import { runFigures } from '../../shared/sweep/figures.ts';
import { cellConfig, guaranteeLabel } from '../../shared/sweep/grid.ts';
import { writeFileAtomic } from '../store/atomic-write.ts';
import type { RunStore } from '../store/run-store.ts';
import { loadSweep, saveSweep, sweepDir, withSweepLock } from '../store/sweep-state.ts';
import type { SweepCellState, SweepState } from '../store/sweep-state.ts';

/** What a sweep needs of the host: the run methods of the API, its store, and `settled`. */
export type SweepHost = Pick<
  WorkbenchApi,
  | 'getRun'
  | 'createRun'
  | 'startRun'
  | 'resumeRun'
  | 'cancelRun'
  | 'getEvalArtifacts'
  | 'getMetrics'
> & {
  readonly store: Pick<RunStore, 'home' | 'record'>;
  settled(runId: string): Promise<RunSummary>;
};

export type CellPhase = 'start' | 'resume' | 'done' | 'kept';

export interface SweepHooks {
  /** Called as each cell starts, resumes, finishes, or is kept from an earlier session. */
  onCell?(cell: SweepCellState, index: number, phase: CellPhase): void;
  /** Aborting cancels the running cell (its run stays resumable) and stops the sweep. */
  signal?: AbortSignal;
}

export interface SweepResult {
  dir: string;
  groups: SweepGroupResult[];
  files: string[];
}

async function figuresOf(host: SweepHost, run: RunSummary): Promise<RunFigures> {
  return runFigures(await host.getEvalArtifacts(run.id), await host.getMetrics(run.id));
}

/** Starts, resumes or keeps the cell's run; resolves when it is trained and evaluated. */
async function runCell(
  host: SweepHost,
  state: SweepState,
  cell: SweepCellState,
  index: number,
  hooks: SweepHooks,
): Promise<RunSummary> {
  let run: RunSummary | undefined;
  if (cell.runId !== undefined) {
    try {
      run = await host.getRun(cell.runId);
    } catch (error) {
      if (!(error instanceof RelaxCertError && error.code === 'NOT_FOUND')) throw error;
      run = undefined; // deleted since: train the cell afresh
    }
  }
  if (run !== undefined && run.state === 'completed' && run.evaluated) {
    hooks.onCell?.(cell, index, 'kept');
    return run;
  }
  if (run === undefined) {
    run = await host.createRun(cellConfig(state.config, cell, state.id));
    cell.runId = run.id;
    await saveSweep(host.store.home, state);
  }
  const id = run.id;
  if (run.state === 'running' || run.state === 'queued') {
    throw new RelaxCertError(
      'CONFLICT',
      `sweep ${state.id}: run ${id} (${cell.key}) is ${run.state} in another process`,
      { field: 'sweepId' },
    );
  }
  const onAbort = () => void host.cancelRun(id).catch(() => {});
  hooks.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    if (run.state === 'created') {
      hooks.onCell?.(cell, index, 'start');
      await host.startRun(id);
    } else {
      // interrupted, cancelled, failed, or completed without artefacts: from its checkpoint.
      hooks.onCell?.(cell, index, 'resume');
      await host.resumeRun(id);
    }
    const final = await host.settled(id);
    if (final.state === 'cancelled' || hooks.signal?.aborted === true) {
      throw new RelaxCertError(
        'CANCELLED',
        `sweep ${state.id} stopped in ${cell.key} (run ${id}); resume it with relaxcert sweep --resume ${state.id}`,
      );
    }
    if (final.state !== 'completed' || !final.evaluated) {
      const record = await host.store.record(id);
      throw new RelaxCertError(
        record.errorCode ?? 'INTERNAL',
        `sweep ${state.id}: run ${id} (${cell.key}) ended ${final.state}: ${final.error ?? 'no evaluation'}; ` +
          `resume the sweep to retry it`,
      );
    }
    return final;
  } finally {
    hooks.signal?.removeEventListener('abort', onAbort);
  }
}

/** Mean ± std per group of a sweep whose cells have all finished (as results.json holds it). */
export function sweepGroups(state: SweepState): SweepGroupResult[] {
  return aggregateSweep(
    state.cells.map((c) => {
      if (c.runId === undefined || c.figures === undefined) {
        throw new RelaxCertError('INTERNAL', `sweep ${state.id}: ${c.key} has not finished`);
      }
      return {
        group: c.group,
        epsilon: c.epsilon,
        guarantee: guaranteeLabel(c.guarantee),
        seed: c.seed,
        runId: c.runId,
        figures: c.figures,
      };
    }),
  );
}

/**
 * Trains every unfinished cell in order, then writes results.csv and results.json. Only one
 * process drives a sweep at a time (withSweepLock): a second gets CONFLICT at once.
 */
export async function runSweep(
  host: SweepHost,
  state: SweepState,
  hooks: SweepHooks = {},
): Promise<SweepResult> {
  const home = host.store.home;
  const dir = sweepDir(home, state.id);
  await mkdir(dir, { recursive: true });
  return withSweepLock(home, state.id, async () => {
    // Under the lock the record on disk is the truth: another driver may have moved it on since
    // the caller read it.
    const recorded = await loadSweep(home, state.id).catch(() => undefined);
    if (recorded !== undefined) state.cells = recorded.cells;
    await saveSweep(home, state);
    for (const [index, cell] of state.cells.entries()) {
      if (hooks.signal?.aborted === true) {
        throw new RelaxCertError(
          'CANCELLED',
          `sweep ${state.id} stopped; resume it with relaxcert sweep --resume ${state.id}`,
        );
      }
      const run = await runCell(host, state, cell, index, hooks);
      if (cell.figures === undefined || cell.runId !== run.id) {
        cell.runId = run.id;
        cell.figures = await figuresOf(host, run);
        await saveSweep(home, state);
        hooks.onCell?.(cell, index, 'done');
      }
    }
    const groups = sweepGroups(state);
    const csvFile = join(dir, 'results.csv');
    const jsonFile = join(dir, 'results.json');
    await writeFileAtomic(csvFile, sweepCsv(groups));
    await writeFileAtomic(
      jsonFile,
      // The figures are the runFigures of each run: certified under the default claim.
      `${JSON.stringify({ sweepId: state.id, claim: DEFAULT_CLAIM, std: 'sample (n - 1)', groups }, null, 2)}\n`,
    );
    return { dir, groups, files: [csvFile, jsonFile] };
  });
}
