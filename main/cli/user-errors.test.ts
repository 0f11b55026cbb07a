/**
 * Issue 14, failures 1, 2, 3, 7 and 9 as a user meets them: the real CLI in a child process,
 * on real files, a real FIFO, /dev/zero and (as root) real tmpfs mounts. Every user error is
 * exit 1 with one line on stderr naming what is at fault; exit 2 is left to bugs.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PRESETS } from '../../shared/config/presets.ts';
import { TINY_NNET } from '../data/testing/fixtures.ts';

const bin = new URL('../../bin/relaxcert.js', import.meta.url).pathname;

function cli(args: string[], env: NodeJS.ProcessEnv = {}, timeout = 60_000, command?: string) {
  const r = spawnSync(command ?? process.execPath, command ? args : [bin, ...args], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
    timeout,
  });
  return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

/** Exit 1, exactly one line on stderr, matching `pattern`. */
function expectUserError(r: ReturnType<typeof cli>, pattern: RegExp): void {
  expect(r.signal, r.stderr).toBeNull();
  expect(r.stderr, r.stderr).toMatch(pattern);
  expect(r.stderr.trimEnd().split('\n'), r.stderr).toHaveLength(1);
  expect(r.stderr).not.toMatch(/internal error| {4}at /);
  expect(r.status, r.stderr).toBe(1);
}

const isRoot = process.getuid?.() === 0;

function tryMount(dir: string, options: string): boolean {
  if (!isRoot) return false;
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', dir], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('relaxcert: user errors are one line and exit 1', () => {
  let dir: string;
  let home: string;
  const mounts: string[] = [];

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'relaxcert-user-errors-'));
    home = join(dir, 'home');
    mkdirSync(home);
  });
  afterAll(() => {
    for (const m of mounts) spawnSync('umount', ['-l', m]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses devices and FIFOs as data without opening them (failure 1)', () => {
    const env = { RELAXCERT_HOME: home };
    expectUserError(
      cli(['data', 'inspect', '/dev/zero', '--kind', 'csv'], env),
      /\/dev\/zero is a character device/,
    );
    expectUserError(
      cli(['data', 'inspect', '/dev/zero'], env),
      /\/dev\/zero is a character device/,
    );
    const fifo = join(dir, 'pipe.csv');
    execFileSync('mkfifo', [fifo]);
    // Nobody writes to the FIFO: opening it would block forever, so the time limit is the test.
    expectUserError(
      cli(['data', 'inspect', fifo, '--kind', 'csv'], env, 20_000),
      /pipe\.csv is a named pipe/,
    );
    const folder = join(dir, 'classes');
    mkdirSync(join(folder, 'cat'), { recursive: true });
    execFileSync('mkfifo', [join(folder, 'cat', 'x.png')]);
    expectUserError(
      cli(['data', 'inspect', folder, '--kind', 'image-folder'], env, 20_000),
      /cat\/x\.png is a named pipe/,
    );
    // The experiment config is read the same way: a device or a FIFO as --config neither
    // fills memory nor waits for a writer.
    expectUserError(
      cli(['train', '--config', '/dev/zero'], env, 20_000),
      /\/dev\/zero is a character device/,
    );
    expectUserError(cli(['train', '--config', fifo], env, 20_000), /pipe\.csv is a named pipe/);
  });

  it('maps file-system errors to one line naming the path (failure 2)', async () => {
    const env = { RELAXCERT_HOME: home };
    expectUserError(
      cli(['data', 'inspect', '/dev/null/x.csv', '--kind', 'csv'], env),
      /\/dev\/null/,
    );
    const folder = join(dir, 'a-folder');
    mkdirSync(folder);
    expectUserError(cli(['data', 'inspect', folder, '--kind', 'csv'], env), /a-folder/);
    const nnet = join(dir, 'tiny.nnet');
    writeFileSync(nnet, TINY_NNET);
    expectUserError(
      cli(['data', 'make-acasxu', '--nnet', nnet, '--n', '50', '--out', folder], env),
      /a-folder.*\(EISDIR\)/,
    );
    expectUserError(
      cli(
        [
          'data',
          'make-acasxu',
          '--nnet',
          nnet,
          '--n',
          '50',
          '--out',
          join(dir, 'missing', 'x.bin'),
        ],
        env,
      ),
      /missing.*\(ENOENT\)/,
    );
    expectUserError(
      cli(['data', 'make-acasxu', '--nnet', nnet, '--n', '1e12', '--out', join(dir, 'x.bin')], env),
      /--n must be an integer ≥ 1 and ≤ 10000000/,
    );
    expectUserError(
      cli(['serve', '--port', '70000'], env),
      /--port must be an integer ≥ 0 and ≤ 65535/,
    );
    const busy = createServer().listen(0, '127.0.0.1');
    await once(busy, 'listening');
    const { port } = busy.address() as AddressInfo;
    try {
      expectUserError(
        cli(['serve', '--port', String(port)], env),
        new RegExp(`cannot listen on port ${port}: the address is already in use \\(EADDRINUSE\\)`),
      );
    } finally {
      busy.close();
    }
    const file = join(dir, 'home-is-a-file');
    writeFileSync(file, 'x');
    expectUserError(
      cli(['runs'], { RELAXCERT_HOME: file }),
      /home-is-a-file.*\((ENOTDIR|EEXIST)\)/,
    );
  });

  it.runIf(isRoot)('says so in one line when the home is read-only (failure 2, EROFS)', () => {
    const ro = join(dir, 'ro-home');
    mkdirSync(ro);
    if (!tryMount(ro, 'ro,size=64k')) return;
    mounts.push(ro);
    expectUserError(
      cli(['runs'], { RELAXCERT_HOME: ro }),
      /ro-home.*read-only file system \(EROFS\)/,
    );
  });

  // Root reads and writes everything: the CLI runs as the unprivileged user 'nobody' instead.
  const canDropRoot = isRoot && spawnSync('setpriv', ['--version']).status === 0;
  it.runIf(canDropRoot)(
    'names the path in one line when permission is denied (failure 2, EACCES)',
    () => {
      const locked = join(dir, 'locked');
      mkdirSync(locked);
      chmodSync(dir, 0o755);
      const data = join(locked, 'secret.csv');
      writeFileSync(data, 'x,label\n1,0\n2,1\n');
      chmodSync(data, 0o000);
      const asNobody = (args: string[], env: NodeJS.ProcessEnv) =>
        cli(
          [
            '--reuid=65534',
            '--regid=65534',
            '--clear-groups',
            'env',
            `HOME=${tmpdir()}`,
            process.execPath,
            bin,
            ...args,
          ],
          env,
          60_000,
          'setpriv',
        );
      // An unreadable data file, and a home in a folder this user may not write.
      expectUserError(
        asNobody(['data', 'inspect', data, '--kind', 'csv'], {
          RELAXCERT_HOME: join(locked, 'h1'),
        }),
        /cannot read .*secret\.csv: permission denied \(EACCES\)/,
      );
      expectUserError(
        asNobody(['runs'], { RELAXCERT_HOME: join(locked, 'home') }),
        /locked\/home.*permission denied \(EACCES\)/,
      );
    },
  );

  it('reads negative numbers as values, refuses other notations and unknown options (failure 9)', () => {
    const env = { RELAXCERT_HOME: home };
    expectUserError(
      cli(['train', '--preset', 'demo-blobs-standard', '--seed', '-1'], env),
      /--seed must be an integer ≥ 0/,
    );
    expectUserError(
      cli(['certify', 'latest', '--eps', '-1'], env),
      /--eps must be a number ≥ 0 \(got '-1'\)/,
    );
    expectUserError(
      cli(['certify', 'latest', '--eps', '0x10'], env),
      /'0x10' is not a decimal number/,
    );
    expectUserError(cli(['certify', 'latest', '--eps', '1e-400'], env), /too small/);
    expectUserError(cli(['serve', '--port', '-5'], env), /--port must be an integer ≥ 0/);
    expectUserError(cli(['runs', '--bogus'], env), /Unknown option '--bogus'/);
    expectUserError(
      cli(['data', 'inspect', 'blobs-2d', '--seed', '0b11'], env),
      /'0b11' is not a decimal/,
    );
  });

  it('refuses a name with control characters (failure 7)', () => {
    const config = {
      ...structuredClone(PRESETS.find((p) => p.id === 'demo-blobs-standard')!.config),
    };
    config.name = 'ok\u001b]0;pwned\u0007\nfake row';
    const file = join(dir, 'evil.json');
    writeFileSync(file, JSON.stringify(config));
    expectUserError(
      cli(['train', '--config', file], { RELAXCERT_HOME: home }),
      /name: holds the control character U\+001B/,
    );
    expectUserError(
      cli(['train', '--preset', 'demo-blobs-standard', '--name', 'a\nb'], { RELAXCERT_HOME: home }),
      /name: holds the control character U\+000A/,
    );
  });
});
