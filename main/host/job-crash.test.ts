/**
 * A real engine worker dies mid-training (the job manager's worker thread is terminated as a
 * crash would): the run is marked failed with the error, and the next run trains normally on
 * a fresh worker.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { getPreset } from '../../shared/config/presets.ts';
import type { ExperimentConfig } from '../../shared/config/experiment.ts';
import { crashableJobManager } from '../jobs/testing/crashable-jobs.ts';
import { createWorkbenchHost } from './create-host.ts';

function blobs(epochs: number, trainSize: number): ExperimentConfig {
  const config = structuredClone(getPreset('demo-blobs-affinity').config);
  config.training.epochs = epochs;
  config.dataset.trainSize = trainSize;
  config.dataset.testSize = 100;
  return config;
}

describe('job crash', () => {
  let home = '';
  afterAll(() => rm(home, { recursive: true, force: true }));

  it('a dying worker fails its run with the error; the next run still completes', async () => {
    home = await mkdtemp(join(tmpdir(), 'relaxcert-jobcrash-'));
    const { manager, crashWorker } = crashableJobManager();
    const host = await createWorkbenchHost({ shell: 'cli', home, runner: manager });
    try {
      const doomed = await host.createRun(blobs(50, 3000));
      const firstEpoch = new Promise<void>((resolve) => {
        const off = host.onEvent((e) => {
          if (e.type === 'epoch' && e.runId === doomed.id) {
            off();
            resolve();
          }
        });
      });
      await host.startRun(doomed.id);
      await firstEpoch;
      await crashWorker();
      const failed = await host.settled(doomed.id);
      expect(failed.state).toBe('failed');
      expect(failed.error).toMatch(/engine worker stopped/);
      expect(failed.epochsDone).toBeGreaterThanOrEqual(1);
      expect(await host.store.log(doomed.id)).toMatch(/ERROR engine worker stopped/);

      const next = await host.createRun(blobs(1, 300));
      await host.startRun(next.id);
      const ok = await host.settled(next.id);
      expect(ok.state, ok.error).toBe('completed');
      expect(ok.evaluated).toBe(true);
    } finally {
      await host.close();
    }
  });
});
