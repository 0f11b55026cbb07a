/**
 * A thread of the float64 evaluation (float64-parallel.ts): receives the network once, then
 * chunks of float32 input rows, and answers each with its logits and measurements.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { exactLogitsWithMeasurements, float64Network } from './float64-pass.ts';
import type { Float64Chunk, Float64Init } from './float64-parallel.ts';

const port = parentPort!;
const init = workerData as Float64Init;
// The weights are converted once; then every chunk runs on them.
const net = float64Network(init.plan, (index) => init.weights[index]);

port.on('message', (chunk: Float64Chunk) => {
  const split = { n: chunk.n, x: chunk.x, y: new Int32Array(chunk.n) };
  const m = exactLogitsWithMeasurements(net, split, init.spec);
  const buffers = [m.logits, m.lastSums, ...m.hiddenNorms, ...m.inputMaxAbs].map(
    (a) => a.buffer as ArrayBuffer,
  );
  port.postMessage({ first: chunk.first, m }, buffers);
});
