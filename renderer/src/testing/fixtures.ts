/** Test fixtures: run summaries, metrics and a scriptable fake WorkbenchApi. */
import type { EpochMetrics, RunSummary } from '../../../shared/api/run-types.ts';
import { WORKBENCH_METHODS } from '../../../shared/api/workbench-api.ts';
import type {
  EvalArtifacts,
  WorkbenchApi,
  WorkbenchEvent,
} from '../../../shared/api/workbench-api.ts';
import type { ExperimentConfig } from '../../../shared/config/experiment.ts';

export function makeConfig(over: Partial<ExperimentConfig> = {}): ExperimentConfig {
  return {
    name: 'demo',
    dataset: { kind: 'blobs-2d', trainSize: 600, testSize: 300, seed: 1 },
    architecture: { name: 'dense-small' },
    guarantee: { kind: 'standard' },
    training: {
      epochs: 3,
      batchSize: 64,
      learningRate: '1e-3',
      loss: 'crossentropy',
      epsilon: 0.3,
      powerIterations: 2,
      seed: 1,
    },
    ...over,
  };
}

export function makeMetrics(epoch: number, over: Partial<EpochMetrics> = {}): EpochMetrics {
  return {
    epoch,
    trainLoss: 2 / epoch,
    cleanAccuracy: 0.5 + epoch / 100,
    estimatedStandardVra: 0.3 + epoch / 100,
    estimatedRejectionRate: 0.4 - epoch / 100,
    estimatedLipschitz: 3 + epoch,
    learningRate: 1e-3,
    epsilon: 0.3,
    seconds: 1,
    samplesPerSecond: 1000,
    ...over,
  };
}

export function makeRun(id: string, over: Partial<RunSummary> = {}): RunSummary {
  return {
    id,
    name: `run ${id}`,
    state: 'completed',
    createdAt: '2026-11-01T00:00:00Z',
    updatedAt: '2026-11-01T00:00:00Z',
    config: makeConfig(),
    epochsDone: 3,
    evaluated: true,
    ...over,
  };
}

/** Four points, three classes, 2-D inputs; all K_ji = 1 so margins are easy to reason about. */
export function makeArtifacts(over: Partial<EvalArtifacts> = {}): EvalArtifacts {
  const c = 3;
  const lipschitz = new Float64Array(c * c).fill(1);
  for (let i = 0; i < c; i++) lipschitz[i * c + i] = 0;
  return {
    runId: 'r1',
    n: 4,
    c,
    classNames: ['a', 'b', 'c'],
    logits: Float32Array.from([3, 0, 0, 1, 0.9, 0, 0, 0, 5, 0, 2, 1.9]),
    labels: Int32Array.from([0, 1, 2, 1]),
    lipschitz,
    trainedEpsilon: 0.5,
    guarantee: { kind: 'standard' },
    inputs: Float32Array.from([0, 0, 1, 0, 0, 1, 1, 1]),
    inputShape: [2],
    errorBounds: {
      float32: { base: new Float64Array(4), perEpsilon: new Float64Array(4) },
      exact: { base: new Float64Array(4), perEpsilon: new Float64Array(4) },
    },
    ...over,
  };
}

type Handler = (...args: never[]) => unknown;

/** A WorkbenchApi whose methods reject unless a test supplies them; events are pushed by `emit`. */
export function fakeApi(impl: Partial<Record<keyof WorkbenchApi, Handler>> = {}): WorkbenchApi & {
  emit(event: WorkbenchEvent): void;
  calls: { method: string; args: unknown[] }[];
} {
  const listeners = new Set<(e: WorkbenchEvent) => void>();
  const calls: { method: string; args: unknown[] }[] = [];
  const target = {
    calls,
    emit(event: WorkbenchEvent) {
      for (const l of listeners) l(event);
    },
    onEvent(listener: (e: WorkbenchEvent) => void) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  return new Proxy(target, {
    get(t, prop: string) {
      if (prop in t) return (t as Record<string, unknown>)[prop];
      // Only contract methods exist: anything else (e.g. `then`) is undefined, as on a real client.
      if (!(WORKBENCH_METHODS as readonly string[]).includes(prop)) return undefined;
      return async (...args: unknown[]) => {
        calls.push({ method: prop, args });
        const f = impl[prop as keyof WorkbenchApi];
        if (!f) throw new Error(`fake api: ${prop} not implemented`);
        return (f as (...a: unknown[]) => unknown)(...args);
      };
    },
  }) as unknown as WorkbenchApi & { emit(event: WorkbenchEvent): void; calls: typeof calls };
}
