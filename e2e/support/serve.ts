/**
 * Starts `relaxcert serve` on a free port with a throw-away RELAXCERT_HOME and resolves with
 * the address it prints (http://127.0.0.1:P/?token=…).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface ServedWorkbench {
  url: string;
  home: string;
  process: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export async function startServe(staticDir: string, timeoutMs = 90_000): Promise<ServedWorkbench> {
  const home = await mkdtemp(join(tmpdir(), 'relaxcert-e2e-'));
  const child = spawn(
    process.execPath,
    [join(ROOT, 'bin/relaxcert.js'), 'serve', '--port', '0', '--static', staticDir],
    {
      cwd: ROOT,
      env: { ...process.env, RELAXCERT_HOME: home },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let log = '';
  child.stdout?.on('data', (d: Buffer) => (log += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (log += d.toString()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await new Promise<void>((done) => {
        const t = setTimeout(() => {
          child.kill('SIGKILL');
          done();
        }, 10_000);
        child.once('exit', () => {
          clearTimeout(t);
          done();
        });
      });
    }
    await rm(home, { recursive: true, force: true });
  };
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no address printed within ${timeoutMs} ms`)),
        timeoutMs,
      );
      const check = (): void => {
        const m = /(http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+)/.exec(log);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]);
        }
      };
      child.stdout?.on('data', check);
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`exited with code ${code}`));
      });
      child.once('error', (e) => {
        clearTimeout(timer);
        reject(e);
      });
    });
    return { url, home, process: child, output: () => log, stop };
  } catch (e) {
    await stop();
    throw new Error(`relaxcert serve did not start: ${(e as Error).message}\n${log.slice(-2000)}`);
  }
}
