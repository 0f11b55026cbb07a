import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fakeConfig } from '../host/testing/fake-deps.ts';
import { workbenchHome } from './home.ts';
import { RunStore } from './run-store.ts';

describe('RunStore', () => {
  let home: string;
  beforeEach(async () => {
    home = await mkdtemp(join(tmpdir(), 'relaxcert-store-'));
  });
  afterEach(() => rm(home, { recursive: true, force: true }));

  it('RELAXCERT_HOME overrides the platform folder', () => {
    expect(workbenchHome({ RELAXCERT_HOME: home })).toBe(home);
    expect(workbenchHome({})).toMatch(/relaxcert|RelaxCert/);
  });

  it('creates complete run folders and lists them newest first', async () => {
    let t = Date.UTC(2026, 0, 1);
    const store = await RunStore.open(home, { now: () => new Date((t += 1000)) });
    const a = await store.create(fakeConfig('a'));
    const b = await store.create(fakeConfig('b'));
    const files = (await readdir(store.runDir(a.id))).sort();
    expect(files).toEqual(['checkpoints', 'config.json', 'eval', 'metrics.jsonl', 'state.json']);
    expect(JSON.parse(await readFile(join(store.runDir(a.id), 'config.json'), 'utf8'))).toEqual(
      fakeConfig('a'),
    );
    expect((await store.list()).map((r) => r.name)).toEqual(['b', 'a']);
    expect(b.state).toBe('created');
    expect(b.epochsDone).toBe(0);
    // No temp files are left beside the records.
    expect((await readdir(store.runDir(a.id))).some((f) => f.endsWith('.tmp'))).toBe(false);
  });

  it('refuses run ids that could leave the store', async () => {
    const store = await RunStore.open(home);
    for (const id of ['..', '../x', 'a/b', '', '.hidden']) {
      expect(() => store.runDir(id)).toThrow(/not a run id/);
    }
  });

  it('marks runs of dead processes interrupted, keeps live ones, cleans leftovers', async () => {
    const store = await RunStore.open(home);
    const dead = await store.create(fakeConfig('dead'));
    const live = await store.create(fakeConfig('live'));
    const done = await store.create(fakeConfig('done'));
    await store.update(dead.id, { state: 'running', pid: 111 });
    await store.update(live.id, { state: 'queued', pid: 222 });
    await store.update(done.id, { state: 'completed' });
    await writeFile(join(store.runDir(dead.id), 'metrics.jsonl'), '{"epoch":1}\n{"epo');
    await mkdir(join(store.runsDir, '.new-20200101-000000-aaaaaa'));
    const old = new Date(Date.now() - 3600_000);
    await utimes(join(store.runsDir, '.new-20200101-000000-aaaaaa'), old, old);
    // A fresh one may be another process creating a run right now: left alone.
    await mkdir(join(store.runsDir, '.new-20200101-000000-bbbbbb'));
    const reopened = await RunStore.open(home, { isAlive: (pid) => pid === 222 });
    expect((await reopened.get(dead.id)).state).toBe('interrupted');
    expect((await reopened.get(dead.id)).error).toContain('111');
    expect((await reopened.get(dead.id)).epochsDone).toBe(1);
    expect(await readFile(join(store.runDir(dead.id), 'metrics.jsonl'), 'utf8')).toBe(
      '{"epoch":1}\n',
    );
    expect((await reopened.get(live.id)).state).toBe('queued');
    expect((await reopened.get(done.id)).state).toBe('completed');
    expect(existsSync(join(store.runsDir, '.new-20200101-000000-aaaaaa'))).toBe(false);
    expect(existsSync(join(store.runsDir, '.new-20200101-000000-bbbbbb'))).toBe(true);
  });

  it('skips damaged folders when listing and deletes runs whole', async () => {
    const store = await RunStore.open(home);
    const a = await store.create(fakeConfig('a'));
    await mkdir(join(store.runsDir, 'not-a-run'));
    await writeFile(join(store.runsDir, 'stray.txt'), 'x');
    expect((await store.list()).map((r) => r.id)).toEqual([a.id]);
    await store.delete(a.id);
    expect(existsSync(store.runDir(a.id))).toBe(false);
    await expect(store.get(a.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('serialises concurrent updates of one run', async () => {
    const store = await RunStore.open(home);
    const a = await store.create(fakeConfig('a'));
    await Promise.all([
      store.update(a.id, { backend: 'wasm' }),
      store.update(a.id, { name: 'renamed' }),
      store.update(a.id, { state: 'failed', error: 'boom' }),
    ]);
    const r = await store.get(a.id);
    expect([r.backend, r.name, r.state, r.error]).toEqual(['wasm', 'renamed', 'failed', 'boom']);
  });
});
