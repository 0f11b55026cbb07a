/**
 * The data worker thread: every data-set read the host does (inspection, thumbnails) happens
 * here, never on the main thread, so a slow or hostile path can stall this thread but not the
 * server's HTTP and WebSocket or Electron's window. Loaded sets stay cached for thumbnails.
 */
import { parentPort } from 'node:worker_threads';
import type { DatasetSpec } from '../../shared/config/experiment.ts';
import { RelaxCertError, toErrorInfo } from '../../shared/errors.ts';
import { inspectDataset, loadDataset } from '../data/load-dataset.ts';
import type { LoadedDataset } from '../data/types.ts';
import type { DataReply, DataRequest, DataStarted } from './data-worker-protocol.ts';

const port = parentPort;
if (port === null) throw new Error('data-worker.ts must run in a worker thread');

/** Loaded image sets kept for the point browser: two at most (they can be hundreds of MB). */
const CACHED_SETS = 2;
const loaded = new Map<string, Promise<LoadedDataset>>();

function load(spec: DatasetSpec): Promise<LoadedDataset> {
  const key = JSON.stringify(spec);
  let hit = loaded.get(key);
  if (hit) {
    loaded.delete(key);
  } else {
    hit = loadDataset(spec);
    hit.catch(() => loaded.delete(key));
  }
  loaded.set(key, hit);
  while (loaded.size > CACHED_SETS) loaded.delete(loaded.keys().next().value as string);
  return hit;
}

async function thumbnail(
  spec: DatasetSpec,
  split: 'train' | 'test',
  index: number,
): Promise<Uint8Array> {
  const dataset = await load(spec);
  if (!dataset.thumbnail) {
    throw new RelaxCertError('INVALID_INPUT', `${dataset.name} has no images to show`, {
      field: 'dataset.kind',
    });
  }
  const n = dataset[split].n;
  if (index >= n) {
    throw new RelaxCertError(
      'INVALID_INPUT',
      `index ${index} is past the end of the ${split} split (${n} points)`,
      { field: 'index' },
    );
  }
  return dataset.thumbnail(split, index);
}

port.on('message', (request: DataRequest) => {
  void (async () => {
    let reply: DataReply;
    port.postMessage({ id: request.id, started: true } satisfies DataStarted);
    try {
      if (request.op === 'inspect') {
        reply = { id: request.id, ok: true, info: await inspectDataset(request.spec) };
      } else {
        const png = await thumbnail(request.spec, request.split, request.index);
        reply = { id: request.id, ok: true, png };
      }
    } catch (error) {
      reply = { id: request.id, ok: false, error: toErrorInfo(error) };
    }
    port.postMessage(reply);
  })();
});
