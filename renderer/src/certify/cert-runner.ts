/** Where re-certification runs: a Web Worker in the app, in-process in unit tests. */
import {
  Recertifier,
  type CertData,
  type CsvRequest,
  type ExplainRequest,
  type RecertifyRequest,
  type RecertifyResult,
} from './recertify.ts';
import type { PointExplanation } from '../../../shared/certify/index.ts';

export interface CertRunner {
  load(data: CertData): Promise<void>;
  run(request: RecertifyRequest): Promise<RecertifyResult>;
  /** Why point i is certified with its set, or rejected (the session's explain). */
  explain(request: ExplainRequest): Promise<PointExplanation>;
  /** The chosen points as CSV, written by the shared point table. */
  pointsCsv(request: CsvRequest): Promise<string>;
  dispose(): void;
}

export function inProcessRunner(): CertRunner {
  const r = new Recertifier();
  return {
    // structuredClone mimics the worker boundary, so reactive proxies fail here as they would there.
    async load(data) {
      r.load(structuredClone(data));
    },
    async run(request) {
      return r.run(structuredClone(request));
    },
    async explain(request) {
      return structuredClone(r.explain(structuredClone(request)));
    },
    async pointsCsv(request) {
      return r.pointsCsv(structuredClone(request));
    },
    dispose() {},
  };
}

type Body =
  | { type: 'load'; data: CertData }
  | { type: 'run'; request: RecertifyRequest }
  | { type: 'explain'; request: ExplainRequest }
  | { type: 'csv'; request: CsvRequest };

export type WorkerMessage = Body & { id: number };

export type WorkerReply =
  | { id: number; ok: true; result?: RecertifyResult | PointExplanation | string }
  | { id: number; ok: false; error: { message: string; code?: string } };

/** The transferable buffers of a result, so 100,000-point arrays move instead of copying. */
export function resultTransfer(r: RecertifyResult): ArrayBuffer[] {
  const list = [r.predicted, r.order, r.kStar, r.certified, r.margin, r.error, r.radius];
  if (r.regions) list.push(r.regions.cls as never, r.regions.rejected as never);
  return list.map((a) => a.buffer as ArrayBuffer);
}

/** A runner backed by a module worker; requests resolve in order. */
export function workerRunner(worker: Worker): CertRunner {
  let nextId = 1;
  type Result = RecertifyResult | PointExplanation | string | undefined;
  const pending = new Map<number, { resolve(v: Result): void; reject(e: Error): void }>();
  worker.addEventListener('message', (event: MessageEvent<WorkerReply>) => {
    const reply = event.data;
    const p = pending.get(reply.id);
    if (!p) return;
    pending.delete(reply.id);
    if (reply.ok) p.resolve(reply.result);
    else {
      const e = new Error(reply.error.message) as Error & { code?: string };
      e.code = reply.error.code;
      p.reject(e);
    }
  });
  worker.addEventListener('error', (event) => {
    for (const p of pending.values())
      p.reject(new Error(`certification worker failed: ${event.message}`));
    pending.clear();
  });
  function send(msg: Body, transfer: Transferable[] = []): Promise<Result> {
    const id = nextId++;
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject });
      worker.postMessage({ ...msg, id }, transfer);
    });
  }
  return {
    async load(data) {
      // Copies, transferred: the page keeps its own arrays (the point table reads logits and
      // inputs) and the worker gets its copies without a second structured-clone copy.
      const copy: CertData = {
        ...data,
        logits: data.logits.slice(),
        labels: data.labels.slice(),
        lipschitz: data.lipschitz.slice(),
        inputs: data.inputs?.slice(),
        inputShape: [...data.inputShape],
      };
      const transfer = [copy.logits.buffer, copy.labels.buffer, copy.lipschitz.buffer];
      if (copy.inputs) transfer.push(copy.inputs.buffer);
      await send({ type: 'load', data: copy }, transfer as ArrayBuffer[]);
    },
    async run(request) {
      const r = await send({ type: 'run', request });
      if (!r) throw new Error('certification worker returned no result');
      return r as RecertifyResult;
    },
    async explain(request) {
      const r = await send({ type: 'explain', request });
      if (!r) throw new Error('certification worker returned no explanation');
      return r as PointExplanation;
    },
    async pointsCsv(request) {
      const r = await send({ type: 'csv', request });
      if (typeof r !== 'string') throw new Error('certification worker returned no CSV');
      return r;
    },
    dispose() {
      worker.terminate();
    },
  };
}
