/** Host lifecycle beyond the contract: jobs that crash, shutdown, resume from a checkpoint. */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { JobEvent, JobSpec } from '../jobs/protocol.ts';
import { saveCheckpoint } from '../store/checkpoint-file.ts';
import { RunStore } from '../store/run-store.ts';
import type { JobHandle, JobRunner } from './job-runner.ts';
import { fakeConfig, fakeDeps, ScriptedRunner } from './testing/fake-deps.ts';
import { WorkbenchHost } from './workbench-host.ts';

/** Writes an (empty-weights) checkpoint of `epoch` with the engine's own codec. */
async function writeCheckpointHeader(runDir: string, epoch: number): Promise<void> {
  await saveCheckpoint(runDir, { epoch, adamStep: 1, rngState: [], planKey: 'x', arrays: [] });
}

describe('WorkbenchHost jobs', () => {
  let home: string;
  let store: RunStore;
  beforeEach(async () => {
    home = await mkdtemp(join(tmpdir(), 'relaxcert-host-'));
    store = await RunStore.open(home);
  });
  afterEach(() => rm(home, { recursive: true, force: true }));

  it('a job whose worker dies marks its run failed, and the next job still runs', async () => {
    const runner = new ScriptedRunner([{ kind: 'crash' }, { kind: 'train' }]);
    const host = new WorkbenchHost(fakeDeps(store, runner));
    const a = await host.createRun(fakeConfig('crashes', 3));
    const b = await host.createRun(fakeConfig('survives', 2));
    await host.startRun(a.id);
    const failed = await host.settled(a.id);
    expect(failed.state).toBe('failed');
    expect(failed.error).toBeTruthy();
    expect(failed.epochsDone).toBe(1);
    await host.startRun(b.id);
    const ok = await host.settled(b.id);
    expect(ok.state).toBe('completed');
    expect(ok.epochsDone).toBe(2);
    // The failed run can be resumed.
    await host.resumeRun(a.id);
    expect((await host.settled(a.id)).state).toBe('completed');
    await host.close();
  });

  it('listing notices runs whose (other) process died after the store was opened', async () => {
    const deadStore = await RunStore.open(home, { isAlive: () => false });
    const host = new WorkbenchHost(fakeDeps(deadStore, new ScriptedRunner()));
    const run = await host.createRun(fakeConfig('elsewhere'));
    await deadStore.update(run.id, { state: 'running', pid: process.pid + 1 });
    expect((await host.getRun(run.id)).state).toBe('running');
    const [listed] = await host.listRuns();
    expect(listed.state).toBe('interrupted');
    await host.close();
  });

  it('a failed event stores the error message and logs it', async () => {
    const runner: JobRunner = {
      submit(job: JobSpec, onEvent: (e: JobEvent) => void): JobHandle {
        const done = (async () => {
          await new Promise((r) => setTimeout(r, 1));
          onEvent({ type: 'backend', jobId: 'j', backend: 'cpu' });
          onEvent({
            type: 'failed',
            jobId: 'j',
            error: { code: 'INTERNAL', message: `worker exited with code 7 (${job.runId})` },
          });
          return 'failed' as const;
        })();
        return { jobId: 'j', cancel() {}, done };
      },
      close: async () => {},
    };
    const host = new WorkbenchHost(fakeDeps(store, runner));
    const run = await host.createRun(fakeConfig());
    await host.startRun(run.id);
    const failed = await host.settled(run.id);
    expect(failed.state).toBe('failed');
    expect(failed.error).toBe(`worker exited with code 7 (${run.id})`);
    expect(await store.log(run.id)).toContain('worker exited with code 7');
    await host.close();
  });

  it('a runner that refuses the job fails the run and reports the error', async () => {
    const host = new WorkbenchHost(fakeDeps(store, new ScriptedRunner([{ kind: 'throw' }])));
    const run = await host.createRun(fakeConfig());
    await expect(host.startRun(run.id)).rejects.toThrow('the job manager is down');
    const r = await host.getRun(run.id);
    expect(r.state).toBe('failed');
    expect(r.error).toBe('the job manager is down');
    await host.close();
  });

  it('closing marks training runs interrupted; resume restarts from the checkpoint epoch', async () => {
    const runner = new ScriptedRunner([{ kind: 'hang' }, { kind: 'train' }]);
    const host = new WorkbenchHost(fakeDeps(store, runner));
    const run = await host.createRun(fakeConfig('long', 4));
    await host.startRun(run.id);
    // Pretend the engine got through three epochs and checkpointed after the second.
    for (let e = 1; e <= 3; e++) {
      await store.appendMetrics(run.id, { ...(await metricsLike(e)) });
    }
    await writeCheckpointHeader(store.runDir(run.id), 2);
    await host.close();
    expect(runner.closed).toBe(true);
    const interrupted = await store.get(run.id);
    expect(interrupted.state).toBe('interrupted');

    const host2 = new WorkbenchHost(fakeDeps(await RunStore.open(home), runner));
    await host2.resumeRun(run.id);
    const job = runner.submitted.at(-1);
    expect(job?.type === 'train' && job.resume).toBe(true);
    expect((await store.metrics(run.id)).map((m) => m.epoch)).toEqual([1, 2]);
    await host2.settled(run.id);
    expect((await store.metrics(run.id)).map((m) => m.epoch)).toEqual([1, 2, 3, 4]);
    expect(await readFile(join(store.runDir(run.id), 'log.txt'), 'utf8')).toContain(
      'resuming from the checkpoint of epoch 2',
    );
    await host2.close();
  });
});

async function metricsLike(epoch: number) {
  return {
    epoch,
    trainLoss: 1,
    cleanAccuracy: 0.5,
    estimatedStandardVra: 0.2,
    estimatedRejectionRate: 0.5,
    estimatedLipschitz: 1,
    learningRate: 1e-3,
    epsilon: 0.5,
    seconds: 0.1,
    samplesPerSecond: 10,
  };
}
