/**
 * Sweeps across processes. Another process (the host with the scripted runner) starts "repeat
 * with 3 seeds" and drives it. Killed with SIGKILL in the middle of the second cell, it leaves a
 * sweep that a fresh host sees stopped (its driver's lock is stale) and resumes, the interrupted
 * run continued from its checkpoint. Alive, its sweep shows as running here, cannot be resumed
 * here too, and Stop here stops it there.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RelaxCertError } from '../../shared/errors.ts';
import { RunStore } from '../store/run-store.ts';
import { fakeDeps, ScriptedRunner } from './testing/fake-deps.ts';
import { WorkbenchHost } from './workbench-host.ts';

const hostProcess = new URL('./testing/host-process.ts', import.meta.url).pathname;

async function until(check: () => Promise<boolean>, what: string, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Another process that repeats a new run with 3 seeds and drives the sweep (host-process.ts). */
async function sweepInAnotherProcess(home: string) {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', hostProcess, home, '-', 'sweep', String(Date.now())],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  await until(async () => out.includes('\n'), 'the sweep to start');
  const { sweepId, pid } = JSON.parse(out.split('\n')[0]) as { sweepId: string; pid: number };
  return { child, exited, sweepId, pid };
}

describe('a sweep driven by another process', () => {
  let home: string;
  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'relaxcert-sweep-crash-'));
  });
  afterAll(() => rm(home, { recursive: true, force: true }));

  it('resumes in a fresh host where the killed process stopped', async () => {
    const { child, exited, sweepId } = await sweepInAnotherProcess(home);
    const file = join(home, 'sweeps', sweepId, 'sweep.json');
    type Cells = { cells: Array<{ runId?: string; figures?: object }> };
    const cells = async () => (JSON.parse(await readFile(file, 'utf8')) as Cells).cells;
    // Kill it once the second cell's run has a checkpointed epoch.
    let second = '';
    await until(async () => {
      const c = await cells();
      if (c[1].runId === undefined) return false;
      second = c[1].runId;
      const metrics = await readFile(join(home, 'runs', second, 'metrics.jsonl'), 'utf8').catch(
        () => '',
      );
      return metrics.trim() !== '';
    }, 'the second cell to train an epoch');
    child.kill('SIGKILL');
    await exited;

    const runner = new ScriptedRunner([{ kind: 'train', epochs: 4, stepMs: 5 }]);
    const host = new WorkbenchHost(fakeDeps(await RunStore.open(home), runner));
    try {
      const [listed] = await host.listSweeps();
      expect([listed.id, listed.status, listed.cellsDone]).toEqual([sweepId, 'stopped', 1]);
      expect((await host.getRun(second)).state).toBe('interrupted');
      await host.resumeSweep(sweepId);
      const done = await host.sweepSettled(sweepId);
      expect(done.status).toBe('completed');
      expect(done.cells[1].runId).toBe(second);
      const epochs = (await host.getMetrics(second)).map((m) => m.epoch);
      expect(epochs).toEqual([1, 2, 3, 4]);
      expect(done.groups?.[0].seeds).toEqual([1, 2, 3]);
      expect((await cells()).every((c) => c.figures !== undefined)).toBe(true);
    } finally {
      await host.close();
    }
  });
  it('shows as running there, cannot be driven twice, and Stop from here stops it', async () => {
    const { exited, sweepId, pid } = await sweepInAnotherProcess(home);
    const runner = new ScriptedRunner([{ kind: 'train', epochs: 4, stepMs: 5 }]);
    const host = new WorkbenchHost(fakeDeps(await RunStore.open(home), runner));
    try {
      expect((await host.getSweep(sweepId)).status).toBe('running');
      const twice = await host.resumeSweep(sweepId).catch((e: unknown) => e);
      expect(twice).toBeInstanceOf(RelaxCertError);
      expect((twice as RelaxCertError).message).toContain(`in process ${pid}`);
      // Stop reaches the other process through its running cell (a cancel request it polls).
      // Between two cells nothing runs for a moment: then Stop says so, and is tried again.
      await until(
        () =>
          host.cancelSweep(sweepId).then(
            () => true,
            (e: unknown) => {
              if ((e as RelaxCertError).code !== 'CONFLICT') throw e;
              return false;
            },
          ),
        'a cell to cancel',
      );
      expect(await exited).toBe(0);
      const stopped = await host.getSweep(sweepId);
      expect(stopped.status).toBe('stopped');
      expect(stopped.cellsDone).toBeLessThan(3);
      expect(runner.submitted).toHaveLength(0);
    } finally {
      await host.close();
    }
  });
});
