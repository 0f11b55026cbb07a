/**
 * A sweep through the real host, job manager and engine on a tiny generated set: stopped in the
 * middle of its second run, it resumes where it stopped (the finished run kept, the stopped run
 * continued from its checkpoint, the last one started) and reports mean ± std of the figures
 * each run's sound certification gives.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getPreset } from '../../shared/config/presets.ts';
import type { ExperimentConfig } from '../../shared/config/experiment.ts';
import { RelaxCertError } from '../../shared/errors.ts';
import { meanStd } from '../../shared/sweep/aggregate.ts';
import { seedRange } from '../../shared/sweep/grid.ts';
import { createWorkbenchHost } from '../host/create-host.ts';
import { loadSweep, newSweep } from '../store/sweep-state.ts';
import { runReport } from './run-report.ts';
import { runSweep } from '../host/sweep-runner.ts';
import type { CellPhase } from '../host/sweep-runner.ts';

const bin = new URL('../../bin/relaxcert.js', import.meta.url).pathname;

function tinyConfig(): ExperimentConfig {
  const config = structuredClone(getPreset('demo-blobs-standard').config);
  config.dataset = { ...config.dataset, trainSize: 240, testSize: 80 };
  config.architecture = { name: 'dense-small', width: 8, depth: 1 };
  config.training.epochs = 3;
  return config;
}

describe('relaxcert sweep', () => {
  let home: string;
  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'relaxcert-sweep-'));
  });
  afterAll(() => rm(home, { recursive: true, force: true }));

  it('resumes an interrupted sweep where it stopped, then reports mean ± std', async () => {
    const state = newSweep(tinyConfig(), {
      seeds: seedRange(4, 3),
      epsilons: [0.3],
      guarantees: [{ kind: 'standard' }],
    });
    // First session: stop during the second run's training, after its first epoch.
    const first = await createWorkbenchHost({ shell: 'cli', home });
    const controller = new AbortController();
    const off = first.onEvent((event) => {
      if (event.type === 'epoch' && event.runId === state.cells[1].runId) controller.abort();
    });
    const stopped = await runSweep(first, state, { signal: controller.signal }).catch(
      (error: unknown) => error,
    );
    off();
    await first.close();
    expect(stopped).toBeInstanceOf(RelaxCertError);
    expect((stopped as RelaxCertError).code).toBe('CANCELLED');
    expect((stopped as RelaxCertError).message).toContain(`--resume ${state.id}`);

    const onDisk = await loadSweep(home, state.id);
    const [done, halfway, untouched] = onDisk.cells;
    expect(done.figures).toBeDefined();
    expect(halfway.runId).toBeDefined();
    expect(halfway.figures).toBeUndefined();
    expect(untouched.runId).toBeUndefined();

    // Second session: a fresh host (as after a restart) continues the recorded sweep.
    const second = await createWorkbenchHost({ shell: 'cli', home });
    try {
      const halfwayRun = await second.getRun(halfway.runId as string);
      expect(halfwayRun.state).toBe('cancelled');
      expect(halfwayRun.epochsDone).toBeGreaterThanOrEqual(1);
      expect(halfwayRun.epochsDone).toBeLessThan(3);
      const phases: CellPhase[][] = [[], [], []];
      const result = await runSweep(second, onDisk, {
        onCell: (_cell, index, phase) => phases[index].push(phase),
      });
      expect(phases).toEqual([['kept'], ['resume', 'done'], ['start', 'done']]);
      // The same runs: the finished one kept, the stopped one continued, not restarted.
      expect(onDisk.cells[0].runId).toBe(done.runId);
      expect(onDisk.cells[1].runId).toBe(halfway.runId);
      const resumed = await second.getMetrics(halfway.runId as string);
      expect(resumed.map((m) => m.epoch)).toEqual([1, 2, 3]);

      // Each cell's figures are its run's sound certification; the table is their mean ± std.
      const vras: number[] = [];
      for (const cell of onDisk.cells) {
        const run = await second.getRun(cell.runId as string);
        expect(run.config.training.seed).toBe(cell.seed);
        const report = runReport(
          run,
          await second.getEvalArtifacts(run.id),
          second.store.runDir(run.id),
        );
        expect(cell.figures?.standardVra).toBe(report.standardVra);
        expect(cell.figures?.cleanAccuracy).toBe(report.cleanAccuracy);
        vras.push(report.standardVra);
      }
      expect(result.groups).toHaveLength(1);
      expect(result.groups[0].seeds).toEqual([4, 5, 6]);
      expect(result.groups[0].metrics.standardVra).toEqual(meanStd(vras));
      const csv = await readFile(join(result.dir, 'results.csv'), 'utf8');
      expect(csv.split('\n')[0]).toContain('standard_vra_mean,standard_vra_std');
      expect(csv.split('\n')[1]).toContain(`0.3,standard,3,`);
      const json = JSON.parse(await readFile(join(result.dir, 'results.json'), 'utf8')) as {
        claim: string;
        groups: Array<{ runIds: string[] }>;
      };
      expect(json.groups[0].runIds).toEqual(onDisk.cells.map((c) => c.runId));
      expect(json.claim).toBe('float32');
    } finally {
      await second.close();
    }
  });

  it('Ctrl-C stops the CLI sweep resumably; --resume finishes it and prints JSON', async () => {
    const configFile = join(home, 'tiny.json');
    await writeFile(configFile, JSON.stringify(tinyConfig()));
    const env = { ...process.env, RELAXCERT_HOME: home };
    const child = spawn(process.execPath, [bin, 'sweep', '--config', configFile, '--seeds', '2'], {
      env,
    });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    // Interrupt as soon as the second run starts training.
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      if (/\[2\/2\][^\n]*training run/.test(stdout)) child.kill('SIGINT');
    });
    const status = await new Promise<number | null>((done) => child.on('exit', done));
    expect(status).toBe(1);
    const id = /sweep (sweep-\S+): 2 runs/.exec(stdout)?.[1] as string;
    expect(stderr).toContain(`relaxcert sweep --resume ${id}`);
    const r = spawnSync(process.execPath, [bin, 'sweep', '--resume', id, '--json'], {
      encoding: 'utf8',
      env,
      timeout: 120_000,
    });
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout.trim()) as {
      sweepId: string;
      groups: Array<{ seeds: number[] }>;
    };
    expect(out.sweepId).toBe(id);
    expect(out.groups[0].seeds).toEqual([0, 1]);
    const state = await loadSweep(home, id);
    expect(state.cells.every((c) => c.figures !== undefined)).toBe(true);
  });

  it('exits 1 with one line on user errors', () => {
    for (const args of [
      ['sweep', '--preset', 'demo-blobs-standard'],
      ['sweep', '--preset', 'demo-blobs-standard', '--seeds', '0'],
      ['sweep', '--preset', 'demo-blobs-standard', '--seeds', '2', '--eps', '0.1,-1'],
      ['sweep', '--preset', 'demo-blobs-standard', '--seeds', '2', '--guarantee', 'rtk:x'],
      ['sweep', '--preset', 'demo-blobs-standard', '--seeds', '2', '--guarantee', 'rtk:99'],
      ['sweep', '--resume', 'sweep-nothing-here'],
      ['sweep', '--resume', 'x', '--seeds', '3'],
    ]) {
      const r = spawnSync(process.execPath, [bin, ...args], {
        encoding: 'utf8',
        env: { ...process.env, RELAXCERT_HOME: home },
        timeout: 60_000,
      });
      expect(r.status, args.join(' ')).toBe(1);
      expect(r.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
    }
  });
});
