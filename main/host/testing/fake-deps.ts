/**
 * Test doubles for the host: a scripted job runner (epochs on a timer, cancellable, or crashing
 * like a dying worker) and tiny data, presets and artefacts. The runner writes its artefacts
 * through the real codec, and the host validates configs and reads artefacts with the real code,
 * so tests see real results. Used by the contract tests of both transports and by the job crash
 * tests; never by the application.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { EpochMetrics } from '../../../shared/api/run-types.ts';
import type { DatasetInfo, EvalArtifacts, PresetInfo } from '../../../shared/api/workbench-api.ts';
import type { ExperimentConfig } from '../../../shared/config/experiment.ts';
import { RelaxCertError } from '../../../shared/errors.ts';
import type { JobEvent, JobSpec } from '../../jobs/protocol.ts';
import { checkpointEpoch } from '../../store/checkpoint-file.ts';
import type { RunStore } from '../../store/run-store.ts';
import { writeEvalArtifacts } from '../../store/eval-artifacts.ts';
import type { HostDeps } from '../host-deps.ts';
import type { JobHandle, JobOutcome, JobRunner } from '../job-runner.ts';

export type JobScript =
  | { kind: 'train'; epochs?: number; stepMs?: number }
  /** Never finishes until cancelled. */
  | { kind: 'hang' }
  /** Emits one epoch, then the "worker" dies: done resolves 'failed' and no failed event. */
  | { kind: 'crash'; message?: string }
  /** submit() itself throws. */
  | { kind: 'throw' };

export function fakeConfig(name = 'fake run', epochs = 3): ExperimentConfig {
  return {
    name,
    dataset: { kind: 'blobs-2d', trainSize: 40, testSize: 6, seed: 1 },
    architecture: { name: 'dense-small' },
    guarantee: {
      kind: 'affinity',
      sets: [
        [0, 1],
        [1, 2],
      ],
    },
    training: {
      epochs,
      batchSize: 8,
      learningRate: '1e-3',
      loss: 'crossentropy',
      epsilon: 0.5,
      powerIterations: 2,
      seed: 1,
    },
  };
}

function metricsFor(epoch: number, config: ExperimentConfig): EpochMetrics {
  return {
    epoch,
    trainLoss: 1 / epoch,
    cleanAccuracy: 0.5,
    estimatedStandardVra: 0.25,
    estimatedGuaranteeVra: 0.4,
    estimatedRejectionRate: 0.5,
    estimatedLipschitz: 2,
    learningRate: 1e-3,
    epsilon: config.training.epsilon,
    seconds: 0.01,
    samplesPerSecond: 1000,
  };
}

/** Six test points of three classes: a mix of certified, rejected and wrong predictions. */
export function fakeArtifacts(runId: string, config: ExperimentConfig): EvalArtifacts {
  const logits = new Float32Array([
    5,
    0,
    0, // certified, correct
    0,
    3,
    2.9, // rejected at ε = 0.5
    0,
    0,
    4, // certified, correct
    1,
    1.2,
    0, // rejected
    0,
    6,
    0, // certified, wrong label
    2,
    2.5,
    0.1, // only the {0,1} set
  ]);
  const c = 3;
  const lipschitz = new Float64Array(c * c);
  for (let j = 0; j < c; j++) for (let i = 0; i < c; i++) lipschitz[j * c + i] = j === i ? 0 : 2;
  return {
    runId,
    n: 6,
    c,
    classNames: ['a', 'b', 'c'],
    logits,
    labels: new Int32Array([0, 1, 2, 1, 0, 0]),
    lipschitz,
    trainedEpsilon: config.training.epsilon,
    guarantee: config.guarantee,
    inputs: new Float32Array([0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5]),
    inputShape: [2],
    // Point 2 is "rejected by the error bound alone" under the float32 claim: margin 4 − 2ε
    // exceeds 0 but not 3.5; under the exact claim (bound 1) it is certified.
    errorBounds: {
      float32: {
        base: new Float64Array([1e-3, 1e-3, 3.5, 1e-3, 1e-3, 1e-3]),
        perEpsilon: new Float64Array(6).fill(1e-4),
      },
      exact: {
        base: new Float64Array([1e-4, 1e-4, 1, 1e-4, 1e-4, 1e-4]),
        perEpsilon: new Float64Array(6).fill(1e-5),
      },
    },
  };
}

export class ScriptedRunner implements JobRunner {
  /** Scripts used in order by successive submits; the last one repeats. */
  scripts: JobScript[];
  readonly submitted: JobSpec[] = [];
  closed = false;
  private next = 0;

  constructor(scripts: JobScript[] = [{ kind: 'train' }]) {
    this.scripts = scripts;
  }

  submit(job: JobSpec, onEvent: (event: JobEvent) => void): JobHandle {
    const script = this.scripts[Math.min(this.next++, this.scripts.length - 1)];
    this.submitted.push(job);
    if (script.kind === 'throw') throw new RelaxCertError('INTERNAL', 'the job manager is down');
    const jobId = `job-${this.submitted.length}`;
    let cancelled = false;
    let wake = () => {};
    const sleep = (ms: number) =>
      new Promise<void>((resolve) => {
        const t = setTimeout(resolve, ms);
        wake = () => {
          clearTimeout(t);
          resolve();
        };
      });
    const run = async (): Promise<JobOutcome> => {
      await sleep(1);
      onEvent({ type: 'backend', jobId, backend: 'fake' });
      if (script.kind === 'hang') {
        while (!cancelled) await sleep(1000);
        onEvent({ type: 'cancelled', jobId });
        return 'cancelled';
      }
      const first =
        job.type === 'train' && job.resume ? ((await checkpointEpoch(job.runDir)) ?? 0) + 1 : 1;
      // An evaluation job trains nothing: no epochs, only new artefacts.
      const epochs =
        job.type === 'evaluate'
          ? 0
          : script.kind === 'train'
            ? (script.epochs ?? job.config.training.epochs)
            : 1;
      for (let epoch = first; epoch <= epochs; epoch++) {
        for (let batch = 0; batch < 2; batch++) {
          onEvent({
            type: 'progress',
            jobId,
            progress: {
              runId: job.runId,
              epoch: epoch - 1,
              batch,
              batchesPerEpoch: 2,
              loss: 1,
              samplesPerSecond: 10,
            },
          });
        }
        onEvent({ type: 'epoch', jobId, metrics: metricsFor(epoch, job.config) });
        await sleep(script.kind === 'train' ? (script.stepMs ?? 2) : 2);
        if (cancelled) {
          onEvent({ type: 'cancelled', jobId });
          return 'cancelled';
        }
      }
      if (script.kind === 'crash') return 'failed';
      onEvent({ type: 'log', jobId, level: 'info', message: 'evaluating' });
      await writeEvalArtifacts(job.runDir, fakeArtifacts(job.runId, job.config));
      onEvent({ type: 'done', jobId });
      return 'done';
    };
    return {
      jobId,
      cancel: () => {
        cancelled = true;
        wake();
      },
      done: run(),
    };
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}

export const FAKE_PRESETS: PresetInfo[] = [
  {
    id: 'fake-preset',
    title: 'Fake preset',
    description: 'for tests',
    config: fakeConfig('preset run'),
  },
];

const FAKE_DATASET: DatasetInfo = {
  kind: 'blobs-2d',
  name: 'Blobs',
  classNames: ['a', 'b', 'c'],
  inputShape: [2],
  trainSize: 40,
  testSize: 6,
  classCounts: [14, 13, 13],
  testClassCounts: [2, 2, 2],
  affinityPresets: [
    {
      name: 'pairs',
      sets: [
        [0, 1],
        [1, 2],
      ],
    },
  ],
  hasThumbnails: false,
};

export function fakeDeps(store: RunStore, runner: JobRunner = new ScriptedRunner()): HostDeps {
  return {
    store,
    runner,
    shell: 'cli',
    presets: () => FAKE_PRESETS,
    data: {
      builtin: () => [{ kind: 'blobs-2d' }],
      inspect: async (spec) => {
        if (spec.kind !== 'blobs-2d') {
          throw new RelaxCertError('NOT_FOUND', `no dataset '${spec.kind}'`, { field: 'kind' });
        }
        return FAKE_DATASET;
      },
      thumbnail: async (_spec, _split, index) => new Uint8Array([137, 80, 78, 71, index & 255]),
    },
    exporter: {
      exportModel: async (_runDir, outDir, request) => {
        const file = join(
          outDir,
          { tfjs: 'model.json', onnx: 'model.onnx', nnet: 'model.nnet' }[request.format],
        );
        await writeFile(file, '{}');
        return [file];
      },
    },
  };
}
