/**
 * Issue 14, failure 6: the per-run lock across processes. Unit checks of the lock file, then
 * real processes: two resuming one run at the same instant (one trains, the other gets
 * CONFLICT), and an export (refused) and a cancel of a run that another process trains.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeConfig } from '../host/testing/fake-deps.ts';
import { LOCK_FILE, processStart, withRunLock } from './run-lock.ts';
import { RunStore } from './run-store.ts';

const hostProcess = new URL('../host/testing/host-process.ts', import.meta.url).pathname;
const bin = new URL('../../bin/relaxcert.js', import.meta.url).pathname;

interface Outcome {
  ok: boolean;
  pid: number;
  code?: string;
  message?: string;
}

/** Starts a host process; resolves its printed outcome at once and `exit` when it ends. */
function startHost(home: string, runId: string, op: string, at: number, script = 'train') {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', hostProcess, home, runId, op, String(at), script],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const outcome = new Promise<Outcome>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('\n')) resolve(JSON.parse(out.split('\n')[0]) as Outcome);
    });
    child.on('exit', () => reject(new Error(`host process ended without an outcome: ${err}`)));
  });
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, outcome, exit, stderr: () => err };
}

async function waitFor<T>(probe: () => Promise<T | undefined>, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('run lock', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'relaxcert-run-lock-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('serialises holders, names the holder on timeout and cleans up', async () => {
    const runDir = mkdtempSync(join(dir, 'run-'));
    const order: string[] = [];
    let release = () => {};
    const first = withRunLock(runDir, 'r1', 'resume', async () => {
      order.push('first in');
      await new Promise<void>((r) => (release = r));
      order.push('first out');
    });
    await waitFor(async () => (order.length > 0 ? true : undefined));
    const owner = JSON.parse(readFileSync(join(runDir, LOCK_FILE), 'utf8')) as {
      pid: number;
      op: string;
    };
    expect(owner).toMatchObject({ pid: process.pid, op: 'resume' });
    await expect(
      withRunLock(runDir, 'r1', 'delete', async () => 1, { waitMs: 100 }),
    ).rejects.toMatchObject({
      code: 'CONFLICT',
      message: expect.stringMatching(/run 'r1' is busy: process \d+ \(this one\) \(resume/),
    });
    const second = withRunLock(runDir, 'r1', 'rename', async () => order.push('second'), {
      waitMs: 5000,
    });
    release();
    await Promise.all([first, second]);
    expect(order).toEqual(['first in', 'first out', 'second']);
    expect(existsSync(join(runDir, LOCK_FILE))).toBe(false);
  });

  it('breaks the lock of a dead process and of a reused pid', async () => {
    const runDir = mkdtempSync(join(dir, 'run-'));
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
      encoding: 'utf8',
    });
    const deadPid = Number(dead.stdout);
    const lock = (pid: number, start?: string) =>
      writeFileSync(
        join(runDir, LOCK_FILE),
        JSON.stringify({ pid, processStart: start, op: 'resume', since: 'then', token: 'old' }),
      );
    lock(deadPid);
    expect(await withRunLock(runDir, 'r2', 'start', async () => 'took it', { waitMs: 200 })).toBe(
      'took it',
    );
    // A live process whose start time is not the recorded one holds the pid of a dead owner.
    const sleeper = spawn('sleep', ['30']);
    try {
      const pid = sleeper.pid as number;
      if (processStart(pid) !== undefined) {
        lock(pid, '1');
        expect(
          await withRunLock(runDir, 'r2', 'start', async () => 'reused', { waitMs: 200 }),
        ).toBe('reused');
        lock(pid, processStart(pid));
        await expect(
          withRunLock(runDir, 'r2', 'start', async () => 0, { waitMs: 200 }),
        ).rejects.toMatchObject({
          code: 'CONFLICT',
        });
      }
    } finally {
      sleeper.kill();
    }
  });

  it('lets only one of two processes resuming a run at the same instant train it', async () => {
    const home = join(dir, 'race-home');
    const store = await RunStore.open(home);
    const run = await store.create(fakeConfig('race', 4));
    await store.update(run.id, { state: 'interrupted' });
    const at = Date.now() + 2500; // both processes are up by then and call at the same instant
    const a = startHost(home, run.id, 'resume', at);
    const b = startHost(home, run.id, 'resume', at);
    const outcomes = await Promise.all([a.outcome, b.outcome]);
    await Promise.all([a.exit, b.exit]);
    expect(
      outcomes.filter((o) => o.ok),
      JSON.stringify(outcomes),
    ).toHaveLength(1);
    const loser = outcomes.find((o) => !o.ok) as Outcome;
    expect(loser.code).toBe('CONFLICT');
    expect(loser.message).toMatch(/is (queued|running|completed)/);
    const epochs = (await store.metrics(run.id)).map((m) => m.epoch);
    expect(epochs).toEqual([1, 2, 3, 4]);
    const log = await store.log(run.id);
    expect(log.match(/restarting|resuming/g)).toHaveLength(1);
    expect((await store.get(run.id)).state).toBe('completed');
  }, 60_000);

  it('refuses to export, then cancels, a run that another process trains (failures 10, 11)', async () => {
    const home = join(dir, 'cancel-home');
    const store = await RunStore.open(home);
    const run = await store.create(fakeConfig('cancel me', 4));
    const owner = startHost(home, run.id, 'start', Date.now(), 'hang');
    const started = await owner.outcome;
    expect(started.ok).toBe(true);
    await waitFor(async () => ((await store.get(run.id)).state === 'running' ? true : undefined));
    // Exporting it would write mid-training weights of no recorded epoch: refused, nothing written.
    const out = join(dir, 'export-of-running');
    const exported = spawnSync(process.execPath, [bin, 'export', run.id, '--out', out], {
      encoding: 'utf8',
      env: { ...process.env, RELAXCERT_HOME: home },
      timeout: 60_000,
    });
    expect(exported.stderr.trimEnd().split('\n'), exported.stderr).toHaveLength(1);
    expect(exported.stderr).toContain(
      `run '${run.id}' is running in process ${started.pid}; export it once it has stopped`,
    );
    expect(exported.status).toBe(1);
    expect(existsSync(out)).toBe(false);
    const canceller = startHost(home, run.id, 'cancel', Date.now());
    expect(await canceller.outcome, canceller.stderr()).toMatchObject({ ok: true });
    await canceller.exit;
    expect(await owner.exit).toBe(0);
    expect((await store.get(run.id)).state).toBe('cancelled');
    expect(existsSync(join(store.runDir(run.id), 'cancel.request'))).toBe(false);
  }, 60_000);
});
