/**
 * The host services behind WorkbenchApi, independent of transport: the Electron IPC binding,
 * the WebSocket server and the CLI all call this class. It owns the lifecycle of runs: store
 * records, job submission, metrics appended from epoch events, state changes as events.
 */
import { join } from 'node:path';
import { mkdir } from 'node:fs/promises';
import type {
  DamagedRun,
  EpochMetrics,
  LogLine,
  RunState,
  RunSummary,
} from '../../shared/api/run-types.ts';
import type {
  CertificationSummary,
  CertifyRequest,
  DatasetInfo,
  EvalArtifacts,
  ExportOptions,
  PresetInfo,
  SweepRequest,
  SweepSummary,
  Unsubscribe,
  WorkbenchApi,
  WorkbenchEvent,
  WorkbenchInfo,
} from '../../shared/api/workbench-api.ts';
import {
  checkWhatIfInput,
  withoutWhatIf,
  withWhatIf,
  type WhatIfSets,
  type WhatIfSetsInput,
} from '../../shared/api/what-if-sets.ts';
import type { DatasetSpec, ExperimentConfig, Guarantee } from '../../shared/config/experiment.ts';
import { RelaxCertError, toErrorInfo } from '../../shared/errors.ts';
import type { ErrorCode } from '../../shared/errors.ts';
import { VERSION } from '../../shared/version.ts';
import { prepareCertification } from '../../shared/certify/session.ts';
import { CERT_CLAIMS, DEFAULT_CLAIM, parseClaim, underClaim } from '../../shared/certify/claim.ts';
import type { CertClaim } from '../../shared/certify/claim.ts';
import { validateExperimentConfig } from '../../shared/config/validate-experiment.ts';
import type { JobEvent } from '../jobs/protocol.ts';
import { writeFileAtomic } from '../store/atomic-write.ts';
import { readEvalArtifacts } from '../store/eval-artifacts.ts';
import {
  CANCEL_POLL_MS,
  cancelRequested,
  clearCancelRequest,
  requestCancel,
} from '../store/cancel-request.ts';
import { withRunLock } from '../store/run-lock.ts';
import { readWhatIfSets, writeWhatIfSets } from '../store/what-if-file.ts';
import { checkRunId } from '../store/run-store.ts';
import { HomeWatcher } from './home-watcher.ts';
import type { HostDeps } from './host-deps.ts';
import type { JobHandle } from './job-runner.ts';
import { checkCertifyRequest, checkDatasetSpec, checkName, checkOutDir } from './validate-args.ts';
import { certificateInputsJson, kMatrixJson } from './k-matrix.ts';
import { checkExportOptions, gloroHeadOf } from '../export/export-options.ts';
import { GLORO_NOTE_FILE, gloroOutputNote } from '../export/gloro-note.ts';
import { runReportHtml } from './report-html.ts';
import { SweepService } from './sweep-service.ts';

interface ActiveJob {
  handle: JobHandle;
  /** Events of one job are handled strictly in order. */
  chain: Promise<void>;
  lastProgressAt: number;
  /** Resolves once the job is over and its last event recorded. */
  finished: Promise<void>;
  release(): void;
}

/** The UI does not need every batch: at most one progress event per run in this many ms. */
const PROGRESS_INTERVAL_MS = 100;

export class WorkbenchHost implements WorkbenchApi {
  private readonly deps: HostDeps;
  private readonly listeners = new Set<(event: WorkbenchEvent) => void>();
  private readonly active = new Map<string, ActiveJob>();
  private readonly sweeps: SweepService;
  private watcher?: HomeWatcher;
  private closed = false;

  constructor(deps: HostDeps) {
    this.deps = deps;
    this.sweeps = new SweepService({
      host: this,
      emit: (event) => this.emit(event),
    });
  }

  get store() {
    return this.deps.store;
  }

  async getInfo(): Promise<WorkbenchInfo> {
    return { version: VERSION, home: this.deps.store.home, shell: this.deps.shell };
  }

  async listPresets(): Promise<PresetInfo[]> {
    return this.deps.presets();
  }

  async listDatasets(): Promise<DatasetInfo[]> {
    const infos: DatasetInfo[] = [];
    for (const spec of this.deps.data.builtin()) infos.push(await this.deps.data.inspect(spec));
    return infos;
  }

  async inspectDataset(spec: DatasetSpec): Promise<DatasetInfo> {
    checkDatasetSpec(spec);
    return this.deps.data.inspect(spec);
  }

  async getThumbnail(
    spec: DatasetSpec,
    split: 'train' | 'test',
    index: number,
  ): Promise<Uint8Array> {
    checkDatasetSpec(spec);
    if (split !== 'train' && split !== 'test') {
      throw new RelaxCertError('INVALID_INPUT', `split must be 'train' or 'test'`, {
        field: 'split',
      });
    }
    if (!Number.isInteger(index) || index < 0) {
      throw new RelaxCertError('INVALID_INPUT', `index must be an integer ≥ 0 (got ${index})`, {
        field: 'index',
      });
    }
    return this.deps.data.thumbnail(spec, split, index);
  }

  async createRun(config: ExperimentConfig): Promise<RunSummary> {
    const valid = validateExperimentConfig(config);
    const run = await this.deps.store.create(valid);
    this.emit({ type: 'run-state', run });
    return run;
  }

  async startRun(runId: string): Promise<RunSummary> {
    return this.locked(checked(runId), 'start', async () => {
      const run = await this.deps.store.get(runId);
      if (run.state !== 'created') {
        throw new RelaxCertError(
          'CONFLICT',
          `run '${runId}' is ${run.state}; only a new run can be started` +
            (isResumable(run.state) ? ' (resume it instead)' : ''),
          { field: 'runId' },
        );
      }
      await clearCancelRequest(this.deps.store.runDir(runId));
      return this.launch(run, false);
    });
  }

  async resumeRun(runId: string): Promise<RunSummary> {
    return this.locked(checked(runId), 'resume', async () => {
      if (!this.active.has(runId)) await this.deps.store.recover({ held: runId });
      const run = await this.deps.store.get(runId);
      if (!isResumable(run.state)) {
        throw new RelaxCertError(
          'CONFLICT',
          `run '${runId}' is ${run.state}` +
            (await this.ownerNote(runId)) +
            '; only interrupted, cancelled or failed runs resume',
          { field: 'runId' },
        );
      }
      const { resume, fromEpoch } = await this.deps.store.prepareRestart(runId);
      await clearCancelRequest(this.deps.store.runDir(runId));
      await this.log(
        runId,
        'info',
        resume ? `resuming from the checkpoint of epoch ${fromEpoch}` : 'no checkpoint: restarting',
      );
      return this.launch(await this.deps.store.get(runId), resume);
    });
  }

  async cancelRun(runId: string): Promise<RunSummary> {
    return this.locked(checked(runId), 'cancel', async () => {
      const job = this.active.get(runId);
      // Another process may have died since: its run is then interrupted, not cancellable.
      if (!job) await this.deps.store.recover({ held: runId });
      const run = await this.deps.store.get(runId);
      // A job of this process stays listed for a moment after its run has ended: its state,
      // not the list, says whether there is anything left to cancel.
      if (run.state !== 'running' && run.state !== 'queued') {
        throw new RelaxCertError(
          'CONFLICT',
          `run '${runId}' is ${run.state}; there is nothing to cancel`,
          { field: 'runId' },
        );
      }
      if (job) {
        job.handle.cancel();
        return run;
      }
      // Trained by another live process: it polls for this request and cancels its job.
      await requestCancel(this.deps.store.runDir(runId));
      await this.log(runId, 'info', `cancel requested by process ${process.pid}`);
      return run;
    });
  }

  async deleteRun(runId: string): Promise<void> {
    await this.locked(checked(runId), 'delete', async () => {
      // A damaged run (its config or record unreadable or missing) can be deleted too, unless
      // its record still says that a live process trains it. A missing folder is NOT_FOUND
      // from the store's delete.
      const record = await this.deps.store.record(runId).catch(() => undefined);
      if (record) await this.deps.store.recover({ held: runId });
      const state = record ? (await this.deps.store.record(runId)).state : undefined;
      if (this.active.has(runId) || state === 'running' || state === 'queued') {
        throw new RelaxCertError(
          'CONFLICT',
          `run '${runId}' is ${state ?? 'training'}${await this.ownerNote(runId)}; cancel it first`,
          { field: 'runId' },
        );
      }
      await this.deps.store.delete(runId);
    });
    this.emit({ type: 'run-deleted', runId });
  }

  async renameRun(runId: string, name: string): Promise<RunSummary> {
    checkName(name);
    const run = await this.locked(checked(runId), 'rename', () =>
      this.deps.store.update(runId, { name: name.trim() }),
    );
    this.emit({ type: 'run-state', run });
    return run;
  }

  async listRuns(): Promise<RunSummary[]> {
    // Another process (a CLI run next to the server) may have died since the store opened.
    await this.deps.store.recover();
    return this.deps.store.list();
  }

  async listDamagedRuns(): Promise<DamagedRun[]> {
    return this.deps.store.damaged();
  }

  async getRun(runId: string): Promise<RunSummary> {
    return this.deps.store.get(checked(runId));
  }

  async getMetrics(runId: string): Promise<EpochMetrics[]> {
    await this.deps.store.record(checked(runId));
    return this.deps.store.metrics(runId);
  }

  async getEvalArtifacts(runId: string): Promise<EvalArtifacts> {
    const run = await this.deps.store.get(checked(runId));
    if (!run.evaluated) {
      throw new RelaxCertError(
        'NOT_FOUND',
        `run '${runId}' has no certification artefacts yet (it is ${run.state})`,
        { field: 'runId' },
      );
    }
    const artifacts = await readEvalArtifacts(this.deps.store.runDir(runId));
    return { ...artifacts, runId };
  }

  async certifyRun(runId: string, request: CertifyRequest = {}): Promise<CertificationSummary> {
    checkCertifyRequest(request);
    const artifacts = await this.getEvalArtifacts(runId);
    return prepareCertification(
      underClaim(artifacts, request.claim ?? DEFAULT_CLAIM),
      request.guarantee ?? artifacts.guarantee,
    ).summary(request.epsilon ?? artifacts.trainedEpsilon);
  }

  async evaluateRun(runId: string): Promise<RunSummary> {
    return this.locked(checked(runId), 'evaluate', async () => {
      const run = await this.deps.store.get(runId);
      if (run.state !== 'completed' || this.active.has(runId)) {
        throw new RelaxCertError(
          'CONFLICT',
          `run '${runId}' is ${run.state}; only a completed run is evaluated` +
            (isResumable(run.state) ? ' (resume it first)' : ''),
          { field: 'runId' },
        );
      }
      await this.log(runId, 'info', 'evaluating the last checkpoint again');
      return this.launch(run, false, 'evaluate');
    });
  }

  async getReportHtml(runId: string, claim: CertClaim = DEFAULT_CLAIM): Promise<string> {
    parseClaim(claim);
    const artifacts = await this.getEvalArtifacts(runId);
    const [run, metrics] = await Promise.all([this.getRun(runId), this.getMetrics(runId)]);
    return runReportHtml({ run, metrics, artifacts, claim, generatedAt: new Date().toISOString() });
  }

  async exportRun(
    runId: string,
    outDir: string,
    options: ExportOptions = {},
  ): Promise<{ files: string[] }> {
    checkOutDir(outDir);
    const format = checkExportOptions(options);
    return this.locked(checked(runId), 'export', () =>
      this.exportUnlocked(runId, outDir, format, options.gloroHead === true),
    );
  }

  private async exportUnlocked(
    runId: string,
    outDir: string,
    format: ReturnType<typeof checkExportOptions>,
    gloroHead: boolean,
  ): Promise<{ files: string[] }> {
    const run = await this.deps.store.get(runId);
    // Mid-training weights change under the reader and belong to no recorded epoch.
    if (run.state === 'running' || run.state === 'queued') {
      throw new RelaxCertError(
        'CONFLICT',
        `run '${runId}' is ${run.state}${await this.ownerNote(runId)}; export it once it has stopped`,
        { field: 'runId' },
      );
    }
    const artifacts = run.evaluated ? await this.getEvalArtifacts(runId) : undefined;
    if (gloroHead && artifacts === undefined) {
      throw new RelaxCertError(
        'NOT_FOUND',
        `run '${runId}' has no sound K matrix yet (it is ${run.state}): the ⊥ head needs one`,
        { field: 'gloroHead' },
      );
    }
    await mkdir(outDir, { recursive: true });
    const files = await this.deps.exporter.exportModel(this.deps.store.runDir(runId), outDir, {
      format,
      ...(gloroHead && artifacts !== undefined ? { head: gloroHeadOf(artifacts) } : {}),
    });
    if (gloroHead && artifacts !== undefined) {
      // The ⊥ output leaves out the float32 error bound: say so beside it, with this run's count.
      const noteFile = join(outDir, GLORO_NOTE_FILE);
      await writeFileAtomic(noteFile, gloroOutputNote(artifacts));
      files.push(noteFile);
    }
    if (artifacts !== undefined) {
      const kFile = join(outDir, 'k-matrix.json');
      await writeFileAtomic(kFile, kMatrixJson(artifacts));
      files.push(kFile);
      const inputsFile = join(outDir, 'certificate-inputs.json');
      await writeFileAtomic(inputsFile, certificateInputsJson(artifacts));
      files.push(inputsFile);
      const report = this.certificationReport(run, artifacts);
      const reportFile = join(outDir, 'certification-report.json');
      await writeFileAtomic(reportFile, `${JSON.stringify(report, null, 2)}\n`);
      files.push(reportFile);
    }
    const configFile = join(outDir, 'config.json');
    await writeFileAtomic(configFile, `${JSON.stringify(run.config, null, 2)}\n`);
    files.push(configFile);
    return { files };
  }

  async listWhatIfSets(runId: string): Promise<WhatIfSets[]> {
    const numClasses = await this.classCount(checked(runId));
    return readWhatIfSets(this.deps.store.runDir(runId), numClasses);
  }

  async saveWhatIfSets(runId: string, entry: WhatIfSetsInput): Promise<WhatIfSets[]> {
    const numClasses = await this.classCount(checked(runId));
    const valid = checkWhatIfInput(entry, numClasses);
    const saved: WhatIfSets = { ...valid, savedAt: valid.savedAt ?? new Date().toISOString() };
    return this.locked(runId, 'save what-if sets', async () => {
      const runDir = this.deps.store.runDir(runId);
      const list = withWhatIf(await readWhatIfSets(runDir, numClasses), saved);
      await writeWhatIfSets(runDir, list);
      return list;
    });
  }

  async deleteWhatIfSets(runId: string, name: string): Promise<WhatIfSets[]> {
    if (typeof name !== 'string') {
      throw new RelaxCertError('INVALID_INPUT', 'name must be a text', { field: 'name' });
    }
    const numClasses = await this.classCount(checked(runId));
    return this.locked(runId, 'delete what-if sets', async () => {
      const runDir = this.deps.store.runDir(runId);
      const list = await readWhatIfSets(runDir, numClasses);
      if (!list.some((w) => w.name === name)) {
        throw new RelaxCertError(
          'NOT_FOUND',
          `run '${runId}' has no what-if sets named “${name}”`,
          {
            field: 'name',
          },
        );
      }
      const next = withoutWhatIf(list, name);
      await writeWhatIfSets(runDir, next);
      return next;
    });
  }

  async startSweep(request: SweepRequest): Promise<SweepSummary> {
    return this.sweeps.start(request);
  }

  async resumeSweep(sweepId: string): Promise<SweepSummary> {
    return this.sweeps.resume(sweepId);
  }

  async cancelSweep(sweepId: string): Promise<SweepSummary> {
    return this.sweeps.cancel(sweepId);
  }

  async listSweeps(): Promise<SweepSummary[]> {
    return this.sweeps.list();
  }

  async getSweep(sweepId: string): Promise<SweepSummary> {
    return this.sweeps.get(sweepId);
  }

  /** Resolves when this process has stopped driving the sweep (finished, stopped or failed). */
  sweepSettled(sweepId: string): Promise<SweepSummary> {
    return this.sweeps.settled(sweepId);
  }

  onEvent(listener: (event: WorkbenchEvent) => void): Unsubscribe {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /**
   * Announces what other processes do in the home (runs created, trained, finished, deleted)
   * as this host's own events, so every window and browser shows them live.
   */
  async watchHome(options: { pollMs?: number; watch?: boolean } = {}): Promise<HomeWatcher> {
    if (this.watcher) return this.watcher;
    const watcher = new HomeWatcher({
      ...options,
      store: this.deps.store,
      emit: (event) => this.emit(event),
      isOwn: (runId) => this.active.has(runId),
    });
    this.watcher = watcher;
    await watcher.start();
    return watcher;
  }

  /** Whether this process is training the run now. */
  isActive(runId: string): boolean {
    return this.active.has(runId);
  }

  /** Resolves when the run's current job and all its events are handled. */
  async settled(runId: string): Promise<RunSummary> {
    const job = this.active.get(runId);
    if (job) await job.finished;
    return this.deps.store.get(runId);
  }

  /**
   * Stops the workbench: runs still training are marked interrupted (resumable later) and the
   * job runner is closed.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.watcher?.close();
    // Sweeps first: each cancels its running cell and stops, resumable later.
    await this.sweeps.close();
    for (const [runId, job] of this.active) {
      job.handle.cancel();
      // A worker that ignores the cancel must not keep the app from quitting.
      await Promise.race([job.finished, new Promise((r) => setTimeout(r, 5000).unref())]);
      await this.deps.store
        .update(runId, {
          state: 'interrupted',
          pid: undefined,
          error: 'the workbench was closed while it trained',
        })
        .catch(() => {});
    }
    this.active.clear();
    await this.deps.data.close?.();
    await this.deps.runner.close();
  }

  /** Takes the run's lock across processes (main/store/run-lock.ts) around `work`. */
  private locked<T>(runId: string, op: string, work: () => Promise<T>): Promise<T> {
    return withRunLock(this.deps.store.runDir(runId), runId, op, work);
  }

  /** The number of classes of the run's data set: what its affinity sets are checked against. */
  private async classCount(runId: string): Promise<number> {
    const run = await this.deps.store.get(runId);
    const info = await this.deps.data.inspect(run.config.dataset);
    return info.classNames.length;
  }

  /** " in process N" for a run owned by another process, or "" when it is ours or unowned. */
  private async ownerNote(runId: string): Promise<string> {
    const record = await this.deps.store.record(runId).catch(() => undefined);
    if (record?.pid === undefined) return '';
    return record.pid === process.pid ? ' in this process' : ` in process ${record.pid}`;
  }

  private certificationReport(run: RunSummary, artifacts: EvalArtifacts) {
    const guarantees: Guarantee[] = [{ kind: 'standard' }];
    if (artifacts.guarantee.kind !== 'standard') guarantees.push(artifacts.guarantee);
    return {
      runId: run.id,
      name: run.name,
      createdAt: run.createdAt,
      epochsDone: run.epochsDone,
      classNames: artifacts.classNames,
      trainedEpsilon: artifacts.trainedEpsilon,
      soundBounds: true,
      // Every claim under every guarantee, each summary naming its claim.
      certifications: CERT_CLAIMS.flatMap((claim) =>
        guarantees.map((g) =>
          prepareCertification(underClaim(artifacts, claim), g).summary(artifacts.trainedEpsilon),
        ),
      ),
    };
  }

  private async launch(
    run: RunSummary,
    resume: boolean,
    type: 'train' | 'evaluate' = 'train',
  ): Promise<RunSummary> {
    if (this.closed) throw new RelaxCertError('CONFLICT', 'the workbench is shutting down');
    if (this.active.has(run.id)) {
      throw new RelaxCertError('CONFLICT', `run '${run.id}' is already training`);
    }
    const queued = await this.deps.store.update(run.id, {
      state: 'queued',
      pid: process.pid,
      error: undefined,
      errorCode: undefined,
    });
    this.emit({ type: 'run-state', run: queued });
    let release = () => {};
    const finished = new Promise<void>((resolve) => {
      release = resolve;
    });
    const runDir = this.deps.store.runDir(run.id);
    // Another process may ask this one to cancel (cancel-request.ts): look for it now and then.
    const poll = setInterval(() => {
      if (entry.handle === undefined || !cancelRequested(runDir)) return;
      entry.handle.cancel();
      void clearCancelRequest(runDir).catch(() => {});
    }, CANCEL_POLL_MS);
    poll.unref();
    const entry: ActiveJob = {
      handle: undefined as unknown as JobHandle,
      chain: Promise.resolve(),
      lastProgressAt: 0,
      finished,
      release: () => {
        clearInterval(poll);
        if (this.active.get(run.id) === entry) this.active.delete(run.id);
        release();
      },
    };
    this.active.set(run.id, entry);
    try {
      const runDir = this.deps.store.runDir(run.id);
      entry.handle = this.deps.runner.submit(
        type === 'evaluate'
          ? { type, runId: run.id, runDir, config: run.config }
          : { type, runId: run.id, runDir, config: run.config, resume },
        (event) => {
          entry.chain = entry.chain.then(() =>
            this.onJobEvent(run.id, entry, event).catch((error: unknown) =>
              this.log(run.id, 'error', `could not record a job event: ${String(error)}`),
            ),
          );
        },
      );
    } catch (error) {
      entry.release();
      await this.finish(run.id, 'failed', errorMessage(error), toErrorInfo(error).code);
      throw error;
    }
    // A worker that dies may never send 'failed': the handle's outcome is the last word.
    void entry.handle.done.then(
      (outcome) => this.afterJob(run.id, entry, outcome),
      (error: unknown) => this.afterJob(run.id, entry, 'failed', errorMessage(error)),
    );
    return queued;
  }

  private async afterJob(
    runId: string,
    entry: ActiveJob,
    outcome: 'done' | 'cancelled' | 'failed',
    reason?: string,
  ): Promise<void> {
    await entry.chain;
    if (this.active.get(runId) !== entry) {
      entry.release();
      return;
    }
    const record = await this.deps.store.record(runId).catch(() => undefined);
    if (record && (record.state === 'queued' || record.state === 'running')) {
      const state: RunState =
        outcome === 'done' ? 'completed' : outcome === 'cancelled' ? 'cancelled' : 'failed';
      await this.finish(
        runId,
        state,
        state === 'failed' ? (reason ?? 'the job failed') : undefined,
      );
    }
    entry.release();
  }

  private async onJobEvent(runId: string, entry: ActiveJob, event: JobEvent): Promise<void> {
    switch (event.type) {
      case 'backend': {
        const run = await this.deps.store.update(runId, {
          backend: event.backend,
          state: 'running',
        });
        this.emit({ type: 'run-state', run });
        return;
      }
      case 'progress': {
        await this.markRunning(runId);
        const now = Date.now();
        const last = event.progress.batch + 1 === event.progress.batchesPerEpoch;
        if (last || now - entry.lastProgressAt >= PROGRESS_INTERVAL_MS) {
          entry.lastProgressAt = now;
          this.emit({ type: 'progress', progress: { ...event.progress, runId } });
        }
        return;
      }
      case 'epoch': {
        await this.markRunning(runId);
        await this.deps.store.appendMetrics(runId, event.metrics);
        this.emit({ type: 'epoch', runId, metrics: event.metrics });
        return;
      }
      case 'log':
        await this.log(runId, event.level, event.message);
        return;
      case 'done':
        await this.finish(runId, 'completed');
        entry.release();
        return;
      case 'cancelled':
        await this.finish(runId, 'cancelled');
        entry.release();
        return;
      case 'failed':
        await this.log(runId, 'error', event.error.message);
        await this.finish(runId, 'failed', event.error.message, event.error.code);
        entry.release();
        return;
    }
  }

  private async markRunning(runId: string): Promise<void> {
    const record = await this.deps.store.record(runId);
    if (record.state === 'queued') {
      const run = await this.deps.store.update(runId, { state: 'running' });
      this.emit({ type: 'run-state', run });
    }
  }

  private async finish(
    runId: string,
    state: RunState,
    error?: string,
    errorCode?: ErrorCode,
  ): Promise<void> {
    const run = await this.deps.store.update(runId, {
      state,
      pid: undefined,
      error,
      errorCode: error === undefined ? undefined : (errorCode ?? 'INTERNAL'),
    });
    this.emit({ type: 'run-state', run });
  }

  private async log(runId: string, level: LogLine['level'], message: string): Promise<void> {
    const line: LogLine = { runId, level, message, time: new Date().toISOString() };
    await this.deps.store.appendLog(runId, line).catch(() => {});
    this.emit({ type: 'log', line });
  }

  private emit(event: WorkbenchEvent): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch {
        /* a faulty listener must not stop the others or the job */
      }
    }
  }
}

function checked(runId: unknown): string {
  checkRunId(runId);
  return runId;
}

function isResumable(state: RunState): boolean {
  return state === 'interrupted' || state === 'cancelled' || state === 'failed';
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
