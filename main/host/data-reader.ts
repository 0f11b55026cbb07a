/**
 * The host's side of the data worker (data-worker.ts): inspection and thumbnails are sent to
 * one worker thread and answered by message, so no data file is ever read on the main thread.
 * A request that runs longer than the time limit (a path that blocks in the kernel) is
 * answered with an error and the worker is replaced; the requests queued behind it move on to
 * the new one. The limit counts from when the worker begins the request.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { DatasetInfo } from '../../shared/api/workbench-api.ts';
import type { DatasetSpec } from '../../shared/config/experiment.ts';
import { fromErrorInfo, RelaxCertError } from '../../shared/errors.ts';
import type { DataReply, DataRequest, DataStarted } from './data-worker-protocol.ts';
import type { HostData } from './host-deps.ts';

/** Decoding a 100k-image folder takes minutes on two cores; longer than this is a stuck read. */
export const DATA_REQUEST_LIMIT_MS = 10 * 60 * 1000;

function workerEntry(): URL {
  const bundled = new URL('./data-worker.js', import.meta.url);
  if (existsSync(fileURLToPath(bundled))) return bundled;
  return new URL('./data-worker-entry.mjs', import.meta.url);
}

type Body = DataRequest extends infer R ? (R extends DataRequest ? Omit<R, 'id'> : never) : never;

interface Pending {
  request: DataRequest;
  resolve(reply: DataReply): void;
  reject(error: Error): void;
  timer?: NodeJS.Timeout;
}

export class DataReader implements Omit<HostData, 'builtin'> {
  private worker?: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private closed = false;
  private readonly limitMs: number;

  constructor(options: { limitMs?: number } = {}) {
    this.limitMs = options.limitMs ?? DATA_REQUEST_LIMIT_MS;
  }

  async inspect(spec: DatasetSpec): Promise<DatasetInfo> {
    const reply = await this.send({ op: 'inspect', spec });
    if (!('info' in reply)) throw new Error('data worker: inspect answered without info');
    return reply.info;
  }

  async thumbnail(spec: DatasetSpec, split: 'train' | 'test', index: number): Promise<Uint8Array> {
    const reply = await this.send({ op: 'thumbnail', spec, split, index });
    if (!('png' in reply)) throw new Error('data worker: thumbnail answered without an image');
    return reply.png;
  }

  async close(): Promise<void> {
    this.closed = true;
    const worker = this.worker;
    this.worker = undefined;
    for (const p of this.pending.values()) {
      clearTimeout(p.timer);
      p.reject(new RelaxCertError('CONFLICT', 'the workbench is shutting down'));
    }
    this.pending.clear();
    // A thread blocked in a read cannot be joined; terminating is requested, not awaited.
    if (worker) void worker.terminate();
  }

  private send(body: Body): Promise<DataReply> {
    if (this.closed) throw new RelaxCertError('CONFLICT', 'the workbench is shutting down');
    const request = { ...body, id: this.nextId++ } as DataRequest;
    return new Promise<DataReply>((resolve, reject) => {
      const p: Pending = { request, resolve, reject };
      this.pending.set(request.id, p);
      this.post(p);
    }).then((reply) => {
      if (!reply.ok) throw fromErrorInfo(reply.error);
      return reply;
    });
  }

  private post(p: Pending): void {
    const worker = this.ensureWorker();
    worker.ref();
    clearTimeout(p.timer);
    p.timer = undefined;
    worker.postMessage(p.request);
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(workerEntry());
    this.worker = worker;
    worker.on('message', (reply: DataReply | DataStarted) => {
      const p = this.pending.get(reply.id);
      if (p === undefined) return;
      if ('started' in reply) {
        p.timer = setTimeout(() => this.expire(p), this.limitMs);
        p.timer.unref();
        return;
      }
      this.pending.delete(reply.id);
      clearTimeout(p.timer);
      if (this.pending.size === 0) worker.unref();
      p.resolve(reply);
    });
    const died = (why: string) => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      for (const p of this.pending.values()) {
        clearTimeout(p.timer);
        p.reject(new RelaxCertError('INTERNAL', `data worker stopped: ${why}`));
      }
      this.pending.clear();
    };
    worker.on('error', (e) => died(e.message));
    worker.on('exit', (code) => died(`exit code ${code}`));
    return worker;
  }

  /** The request is stuck: answer it, replace the worker, hand the others to the new one. */
  private expire(p: Pending): void {
    if (!this.pending.has(p.request.id)) return;
    this.pending.delete(p.request.id);
    const path = p.request.spec.path ?? p.request.spec.kind;
    p.reject(
      new RelaxCertError(
        'INVALID_INPUT',
        `reading ${path} took longer than ${seconds(this.limitMs)} and was abandoned`,
        { field: 'dataset.path', file: p.request.spec.path },
      ),
    );
    const stuck = this.worker;
    this.worker = undefined;
    if (stuck) {
      stuck.removeAllListeners();
      stuck.on('error', () => {});
      void stuck.terminate();
    }
    for (const other of this.pending.values()) this.post(other);
  }
}

function seconds(ms: number): string {
  return ms >= 10_000 ? `${Math.round(ms / 1000)} s` : `${(ms / 1000).toFixed(1)} s`;
}
