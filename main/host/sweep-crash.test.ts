/**
 * A sweep survives the crash of the process that drives it: another process (the real host
 * wiring with the scripted runner) starts "repeat with 3 seeds" and is killed with SIGKILL in the
 * middle of the second cell; a fresh host sees the sweep stopped (its driver's lock is stale),
 * resumes it with the interrupted run continued from its checkpoint, and finishes it.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

describe('a sweep whose process crashes', () => {
  let home: string;
  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'relaxcert-sweep-crash-'));
  });
  afterAll(() => rm(home, { recursive: true, force: true }));

  it('resumes in a fresh host where the killed process stopped', async () => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', hostProcess, home, '-', 'sweep', String(Date.now())],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise((resolve) => child.on('exit', resolve));
    await until(async () => out.includes('\n'), 'the sweep to start');
    const { sweepId } = JSON.parse(out.split('\n')[0]) as { sweepId: string };
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
});
