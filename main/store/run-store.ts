/**
 * The run store: one folder per run under `${home}/runs/`:
 *   config.json   the ExperimentConfig (never changes after creation)
 *   state.json    RunRecord: name, state, backend, error, owner pid (atomic rewrites)
 *   metrics.jsonl one EpochMetrics a line (see metrics-log.ts)
 *   checkpoints/  written by the engine while training
 *   eval/         certification artefacts written by the engine's evaluation
 *   log.txt       human-readable log lines
 * A folder appears complete or not at all: it is built under a dot-name and renamed.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { appendFile, mkdir, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { DamagedRun, EpochMetrics, LogLine, RunSummary } from '../../shared/api/run-types.ts';
import type { ExperimentConfig } from '../../shared/config/experiment.ts';
import { RelaxCertError } from '../../shared/errors.ts';
import { sweepTemporaries, writeFileAtomic } from './atomic-write.ts';
import { checkpointEpoch, checkpointHead } from './checkpoint-file.ts';
import { evalArtifactsPath } from './eval-artifacts.ts';
import {
  appendMetrics,
  readMetrics,
  repairMetrics,
  truncateMetricsToEpoch,
} from './metrics-log.ts';
import { processAlive } from './process-alive.ts';
import { withRunLock } from './run-lock.ts';
import { newRunId, RUN_ID_PATTERN } from './run-record.ts';
import type { RunRecord } from './run-record.ts';

/** Staging folders older than this are leftovers of a crash, not work in progress. */
const LEFTOVER_AGE_MS = 10 * 60 * 1000;

export type RunPatch = Partial<
  Pick<RunRecord, 'name' | 'state' | 'backend' | 'error' | 'errorCode' | 'pid'>
>;

export interface RunStoreOptions {
  /** Treats a pid as alive or dead; injected by tests. */
  isAlive?: (pid: number) => boolean;
  now?: () => Date;
}

export class RunStore {
  readonly home: string;
  readonly runsDir: string;
  private readonly isAlive: (pid: number) => boolean;
  private readonly now: () => Date;
  /** Per-run chains so concurrent updates of one state.json never lose a write. */
  private readonly chains = new Map<string, Promise<unknown>>();

  private constructor(home: string, options: RunStoreOptions) {
    this.home = home;
    this.runsDir = join(home, 'runs');
    this.isAlive = options.isAlive ?? processAlive;
    this.now = options.now ?? (() => new Date());
  }

  /** Opens (creating if needed) the store and marks runs orphaned by a dead process interrupted. */
  static async open(home: string, options: RunStoreOptions = {}): Promise<RunStore> {
    const store = new RunStore(home, options);
    await ensureDir(store.runsDir);
    await store.recover();
    return store;
  }

  runDir(id: string): string {
    checkRunId(id);
    return join(this.runsDir, id);
  }

  async create(config: ExperimentConfig): Promise<RunSummary> {
    const now = this.now();
    const id = newRunId(now, randomBytes(3).toString('hex'));
    const staging = join(this.runsDir, `.new-${id}`);
    await mkdir(join(staging, 'checkpoints'), { recursive: true });
    await mkdir(join(staging, 'eval'), { recursive: true });
    const record: RunRecord = {
      id,
      name: config.name,
      state: 'created',
      createdAt: now.toISOString(),
      updatedAt: now.toISOString(),
    };
    await writeFileAtomic(join(staging, 'config.json'), `${JSON.stringify(config, null, 2)}\n`);
    await writeFileAtomic(join(staging, 'state.json'), `${JSON.stringify(record, null, 2)}\n`);
    await writeFileAtomic(join(staging, 'metrics.jsonl'), '');
    await rename(staging, join(this.runsDir, id));
    return this.get(id);
  }

  async record(id: string): Promise<RunRecord> {
    const file = join(this.runDir(id), 'state.json');
    try {
      return JSON.parse(await readFile(file, 'utf8')) as RunRecord;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        throw new RelaxCertError('NOT_FOUND', `run '${id}' does not exist in ${this.runsDir}`, {
          field: 'runId',
        });
      }
      throw new RelaxCertError('DATA_FORMAT', `cannot read ${file}: ${String(error)}`, { file });
    }
  }

  async config(id: string): Promise<ExperimentConfig> {
    const file = join(this.runDir(id), 'config.json');
    try {
      return JSON.parse(await readFile(file, 'utf8')) as ExperimentConfig;
    } catch (error) {
      throw new RelaxCertError('DATA_FORMAT', `cannot read ${file}: ${String(error)}`, { file });
    }
  }

  async get(id: string): Promise<RunSummary> {
    const record = await this.record(id);
    const config = await this.config(id);
    const metrics = await this.metrics(id);
    const latest = metrics.at(-1);
    const summary: RunSummary = {
      id: record.id,
      name: record.name,
      state: record.state,
      createdAt: record.createdAt,
      updatedAt: record.updatedAt,
      config,
      epochsDone: latest?.epoch ?? 0,
      evaluated: this.isEvaluated(id),
    };
    if (latest) summary.latest = latest;
    if (record.backend !== undefined) summary.backend = record.backend;
    if (record.error !== undefined) summary.error = record.error;
    return summary;
  }

  /** All runs, newest first; folders that cannot be read are listed by `damaged()`. */
  async list(): Promise<RunSummary[]> {
    return (await this.scan()).runs;
  }

  /** Run folders that cannot be read as runs, with the reason, by id. */
  async damaged(): Promise<DamagedRun[]> {
    return (await this.scan()).damaged;
  }

  private async scan(): Promise<{ runs: RunSummary[]; damaged: DamagedRun[] }> {
    const names = await readdir(this.runsDir);
    const runs: RunSummary[] = [];
    const damaged: DamagedRun[] = [];
    for (const name of names.sort()) {
      if (!RUN_ID_PATTERN.test(name)) continue;
      const found = await this.read(name);
      if (found === undefined) continue;
      if ('run' in found) runs.push(found.run);
      else damaged.push(found.damaged);
    }
    runs.sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0));
    return { runs, damaged };
  }

  /**
   * One run folder as a run, or as damaged with the reason (naming the file), or undefined
   * when it is gone: the one place that decides what a damaged run is (listing, home watcher).
   */
  async read(id: string): Promise<{ run: RunSummary } | { damaged: DamagedRun } | undefined> {
    try {
      return { run: await this.get(id) };
    } catch (error) {
      // Gone since it was listed (deleted by another process) is not damage.
      if (error instanceof RelaxCertError && error.code === 'NOT_FOUND') {
        if (!existsSync(join(this.runsDir, id))) return undefined;
      }
      const reason = error instanceof Error ? error.message : String(error);
      return { damaged: { id, reason } };
    }
  }

  async update(id: string, patch: RunPatch): Promise<RunSummary> {
    await this.serial(id, async () => {
      const record = await this.record(id);
      const next: RunRecord = { ...record, ...patch, updatedAt: this.now().toISOString() };
      for (const key of Object.keys(patch) as (keyof RunPatch)[]) {
        if (patch[key] === undefined) delete next[key];
      }
      await writeFileAtomic(
        join(this.runDir(id), 'state.json'),
        `${JSON.stringify(next, null, 2)}\n`,
      );
    });
    return this.get(id);
  }

  async appendMetrics(id: string, metrics: EpochMetrics): Promise<void> {
    await this.serial(id, () => appendMetrics(join(this.runDir(id), 'metrics.jsonl'), metrics));
  }

  async metrics(id: string): Promise<EpochMetrics[]> {
    return readMetrics(join(this.runDir(id), 'metrics.jsonl'));
  }

  async appendLog(id: string, line: LogLine): Promise<void> {
    const text = `${line.time} ${line.level.toUpperCase()} ${line.message.replace(/\n/g, '\n  ')}\n`;
    await appendFile(join(this.runDir(id), 'log.txt'), text, { encoding: 'utf8', flag: 'a' });
  }

  async log(id: string): Promise<string> {
    try {
      return await readFile(join(this.runDir(id), 'log.txt'), 'utf8');
    } catch {
      return '';
    }
  }

  async delete(id: string): Promise<void> {
    if (!existsSync(this.runDir(id))) {
      throw new RelaxCertError('NOT_FOUND', `run '${id}' does not exist in ${this.runsDir}`, {
        field: 'runId',
      });
    }
    // Rename first so a crash half-way through the removal leaves no half-run behind.
    const trash = join(this.runsDir, `.deleted-${id}-${randomBytes(3).toString('hex')}`);
    await rename(this.runDir(id), trash);
    await rm(trash, { recursive: true, force: true });
  }

  /** The epoch of the newest complete checkpoint, or undefined when there is none. */
  async checkpointEpoch(id: string): Promise<number | undefined> {
    return checkpointEpoch(this.runDir(id));
  }

  /**
   * Gets a run ready to be trained again: metrics beyond the last checkpoint are dropped (the
   * engine retrains those epochs), stale evaluation artefacts are removed. Returns whether the
   * engine should resume from a checkpoint.
   */
  async prepareRestart(id: string): Promise<{ resume: boolean; fromEpoch: number }> {
    await this.sweepTemporaries(id);
    const epoch = await this.checkpointEpoch(id);
    const file = join(this.runDir(id), 'metrics.jsonl');
    await this.serial(id, () => truncateMetricsToEpoch(file, epoch ?? 0));
    await this.restoreCheckpointMetrics(id);
    const evalDir = join(this.runDir(id), 'eval');
    await rm(evalDir, { recursive: true, force: true });
    await mkdir(evalDir, { recursive: true });
    if (epoch === undefined) {
      await rm(join(this.runDir(id), 'checkpoints'), { recursive: true, force: true });
      await mkdir(join(this.runDir(id), 'checkpoints'), { recursive: true });
    }
    return { resume: epoch !== undefined, fromEpoch: epoch ?? 0 };
  }

  /**
   * The checkpoint of epoch e carries e's metrics line: when a kill came between the checkpoint
   * and the line, the line is appended from it, so metrics and checkpoint stay one unit.
   */
  async restoreCheckpointMetrics(id: string): Promise<boolean> {
    const head = await checkpointHead(this.runDir(id));
    if (head?.metrics === undefined) return false;
    const file = join(this.runDir(id), 'metrics.jsonl');
    const metrics = head.metrics;
    return this.serial(id, async () => {
      const kept = await repairMetrics(file);
      if ((kept.at(-1)?.epoch ?? 0) !== metrics.epoch - 1) return false;
      await appendMetrics(file, metrics);
      return true;
    });
  }

  /** Removes temporaries a killed writer left in the run folder (see atomic-write.ts). */
  async sweepTemporaries(id: string): Promise<string[]> {
    const dir = this.runDir(id);
    const swept = [];
    for (const sub of ['', 'checkpoints', 'eval'])
      swept.push(...(await sweepTemporaries(join(dir, sub))));
    return swept;
  }

  isEvaluated(id: string): boolean {
    // The engine's evaluation writes one file, atomically (eval-artifacts.ts).
    return existsSync(evalArtifactsPath(this.runDir(id)));
  }

  /** Runs left queued or running by a process that no longer exists become `interrupted`. */
  async recover(options: { held?: string } = {}): Promise<string[]> {
    const recovered: string[] = [];
    const names = await readdir(this.runsDir);
    for (const name of names) {
      if (name.startsWith('.deleted-') || name.startsWith('.new-')) {
        // Leftovers of a delete or create that a crash cut short; recent ones may belong to
        // another process at work right now.
        const path = join(this.runsDir, name);
        const age = await stat(path).then(
          (s) => this.now().getTime() - s.mtimeMs,
          () => 0,
        );
        if (age > LEFTOVER_AGE_MS) await rm(path, { recursive: true, force: true }).catch(() => {});
        continue;
      }
      if (!RUN_ID_PATTERN.test(name)) continue;
      const orphaned = await this.orphanedRecord(name);
      if (orphaned === undefined) continue;
      // Under the run's lock (unless the caller holds it), checked again: another process may
      // be resuming this very run. A busy lock means someone is at it: leave the run to them.
      const mark = async () => {
        const record = await this.orphanedRecord(name);
        if (record === undefined) return;
        await repairMetrics(join(this.runDir(name), 'metrics.jsonl'));
        await this.restoreCheckpointMetrics(name);
        await this.sweepTemporaries(name);
        await this.update(name, {
          state: 'interrupted',
          pid: undefined,
          error: `the process running it (pid ${record.pid ?? '?'}) ended before it finished`,
        });
        recovered.push(name);
      };
      if (options.held === name) await mark();
      else {
        await withRunLock(this.runDir(name), name, 'recover', mark, { waitMs: 0 }).catch(
          (error: unknown) => {
            if (!(error instanceof RelaxCertError && error.code === 'CONFLICT')) throw error;
          },
        );
      }
    }
    return recovered;
  }

  /** The run's record when it is queued or running for a process that no longer exists. */
  private async orphanedRecord(id: string): Promise<RunRecord | undefined> {
    let record: RunRecord;
    try {
      record = await this.record(id);
    } catch {
      return undefined;
    }
    if (record.state !== 'running' && record.state !== 'queued') return undefined;
    if (record.pid !== undefined && (record.pid === process.pid || this.isAlive(record.pid))) {
      return undefined;
    }
    return record;
  }

  private serial<T>(id: string, work: () => Promise<T>): Promise<T> {
    const previous = this.chains.get(id) ?? Promise.resolve();
    const next = previous.then(work, work);
    const settled = next.catch(() => {});
    this.chains.set(id, settled);
    void settled.then(() => {
      if (this.chains.get(id) === settled) this.chains.delete(id);
    });
    return next;
  }
}

/**
 * mkdir -p that reports the real reason: a recursive mkdir says ENOENT for a folder it cannot
 * create on a read-only file system, and EEXIST is no error only when a folder is there.
 */
async function ensureDir(dir: string): Promise<void> {
  try {
    await mkdir(dir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && dirname(dir) !== dir) {
      await ensureDir(dirname(dir));
      await ensureDir(dir);
      return;
    }
    if (code !== 'EEXIST') throw error;
    const stats = await stat(dir);
    if (!stats.isDirectory()) {
      throw new RelaxCertError('INVALID_INPUT', `${dir} is a file, not a folder`, {
        file: dir,
        errno: 'ENOTDIR',
      });
    }
  }
}

export function checkRunId(id: unknown): asserts id is string {
  if (typeof id !== 'string' || !RUN_ID_PATTERN.test(id)) {
    throw new RelaxCertError('INVALID_INPUT', `'${String(id)}' is not a run id`, {
      field: 'runId',
    });
  }
}
