/**
 * "Repeat with N seeds" through the host API, with the real job manager and engine on a tiny
 * generated set: the finished run becomes the first seed's cell, a stop in the middle of the
 * second cell leaves a resumable sweep, a fresh host (as after a restart) resumes it, and the
 * API's mean ± std is the results.json the sweep writes.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SweepSummary, WorkbenchEvent } from '../../shared/api/workbench-api.ts';
import type { ExperimentConfig } from '../../shared/config/experiment.ts';
import { getPreset } from '../../shared/config/presets.ts';
import { RelaxCertError } from '../../shared/errors.ts';
import { meanStd } from '../../shared/sweep/aggregate.ts';
import { createWorkbenchHost } from './create-host.ts';

/**
 * Epochs of each run: the stop is asked for after the second cell's first epoch and reaches
 * the engine a few epochs of this tiny set later (three were not always enough), so the run
 * must be long enough to be stopped in the middle.
 */
const EPOCHS = 10;

function tinyConfig(): ExperimentConfig {
  const config = structuredClone(getPreset('demo-blobs-standard').config);
  config.name = 'tiny blobs';
  config.dataset = { ...config.dataset, trainSize: 240, testSize: 80 };
  config.architecture = { name: 'dense-small', width: 8, depth: 1 };
  config.training.epochs = EPOCHS;
  config.training.seed = 4;
  return config;
}

async function rejection(p: Promise<unknown>): Promise<RelaxCertError> {
  const error = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(RelaxCertError);
  return error as RelaxCertError;
}

describe('sweeps through the host API', () => {
  let home: string;
  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'relaxcert-sweep-api-'));
  });
  afterAll(() => rm(home, { recursive: true, force: true }));

  it('repeats a run with 3 seeds, stops, resumes after a restart, and reports results.json', async () => {
    const first = await createWorkbenchHost({ shell: 'cli', home });
    const source = await first.createRun(tinyConfig());
    await first.startRun(source.id);
    expect((await first.settled(source.id)).state).toBe('completed');

    // Bad requests are refused before anything is recorded.
    expect((await rejection(first.startSweep({ runId: source.id, seeds: 1 }))).field).toBe('seeds');
    expect((await rejection(first.getSweep('sweep-none'))).code).toBe('NOT_FOUND');
    expect(await first.listSweeps()).toEqual([]);

    const events: SweepSummary[] = [];
    let sweepId = '';
    const off = first.onEvent((event: WorkbenchEvent) => {
      if (event.type !== 'sweep-state') return;
      events.push(event.sweep);
      // Stop once the second seed's run has trained an epoch.
      const second = event.sweep.cells[1].runId;
      if (second !== undefined) secondRun = second;
    });
    let secondRun: string | undefined;
    const offEpoch = first.onEvent((event) => {
      if (event.type === 'epoch' && event.runId === secondRun && event.metrics.epoch === 1) {
        void first.cancelSweep(sweepId);
      }
    });
    const started = await first.startSweep({ runId: source.id, seeds: 3 });
    sweepId = started.id;
    expect(started.status).toBe('running');
    expect(started.sourceRunId).toBe(source.id);
    expect(started.cells.map((c) => c.seed)).toEqual([4, 5, 6]);
    // The finished run is the first seed's cell: it is kept, not trained again.
    expect(started.cells[0].runId).toBe(source.id);
    expect((await rejection(first.resumeSweep(sweepId))).code).toBe('CONFLICT');

    const stopped = await first.sweepSettled(sweepId);
    off();
    offEpoch();
    expect(stopped.status).toBe('stopped');
    expect(stopped.error).toBeUndefined();
    expect(stopped.cellsDone).toBe(1);
    expect(stopped.cells[0].figures).toBeDefined();
    expect(stopped.cells[1].runId).toBe(secondRun);
    expect(stopped.cells[2].runId).toBeUndefined();
    expect(events.at(-1)?.status).toBe('stopped');
    expect(events.some((e) => e.status === 'running' && e.cellsDone === 1)).toBe(true);
    await first.close();

    // A fresh host finds the stopped sweep and resumes it where it stopped.
    const second = await createWorkbenchHost({ shell: 'cli', home });
    try {
      const listed = await second.listSweeps();
      expect(listed.map((s) => [s.id, s.status])).toEqual([[sweepId, 'stopped']]);
      const halfway = await second.getRun(secondRun as string);
      expect(halfway.epochsDone).toBeGreaterThanOrEqual(1);
      expect(halfway.epochsDone).toBeLessThan(EPOCHS);

      await second.resumeSweep(sweepId);
      const done = await second.sweepSettled(sweepId);
      expect(done.status).toBe('completed');
      expect(done.cells[1].runId).toBe(secondRun);
      expect((await second.getMetrics(secondRun as string)).map((m) => m.epoch)).toEqual(
        Array.from({ length: EPOCHS }, (_, i) => i + 1),
      );

      // Each cell's figures are its run's sound certificate; the groups are their mean ± std.
      const vras: number[] = [];
      for (const cell of done.cells) {
        const run = await second.getRun(cell.runId as string);
        expect(run.config.training.seed).toBe(cell.seed);
        const cert = await second.certifyRun(run.id, {});
        expect(cell.figures?.standardVra).toBe(cert.standardVra);
        vras.push(cert.standardVra);
      }
      const group = done.groups?.[0];
      expect(done.groups).toHaveLength(1);
      expect(group?.seeds).toEqual([4, 5, 6]);
      expect(group?.metrics.standardVra).toEqual(meanStd(vras));
      const json = JSON.parse(
        await readFile(join(home, 'sweeps', sweepId, 'results.json'), 'utf8'),
      ) as { groups: unknown };
      expect(done.groups).toEqual(json.groups);
      expect(await second.getSweep(sweepId)).toEqual(done);
    } finally {
      await second.close();
    }
  });
});
