/**
 * Issue 14, failure 11: a run that another process creates, trains and deletes shows up in
 * this host's events as it happens (fs.watch, and the polling fallback alone), so every
 * window and browser attached to the host updates without a refresh; so does a run folder that
 * another process damages (failure 10), which can then be deleted.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkbenchEvent } from '../../shared/api/workbench-api.ts';
import { createWorkbenchHost } from './create-host.ts';
import { fakeConfig, ScriptedRunner } from './testing/fake-deps.ts';

const hostProcess = new URL('./testing/host-process.ts', import.meta.url).pathname;

function otherProcess(home: string, op: string, runId = '-') {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', hostProcess, home, runId, op, String(Date.now())],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { exit, out: () => out, err: () => err };
}

async function until(check: () => boolean, what: string, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** A host on `home` (not yet watching) and the events it emits. */
async function recordingHost(home: string) {
  const host = await createWorkbenchHost({
    shell: 'browser',
    home,
    runner: new ScriptedRunner(),
    watchHome: false,
  });
  const events: WorkbenchEvent[] = [];
  host.onEvent((e) => events.push(e));
  return { host, events };
}

describe.each([
  { mode: 'fs.watch', watch: true, pollMs: 60_000 },
  { mode: 'polling fallback', watch: false, pollMs: 200 },
])('home watcher ($mode)', ({ watch, pollMs }) => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'relaxcert-home-watcher-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('announces runs another process creates, trains, finishes and deletes', async () => {
    const home = join(dir, 'home');
    const { host, events } = await recordingHost(home);
    await host.watchHome({ watch, pollMs });
    try {
      const trainer = otherProcess(home, 'train');
      expect(await trainer.exit, trainer.err()).toBe(0);
      const runId = (JSON.parse(trainer.out().split('\n')[0]) as { runId: string }).runId;
      const states = () =>
        events.flatMap((e) => (e.type === 'run-state' && e.run.id === runId ? [e.run.state] : []));
      const epochs = () =>
        events.flatMap((e) => (e.type === 'epoch' && e.runId === runId ? [e.metrics.epoch] : []));
      await until(() => states().includes('completed'), 'the completed state');
      await until(() => epochs().length >= 4, 'four epochs');
      expect(epochs()).toEqual([1, 2, 3, 4]);
      const last = events.filter((e) => e.type === 'run-state').at(-1);
      expect(last).toMatchObject({ run: { id: runId, state: 'completed', epochsDone: 4 } });

      const deleter = otherProcess(home, 'delete', runId);
      expect(await deleter.exit, deleter.err()).toBe(0);
      expect(deleter.out()).toContain('"ok":true');
      await until(
        () => events.some((e) => e.type === 'run-deleted' && e.runId === runId),
        'run-deleted',
      );
    } finally {
      await host.close();
    }
  }, 90_000);

  it('announces a run damaged in place by another process, and its deletion', async () => {
    const home = join(dir, 'home-damaged');
    const { host, events } = await recordingHost(home);
    const corrupt = await host.createRun(fakeConfig('config to corrupt'));
    const unrecorded = await host.createRun(fakeConfig('record to remove'));
    await host.watchHome({ watch, pollMs });
    const damagedOf = (id: string) =>
      events.flatMap((e) => (e.type === 'run-damaged' && e.damaged.id === id ? [e.damaged] : []));
    try {
      const runDir = (id: string) => join(home, 'runs', id);
      // Another process truncates one run's config.json and removes the other's state.json.
      const shell = spawnSync('sh', [
        '-c',
        `printf '{"name": "tru' > "$1/config.json" && rm "$2/state.json"`,
        'sh',
        runDir(corrupt.id),
        runDir(unrecorded.id),
      ]);
      expect(shell.status, shell.stderr.toString()).toBe(0);
      await until(() => damagedOf(corrupt.id).length > 0, 'the corrupt config announced');
      await until(() => damagedOf(unrecorded.id).length > 0, 'the missing record announced');
      expect(damagedOf(corrupt.id)[0].reason).toMatch(new RegExp(`${corrupt.id}/config\\.json`));
      expect(damagedOf(unrecorded.id)[0].reason).toContain(unrecorded.id);
      expect((await host.listDamagedRuns()).map((d) => d.id).sort()).toEqual(
        [corrupt.id, unrecorded.id].sort(),
      );

      // Both can be deleted, from another process; this one announces the deletions.
      for (const id of [corrupt.id, unrecorded.id]) {
        const deleter = otherProcess(home, 'delete', id);
        expect(await deleter.exit, deleter.err()).toBe(0);
        expect(deleter.out()).toContain('"ok":true');
        await until(
          () => events.some((e) => e.type === 'run-deleted' && e.runId === id),
          `run-deleted of ${id}`,
        );
        expect(existsSync(runDir(id))).toBe(false);
      }
      expect(await host.listDamagedRuns()).toEqual([]);
    } finally {
      await host.close();
    }
  }, 90_000);
});
