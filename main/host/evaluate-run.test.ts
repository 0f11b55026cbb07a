/** evaluateRun: the evaluation job again on a completed run's checkpoint, and only then. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RunStore } from '../store/run-store.ts';
import { fakeConfig, fakeDeps, ScriptedRunner } from './testing/fake-deps.ts';
import { WorkbenchHost } from './workbench-host.ts';

describe('WorkbenchHost.evaluateRun', () => {
  let home: string;
  let store: RunStore;
  beforeEach(async () => {
    home = await mkdtemp(join(tmpdir(), 'relaxcert-eval-'));
    store = await RunStore.open(home);
  });
  afterEach(() => rm(home, { recursive: true, force: true }));

  it('submits an evaluate job for a completed run and leaves it completed, metrics untouched', async () => {
    const runner = new ScriptedRunner();
    const host = new WorkbenchHost(fakeDeps(store, runner));
    const run = await host.createRun(fakeConfig('done', 2));
    await host.startRun(run.id);
    expect((await host.settled(run.id)).state).toBe('completed');
    const metricsBefore = await host.getMetrics(run.id);

    const queued = await host.evaluateRun(run.id);
    expect(queued.state).toBe('queued');
    const after = await host.settled(run.id);
    expect(after.state).toBe('completed');
    expect(after.evaluated).toBe(true);
    expect(runner.submitted.map((j) => j.type)).toEqual(['train', 'evaluate']);
    expect(runner.submitted[1]).toEqual({
      type: 'evaluate',
      runId: run.id,
      runDir: store.runDir(run.id),
      config: run.config,
    });
    expect(await host.getMetrics(run.id)).toEqual(metricsBefore);
    await host.close();
  });

  it('refuses a run that is not completed, naming its state', async () => {
    const host = new WorkbenchHost(fakeDeps(store, new ScriptedRunner()));
    const run = await host.createRun(fakeConfig('new'));
    await expect(host.evaluateRun(run.id)).rejects.toMatchObject({
      code: 'CONFLICT',
      field: 'runId',
      message: expect.stringContaining('is created; only a completed run is evaluated'),
    });
    await expect(host.evaluateRun('../x')).rejects.toMatchObject({ field: 'runId' });
    await host.close();
  });
});
