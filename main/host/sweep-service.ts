/**
 * Sweeps behind the WorkbenchApi ("repeat with N seeds" in the UI): the same record
 * (main/store/sweep-state.ts) and the same driver (sweep-runner.ts) as `relaxcert sweep`, driven
 * in the background of the host that started or resumed it. Every change of a sweep is pushed as
 * a `sweep-state` event. A sweep this process stops (cancel, close, a crash of the process) stays
 * on disk and resumes where it stopped, from here or from the CLI.
 */
import type { SweepRequest, SweepSummary } from '../../shared/api/sweep-types.ts';
import type { WorkbenchEvent } from '../../shared/api/workbench-api.ts';
import { RelaxCertError } from '../../shared/errors.ts';
import { validateExperimentConfig } from '../../shared/config/validate-experiment.ts';
import { cellConfig, guaranteeLabel, seedRange } from '../../shared/sweep/grid.ts';
import { listSweeps, loadSweep, newSweep, saveSweep, sweepDriver } from '../store/sweep-state.ts';
import type { SweepState } from '../store/sweep-state.ts';
import { runSweep, sweepGroups } from './sweep-runner.ts';
import type { SweepHost } from './sweep-runner.ts';
import { checkSweepId, checkSweepRequest } from './validate-args.ts';

export interface SweepServiceDeps {
  host: SweepHost;
  emit(event: WorkbenchEvent): void;
}

interface ActiveSweep {
  controller: AbortController;
  /** Resolves when the driver has stopped, for whatever reason. */
  done: Promise<void>;
}

/** How long close() waits for a driver to stop its running cell. */
const CLOSE_WAIT_MS = 5000;

export class SweepService {
  private readonly deps: SweepServiceDeps;
  private readonly active = new Map<string, ActiveSweep>();
  /** Why a sweep driven here stopped on an error (this process's lifetime only). */
  private readonly errors = new Map<string, string>();
  private closed = false;

  constructor(deps: SweepServiceDeps) {
    this.deps = deps;
  }

  private get home(): string {
    return this.deps.host.store.home;
  }

  /**
   * A new sweep over seeds S … S + N − 1 of the run's experiment (S its training seed). A run
   * that has finished and been certified is the first seed's cell itself: its experiment is the
   * cell's, so it is not trained again.
   */
  async start(request: SweepRequest): Promise<SweepSummary> {
    checkSweepRequest(request);
    this.open();
    const run = await this.deps.host.getRun(request.runId);
    const base = validateExperimentConfig(structuredClone(run.config));
    const state = newSweep(base, {
      seeds: seedRange(base.training.seed, request.seeds),
      epsilons: [base.training.epsilon],
      guarantees: [base.guarantee],
    });
    state.sourceRunId = run.id;
    // Every cell's experiment is checked before anything is written or trained.
    for (const cell of state.cells) validateExperimentConfig(cellConfig(base, cell, state.id));
    if (run.state === 'completed' && run.evaluated) state.cells[0].runId = run.id;
    await saveSweep(this.home, state);
    this.drive(state);
    return this.summary(state);
  }

  async resume(sweepId: string): Promise<SweepSummary> {
    checkSweepId(sweepId);
    this.open();
    const state = await loadSweep(this.home, sweepId);
    const driver = this.active.has(sweepId)
      ? process.pid
      : (await sweepDriver(this.home, sweepId))?.pid;
    if (driver !== undefined) {
      throw new RelaxCertError(
        'CONFLICT',
        `sweep '${sweepId}' is already running` +
          (driver === process.pid ? '' : ` in process ${driver}`),
        { field: 'sweepId' },
      );
    }
    this.drive(state);
    return this.summary(state);
  }

  /**
   * Stops the sweep after cancelling its running cell (which stays resumable). A sweep driven by
   * another process is stopped through its cell too: the cancel reaches that process's run, and
   * its driver stops when the run ends cancelled.
   */
  async cancel(sweepId: string): Promise<SweepSummary> {
    checkSweepId(sweepId);
    const state = await loadSweep(this.home, sweepId);
    const mine = this.active.get(sweepId);
    if (mine !== undefined) {
      mine.controller.abort();
      return this.summary(state);
    }
    for (const cell of state.cells) {
      if (cell.runId === undefined || cell.figures !== undefined) continue;
      const run = await this.deps.host.getRun(cell.runId).catch(() => undefined);
      if (run?.state === 'running' || run?.state === 'queued') {
        await this.deps.host.cancelRun(run.id);
        return this.summary(state);
      }
    }
    throw new RelaxCertError('CONFLICT', `sweep '${sweepId}' is not running`, {
      field: 'sweepId',
    });
  }

  async list(): Promise<SweepSummary[]> {
    const states = await listSweeps(this.home);
    return Promise.all(states.map((s) => this.summary(s)));
  }

  async get(sweepId: string): Promise<SweepSummary> {
    checkSweepId(sweepId);
    return this.summary(await loadSweep(this.home, sweepId));
  }

  /** Resolves when this process has stopped driving the sweep (finished, stopped or failed). */
  async settled(sweepId: string): Promise<SweepSummary> {
    await this.active.get(sweepId)?.done;
    return this.get(sweepId);
  }

  /** Stops every sweep driven here (each stays resumable) and waits a moment for them. */
  async close(): Promise<void> {
    this.closed = true;
    for (const sweep of this.active.values()) sweep.controller.abort();
    const wait = new Promise((r) => setTimeout(r, CLOSE_WAIT_MS).unref());
    await Promise.race([Promise.all([...this.active.values()].map((s) => s.done)), wait]);
  }

  async summary(state: SweepState): Promise<SweepSummary> {
    const done = state.cells.filter((c) => c.figures !== undefined).length;
    const complete = done === state.cells.length;
    const running =
      this.active.has(state.id) ||
      (!complete && (await sweepDriver(this.home, state.id)) !== undefined);
    const summary: SweepSummary = {
      id: state.id,
      name: state.config.name,
      createdAt: state.createdAt,
      status: running ? 'running' : complete ? 'completed' : 'stopped',
      cellsDone: done,
      cells: state.cells.map((c) => ({
        key: c.key,
        group: c.group,
        epsilon: c.epsilon,
        guarantee: guaranteeLabel(c.guarantee),
        seed: c.seed,
        ...(c.runId !== undefined ? { runId: c.runId } : {}),
        ...(c.figures !== undefined ? { figures: c.figures } : {}),
      })),
    };
    if (state.sourceRunId !== undefined) summary.sourceRunId = state.sourceRunId;
    if (complete) summary.groups = sweepGroups(state);
    const error = this.errors.get(state.id);
    if (error !== undefined && !running) summary.error = error;
    return summary;
  }

  private open(): void {
    if (this.closed) throw new RelaxCertError('CONFLICT', 'the workbench is shutting down');
  }

  /** Drives the sweep in the background; every step and the end become `sweep-state` events. */
  private drive(state: SweepState): void {
    const controller = new AbortController();
    const announce = () =>
      void this.summary(state).then(
        (sweep) => this.deps.emit({ type: 'sweep-state', sweep }),
        () => {},
      );
    this.errors.delete(state.id);
    const done = runSweep(this.deps.host, state, {
      signal: controller.signal,
      onCell: announce,
    })
      .then(
        () => {},
        (error: unknown) => {
          // A stop asked for is no error: the sweep is simply stopped, and resumable.
          if (error instanceof RelaxCertError && error.code === 'CANCELLED') return;
          this.errors.set(state.id, error instanceof Error ? error.message : String(error));
        },
      )
      .finally(() => {
        this.active.delete(state.id);
        announce();
      });
    this.active.set(state.id, { controller, done });
    announce();
  }
}
