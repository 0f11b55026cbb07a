/**
 * A real crash: the CLI trains blobs-2d in a child process and is killed with SIGKILL right
 * after its first epoch is recorded. The store must open, show the run interrupted, and resume
 * it from the last checkpoint to completion with an unbroken metrics history.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createWorkbenchHost } from '../host/create-host.ts';
import { checkpointEpoch } from './checkpoint-file.ts';
import { parseMetrics } from './metrics-log.ts';
import { RunStore } from './run-store.ts';

const bin = new URL('../../bin/relaxcert.js', import.meta.url).pathname;
const EPOCHS = 4;

async function waitForFirstEpoch(home: string, deadline: number): Promise<string> {
  for (;;) {
    if (Date.now() > deadline) throw new Error('no epoch was recorded in time');
    const runsDir = join(home, 'runs');
    const ids = existsSync(runsDir)
      ? (await readdir(runsDir)).filter((n) => !n.startsWith('.'))
      : [];
    if (ids.length === 1) {
      const text = await readFile(join(runsDir, ids[0], 'metrics.jsonl'), 'utf8').catch(() => '');
      if (parseMetrics(text).metrics.length >= 1) return ids[0];
    }
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('crash recovery', () => {
  let home = '';
  afterAll(() => rm(home, { recursive: true, force: true }));

  it('a run killed mid-training is interrupted on reopen and resumes from its checkpoint', async () => {
    home = await mkdtemp(join(tmpdir(), 'relaxcert-crash-'));
    const child = spawn(
      process.execPath,
      [
        bin,
        'train',
        '--preset',
        'demo-blobs-affinity',
        '--epochs',
        String(EPOCHS),
        '--train-size',
        '4000',
        '--test-size',
        '200',
        '--json',
      ],
      { env: { ...process.env, RELAXCERT_HOME: home }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<NodeJS.Signals | number | null>((resolve) =>
      child.on('exit', (code, signal) => resolve(signal ?? code)),
    );
    let runId: string;
    try {
      runId = await waitForFirstEpoch(home, Date.now() + 90_000);
    } finally {
      child.kill('SIGKILL');
    }
    expect(await exited, stderr).toBe('SIGKILL');

    const runDir = join(home, 'runs', runId);
    const before = parseMetrics(await readFile(join(runDir, 'metrics.jsonl'), 'utf8')).metrics;
    expect(before.length).toBeGreaterThanOrEqual(1);
    expect(before.length).toBeLessThan(EPOCHS);
    const checkpoint = await checkpointEpoch(runDir);
    expect(checkpoint).toBeGreaterThanOrEqual(1);

    // Reopening the store (as any new process does) marks the orphaned run.
    const store = await RunStore.open(home);
    const reopened = await store.get(runId);
    expect(reopened.state).toBe('interrupted');
    expect(reopened.error).toMatch(/ended before it finished/);
    expect(reopened.evaluated).toBe(false);

    const host = await createWorkbenchHost({ shell: 'cli', home });
    try {
      await host.resumeRun(runId);
      const done = await host.settled(runId);
      expect(done.state, done.error).toBe('completed');
      expect(done.evaluated).toBe(true);
      const after = await host.getMetrics(runId);
      expect(after.map((m) => m.epoch)).toEqual([1, 2, 3, 4]);
      // Epochs up to the checkpoint were kept, not retrained.
      for (let e = 0; e < Math.min(checkpoint ?? 0, before.length); e++) {
        expect(after[e]).toEqual(before[e]);
      }
      expect(await store.log(runId)).toContain(
        `resuming from the checkpoint of epoch ${checkpoint}`,
      );
      const summary = await host.certifyRun(runId, {});
      expect(summary.n).toBe(200);
    } finally {
      await host.close();
    }
  });
});
