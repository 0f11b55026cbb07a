/// <reference lib="webworker" />
/**
 * Re-certification off the UI thread: 100,000 points × C classes would block the page for
 * longer than a frame budget allows, so the ε slider and affinity edits post here.
 */
import { Recertifier } from '../certify/recertify.ts';
import { resultTransfer, type WorkerMessage, type WorkerReply } from '../certify/cert-runner.ts';

const scope = self as unknown as DedicatedWorkerGlobalScope;
const recertifier = new Recertifier();

scope.addEventListener('message', (event: MessageEvent<WorkerMessage>) => {
  const msg = event.data;
  try {
    if (msg.type === 'load') {
      recertifier.load(msg.data);
      scope.postMessage({ id: msg.id, ok: true } satisfies WorkerReply);
    } else if (msg.type === 'csv') {
      const result = recertifier.pointsCsv(msg.request);
      scope.postMessage({ id: msg.id, ok: true, result } satisfies WorkerReply);
    } else if (msg.type === 'explain') {
      const result = recertifier.explain(msg.request);
      scope.postMessage({ id: msg.id, ok: true, result } satisfies WorkerReply);
    } else {
      const result = recertifier.run(msg.request);
      scope.postMessage(
        { id: msg.id, ok: true, result } satisfies WorkerReply,
        resultTransfer(result),
      );
    }
  } catch (e) {
    const error =
      e instanceof Error
        ? { message: e.message, code: (e as Error & { code?: string }).code }
        : { message: String(e) };
    scope.postMessage({ id: msg.id, ok: false, error } satisfies WorkerReply);
  }
});
