/**
 * Watches the workbench home for what other processes do to it: a `relaxcert train` beside the
 * open window creates a run, appends its epochs, finishes it; another window deletes one; a
 * file in a run folder gets damaged. Each change becomes the host's ordinary event (run-state,
 * epoch, run-deleted, run-damaged), so every window and browser updates live. fs.watch on the runs folder and on each run folder says when to look;
 * a slow poll is the fallback where watching is not supported or misses changes (network file
 * systems). What this process does itself is already announced by the host; the watcher skips
 * the epochs of runs this process trains.
 */
import { watch } from 'node:fs';
import type { FSWatcher, Stats } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { WorkbenchEvent } from '../../shared/api/workbench-api.ts';
import { RUN_ID_PATTERN } from '../store/run-record.ts';
import type { RunStore } from '../store/run-store.ts';

/** What is looked at to tell that a run changed: its record and the length of its metrics. */
interface Seen {
  state: string;
  metricsBytes: number;
  lastEpoch: number;
}

export interface HomeWatcherOptions {
  store: RunStore;
  emit(event: WorkbenchEvent): void;
  /** Whether this process trains the run (its epochs are announced by the host already). */
  isOwn(runId: string): boolean;
  /** Fallback poll; also the only source when fs.watch is off or unsupported. */
  pollMs?: number;
  /** Tests: poll only, as on a file system without change notifications. */
  watch?: boolean;
}

/** What tells that a file changed: its modification time and size ("-" while it is missing). */
function fileKey(stats: Stats | undefined): string {
  return stats === undefined ? '-' : `${stats.mtimeMs}:${stats.size}`;
}

/** Changes come in bursts (a rename, then a write): look once they have settled. */
const SETTLE_MS = 50;

export class HomeWatcher {
  private readonly options: HomeWatcherOptions;
  private readonly seen = new Map<string, Seen>();
  private readonly watchers = new Map<string, FSWatcher>();
  private rootWatcher?: FSWatcher;
  private timer?: NodeJS.Timeout;
  private pending?: NodeJS.Timeout;
  private scanning: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(options: HomeWatcherOptions) {
    this.options = options;
  }

  /** Takes the current state as known (no events for it), then starts watching. */
  async start(): Promise<void> {
    await this.scan(false);
    if (this.options.watch !== false) {
      this.rootWatcher = this.watchDir(this.options.store.runsDir);
    }
    this.timer = setInterval(() => this.schedule(0), this.options.pollMs ?? 2000);
    this.timer.unref();
  }

  close(): void {
    this.closed = true;
    clearInterval(this.timer);
    clearTimeout(this.pending);
    this.rootWatcher?.close();
    for (const w of this.watchers.values()) w.close();
    this.watchers.clear();
  }

  /** Resolves once every change seen so far is announced (tests). */
  async settled(): Promise<void> {
    await this.scanning;
  }

  /** A scan now (tests, or a caller that knows something changed). */
  async rescan(): Promise<void> {
    this.scanning = this.scanning.then(() => this.scan(true));
    await this.scanning;
  }

  private schedule(delay = SETTLE_MS): void {
    if (this.closed || this.pending !== undefined) return;
    this.pending = setTimeout(() => {
      this.pending = undefined;
      this.scanning = this.scanning.then(() => this.scan(true)).catch(() => {});
    }, delay);
    this.pending.unref();
  }

  private watchDir(dir: string): FSWatcher | undefined {
    try {
      const w = watch(dir, { persistent: false }, () => this.schedule());
      w.on('error', () => w.close()); // the folder went away; the poll carries on
      return w;
    } catch {
      return undefined; // not supported here: the poll alone
    }
  }

  private async scan(announce: boolean): Promise<void> {
    if (this.closed) return;
    const { store, emit } = this.options;
    const names = await readdir(store.runsDir).catch(() => [] as string[]);
    const present = new Set(names.filter((n) => RUN_ID_PATTERN.test(n)));
    for (const id of [...this.seen.keys()]) {
      if (present.has(id)) continue;
      this.forget(id);
      if (announce) emit({ type: 'run-deleted', runId: id });
    }
    for (const id of present) {
      if (this.closed) return;
      const dir = join(store.runsDir, id);
      const [record, config, metrics] = await Promise.all([
        stat(join(dir, 'state.json')).catch(() => undefined),
        stat(join(dir, 'config.json')).catch(() => undefined),
        stat(join(dir, 'metrics.jsonl')).catch(() => undefined),
      ]);
      // A folder appears complete (renamed from a staging name) and goes by a rename too, so
      // one without its record is damaged, like one whose record or config cannot be read.
      const state = `${fileKey(record)}|${fileKey(config)}`;
      const metricsBytes = metrics?.size ?? 0;
      const before = this.seen.get(id);
      if (before !== undefined && before.state === state && before.metricsBytes === metricsBytes) {
        continue;
      }
      if (!this.watchers.has(id) && this.options.watch !== false) {
        const w = this.watchDir(dir);
        if (w) this.watchers.set(id, w);
      }
      const found = await store.read(id).catch(() => undefined);
      if (found === undefined) continue; // half-deleted: the next scan sees it gone
      if ('damaged' in found) {
        this.seen.set(id, { state, metricsBytes, lastEpoch: 0 });
        if (announce) emit({ type: 'run-damaged', damaged: found.damaged });
        continue;
      }
      const summary = found.run;
      const lastEpoch = summary.latest?.epoch ?? 0;
      this.seen.set(id, { state, metricsBytes, lastEpoch });
      if (!announce) continue;
      // A run first seen now (created elsewhere) brings all its epochs so far.
      const known = before?.lastEpoch ?? 0;
      if (lastEpoch > known && !this.options.isOwn(id)) {
        for (const m of await store.metrics(id)) {
          // Up to the summary's epoch only: lines appended since are the next scan's.
          if (m.epoch > known && m.epoch <= lastEpoch)
            emit({ type: 'epoch', runId: id, metrics: m });
        }
      }
      if (before === undefined || before.state !== state || lastEpoch !== before.lastEpoch) {
        emit({ type: 'run-state', run: summary });
      }
    }
  }

  private forget(id: string): void {
    this.seen.delete(id);
    this.watchers.get(id)?.close();
    this.watchers.delete(id);
  }
}
