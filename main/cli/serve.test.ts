/** `relaxcert serve` as a user runs it, and `npm start`'s fallback when Electron is absent. */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = new URL('../../', import.meta.url).pathname;

/** Starts a command and collects stdout until `lines` lines (or a line matching `until`) arrived. */
async function firstLines(args: string[], env: NodeJS.ProcessEnv, lines: number, until?: RegExp) {
  const child = spawn(process.execPath, args, {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no output in time: ${out}${err}`)), 90_000);
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.split('\n').length > lines || (until !== undefined && until.test(out))) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  return { out: out.split('\n').slice(0, lines), child, exit, stderr: () => err };
}

describe('relaxcert serve', () => {
  let home: string;
  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'relaxcert-serve-'));
  });
  afterAll(() => rm(home, { recursive: true, force: true }));

  it('prints a tokenised loopback URL, serves the API with it, and stops on SIGTERM', async () => {
    const env = { ...process.env, RELAXCERT_HOME: home };
    const s = await firstLines([join(root, 'bin/relaxcert.js'), 'serve'], env, 1);
    const match = /^RelaxCert workbench: (http:\/\/127\.0\.0\.1:(\d+)\/\?token=([\w-]+))$/.exec(
      s.out[0],
    );
    expect(match, s.out[0]).not.toBeNull();
    const [, , port, token] = match as RegExpExecArray;
    const ok = await fetch(`http://127.0.0.1:${port}/api/getInfo?token=${token}`, {
      method: 'POST',
      body: '[]',
    });
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { result: { shell: string; home: string } }).result).toMatchObject(
      {
        shell: 'browser',
        home,
      },
    );
    const denied = await fetch(`http://127.0.0.1:${port}/api/getInfo`, {
      method: 'POST',
      body: '[]',
    });
    expect(denied.status).toBe(401);
    s.child.kill('SIGTERM');
    expect(await s.exit).toBe(0);
  });

  it('npm start says in one line that Electron is missing and serves the browser workbench', async () => {
    // An empty override folder: the Electron binary is certainly absent.
    const env = {
      ...process.env,
      RELAXCERT_HOME: home,
      ELECTRON_OVERRIDE_DIST_PATH: join(home, 'no-electron'),
      PATH: '/nonexistent',
    };
    // A fresh checkout first builds the renderer (one line saying so); then the fallback.
    const s = await firstLines([join(root, 'scripts/start.js')], env, 3, /workbench: http\S+\n/);
    if (s.out[0].startsWith('Building the workbench UI')) s.out.shift();
    expect(s.out[0]).toMatch(
      /^Electron is not available \(.+\); starting the browser workbench instead\.$/,
    );
    expect(s.out[1]).toMatch(/^RelaxCert workbench: http:\/\/127\.0\.0\.1:\d+\/\?token=/);
    s.child.kill('SIGTERM');
    await s.exit;
  }, 120_000);
});
