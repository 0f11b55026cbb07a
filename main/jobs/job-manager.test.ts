import { afterAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JobManager } from './job-manager.ts';
import { crashableJobManager } from './testing/crashable-jobs.ts';
import type { JobEvent, JobSpec } from './protocol.ts';
import type { ExperimentConfig } from '../../shared/config/experiment.ts';
import { readEvalArtifacts } from '../store/eval-artifacts.ts';
import { certify, toCertGuarantee } from '../../shared/certify/index.ts';
import { packageInstalled } from '../engine/testing/package-installed.ts';

const dirs: string[] = [];
async function runDir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'rc-job-'));
  dirs.push(d);
  return d;
}
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

function config(epochs: number, overrides: Partial<ExperimentConfig> = {}): ExperimentConfig {
  return {
    name: 'blobs',
    dataset: { kind: 'blobs-2d', trainSize: 600, testSize: 240, seed: 3 },
    architecture: { name: 'dense-small', width: 32, depth: 2 },
    guarantee: {
      kind: 'affinity',
      sets: [
        [0, 1, 2],
        [3, 4, 5],
        [6, 7, 8],
        [9, 10, 11],
      ],
    },
    training: {
      epochs,
      batchSize: 64,
      learningRate: '3e-3',
      loss: 'crossentropy',
      epsilon: 0.3,
      powerIterations: 2,
      seed: 5,
    },
    ...overrides,
  };
}

function collect(
  manager: JobManager,
  job: JobSpec,
): { events: JobEvent[]; handle: ReturnType<JobManager['submit']> } {
  const events: JobEvent[] = [];
  const handle = manager.submit(job, (e) => events.push(e));
  return { events, handle };
}

describe('JobManager with a WASM worker', () => {
  const { manager, crashWorker } = crashableJobManager({ backend: 'wasm' });
  afterAll(() => manager.close());

  it('trains, reports backend, progress and epochs, and writes sound eval artefacts', async () => {
    const dir = await runDir();
    const { events, handle } = collect(manager, {
      type: 'train',
      runId: 'r1',
      runDir: dir,
      config: config(2),
      resume: false,
    });
    expect(await handle.done).toBe('done');
    expect(events[0]).toMatchObject({ type: 'backend', backend: expect.stringContaining('wasm') });
    expect(events.filter((e) => e.type === 'progress').length).toBe(2 * Math.ceil(600 / 64));
    const epochs = events.flatMap((e) => (e.type === 'epoch' ? [e.metrics] : []));
    expect(epochs.map((m) => m.epoch)).toEqual([1, 2]);
    expect(epochs[1].estimatedGuaranteeVra).toBeGreaterThan(0);
    expect(events.at(-1)).toMatchObject({ type: 'done', jobId: handle.jobId });
    const a = await readEvalArtifacts(dir);
    expect([a.n, a.c, a.inputs?.length]).toEqual([240, 12, 480]);
    const out = certify(
      {
        logits: a.logits,
        n: a.n,
        c: a.c,
        lipschitz: a.lipschitz,
        epsilon: a.trainedEpsilon,
        errorBound: a.errorBounds.float32,
      },
      toCertGuarantee(a.guarantee, a.c),
    );
    expect(out.certified.reduce((s, v) => s + v, 0)).toBeGreaterThan(0);

    // The evaluation job rebuilds the same artefacts from the checkpoint.
    const again = collect(manager, {
      type: 'evaluate',
      runId: 'r1',
      runDir: dir,
      config: config(2),
    });
    expect(await again.handle.done).toBe('done');
    const b = await readEvalArtifacts(dir);
    expect(b.logits).toEqual(a.logits);
    expect(b.lipschitz).toEqual(a.lipschitz);
  });

  it('cancels within a batch and stays usable; a throwing job fails alone', async () => {
    const dir = await runDir();
    const long = collect(manager, {
      type: 'train',
      runId: 'r2',
      runDir: dir,
      config: config(500),
      resume: false,
    });
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        if (long.events.some((e) => e.type === 'progress')) {
          clearInterval(timer);
          resolve();
        }
      }, 5);
    });
    long.handle.cancel();
    expect(await long.handle.done).toBe('cancelled');
    const progressAfter = long.events.filter((e) => e.type === 'progress').length;
    expect(progressAfter).toBeLessThan(2 * Math.ceil(600 / 64));

    const bad = collect(manager, {
      type: 'train',
      runId: 'r3',
      runDir: dir,
      config: config(1, { architecture: { name: 'dense-small', width: 3 } }),
      resume: false,
    });
    expect(await bad.handle.done).toBe('failed');
    expect(bad.events.at(-1)).toMatchObject({
      type: 'failed',
      error: { code: 'INVALID_CONFIG', field: 'architecture.width' },
    });

    const evalJob = collect(manager, {
      type: 'evaluate',
      runId: 'r2',
      runDir: await runDir(),
      config: config(1),
    });
    expect(await evalJob.handle.done).toBe('failed');
    expect(evalJob.events.at(-1)).toMatchObject({ type: 'failed', error: { code: 'NOT_FOUND' } });

    const ok = collect(manager, {
      type: 'train',
      runId: 'r4',
      runDir: await runDir(),
      config: config(1),
      resume: false,
    });
    expect(await ok.handle.done).toBe('done');
  });

  it('a crashed worker fails its job and is replaced', async () => {
    const crashing = collect(manager, {
      type: 'train',
      runId: 'r5',
      runDir: await runDir(),
      config: config(500),
      resume: false,
    });
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        if (crashing.events.some((e) => e.type === 'progress')) {
          clearInterval(timer);
          resolve();
        }
      }, 5);
    });
    await crashWorker();
    expect(await crashing.handle.done).toBe('failed');
    expect(crashing.events.at(-1)).toMatchObject({ type: 'failed', error: { code: 'INTERNAL' } });
    const after = collect(manager, {
      type: 'train',
      runId: 'r6',
      runDir: await runDir(),
      config: config(1),
      resume: false,
    });
    expect(await after.handle.done).toBe('done');
  });
});

describe('JobManager backend selection', () => {
  // tfjs-node-gpu is an optional dependency, usually not installed.
  it.skipIf(packageInstalled('@tensorflow/tfjs-node-gpu'))(
    'a forced backend that cannot load fails with BACKEND_UNAVAILABLE',
    async () => {
      const manager = new JobManager({ backend: 'gpu' });
      try {
        const { events, handle } = collect(manager, {
          type: 'evaluate',
          runId: 'x',
          runDir: await runDir(),
          config: config(1),
        });
        expect(await handle.done).toBe('failed');
        expect(events.at(-1)).toMatchObject({
          type: 'failed',
          error: { code: 'BACKEND_UNAVAILABLE' },
        });
      } finally {
        await manager.close();
      }
    },
  );
});
