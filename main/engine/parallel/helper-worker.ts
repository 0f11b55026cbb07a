/**
 * The helper replica of data-parallel training (see replica-protocol.ts). It waits on shared
 * memory for each step (Atomics.waitAsync keeps its event loop free for state messages).
 */
import { parentPort, workerData } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs-core';
import { toErrorInfo } from '../../../shared/errors.ts';
import { selectBackend } from '../backend.ts';
import { shareNativeThreads } from '../native/load.ts';
import { Network } from '../model/network.ts';
import { makeGloroHead } from '../heads/gloro-head.ts';
import { Adam } from '../train/adam.ts';
import { lossGradients } from './half-step.ts';
import { predictLogits } from '../train/epoch-metrics.ts';
import { waitFor, writeGradients } from './gradient-exchange.ts';
import { CTRL, SCALAR } from './replica-protocol.ts';
import type { FromHelper, ReplicaInit, ToHelper } from './replica-protocol.ts';

// ES2024 API, present in Node 20 but not in this project's TypeScript lib.
interface WaitAsync {
  waitAsync(
    a: Int32Array,
    index: number,
    value: number,
  ): { async: false; value: string } | { async: true; value: Promise<string> };
}
const atomics = Atomics as unknown as WaitAsync;

const port = parentPort!;
const init = workerData as ReplicaInit;
const post = (m: FromHelper): void => port.postMessage(m);
const ctrl = new Int32Array(init.control);
const scalars = new Float64Array(init.scalars);

try {
  await selectBackend(init.backend);
  shareNativeThreads(2);
  const net = new Network(init.plan, init.seed);
  const vars = net.trainableVariables();
  const adam = new Adam(vars, net.trainableKeys(), init.adam);
  const head = makeGloroHead(init.head);
  const layout = adam.layout;
  const mid = Math.floor(layout.total / 2);
  const g0 = new Float32Array(init.gradients, 0, init.gradientLength);
  const g1 = new Float32Array(init.gradients, init.gradientLength * 4, init.gradientLength);
  const size = init.plan.inputShape.reduce((a, b) => a * b, 1);
  const xs = new Float32Array(init.x);
  const ys = new Int32Array(init.y);
  let lastSeq = Atomics.load(ctrl, CTRL.seq);

  const step = (seq: number): void => {
    const m = Atomics.load(ctrl, CTRL.helperPoints);
    const lambda = scalars[SCALAR.lambda];
    net.powerIterate(init.powerIterations);
    if (m > 0) {
      const { loss, grads } = lossGradients(
        net,
        head,
        xs.slice(0, m * size),
        ys.slice(0, m),
        m,
        scalars[SCALAR.epsilon],
        Number.isNaN(lambda) ? undefined : lambda,
      );
      writeGradients(grads, g1, layout);
      scalars[SCALAR.helperLoss] = loss.dataSync()[0];
      tf.dispose([loss, ...grads]);
    }
    Atomics.store(ctrl, CTRL.helperDone, seq);
    Atomics.notify(ctrl, CTRL.helperDone);
    const stopped = (): string | undefined =>
      Atomics.load(ctrl, CTRL.stop) !== 0 ? 'stopped' : undefined;
    waitFor(ctrl, CTRL.coordDone, seq, stopped);
    // The second half of the parameters is ours to update.
    adam.step++;
    const [w0, w1] = [scalars[SCALAR.weight0], scalars[SCALAR.weight1]];
    adam.updateCombined(g0, g1, w0, w1, scalars[SCALAR.learningRate], adam.step, mid, layout.total);
    Atomics.store(ctrl, CTRL.helperUpdated, seq);
    Atomics.notify(ctrl, CTRL.helperUpdated);
    waitFor(ctrl, CTRL.coordUpdated, seq, stopped);
    adam.push();
  };

  const loop = async (): Promise<void> => {
    for (;;) {
      const waited = atomics.waitAsync(ctrl, CTRL.seq, lastSeq);
      if (waited.async) await waited.value;
      if (Atomics.load(ctrl, CTRL.stop) !== 0) return;
      const seq = Atomics.load(ctrl, CTRL.seq);
      if (seq === lastSeq) continue;
      lastSeq = seq;
      step(seq);
    }
  };

  port.on('message', (message: ToHelper) => {
    void (async () => {
      try {
        if (message.type === 'sync') {
          // Weights and moments are already in the shared buffers; iterates and the step come here.
          net.importArrays(message.arrays);
          adam.step = message.adamStep;
          post({ type: 'synced' });
        } else if (message.type === 'predict') {
          const logits = predictLogits(net, message.split, message.batch);
          port.postMessage({ type: 'predicted', logits } satisfies FromHelper, [
            logits.buffer as ArrayBuffer,
          ]);
        } else if (message.type === 'export') {
          const arrays = [...(await net.exportArrays()), ...(await adam.exportArrays())];
          post({ type: 'exported', arrays, adamStep: adam.step });
        }
      } catch (error) {
        post({ type: 'error', error: toErrorInfo(error) });
      }
    })();
  });
  post({ type: 'ready' });
  loop().then(
    () => port.close(),
    (error) => {
      Atomics.store(ctrl, CTRL.failed, 1);
      Atomics.notify(ctrl, CTRL.helperDone);
      post({ type: 'error', error: toErrorInfo(error) });
    },
  );
} catch (error) {
  Atomics.store(ctrl, CTRL.failed, 1);
  post({ type: 'error', error: toErrorInfo(error) });
}
