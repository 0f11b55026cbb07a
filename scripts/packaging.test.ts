/**
 * What can be tested of packaging without the Electron binary: the builder config names every
 * file the app loads at run time, and the built bundles run in Node (browser mode, training in
 * the bundled worker threads).
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import config, { RUNTIME_FILES, WASM_FILES } from '../electron.config.ts';
import { NODE_ENTRIES, buildAll } from './build.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const home = mkdtempSync(join(tmpdir(), 'relaxcert-pack-'));

beforeAll(async () => {
  await buildAll({ renderer: false });
}, 120_000);

afterAll(() => rmSync(home, { recursive: true, force: true }));

describe('electron-builder config', () => {
  it('ships the bundles, unpacks workers and wasm, and points main at the bundle', () => {
    expect(config.extraMetadata).toMatchObject({ main: 'out/main/electron-main.js' });
    expect(config.files).toContain('out/**/*');
    for (const entry of Object.keys(NODE_ENTRIES)) {
      expect(RUNTIME_FILES).toContain(`out/main/${entry}.js`);
    }
    const unpacked = config.asarUnpack as string[];
    expect(unpacked).toContain('out/main/engine-worker.js');
    expect(unpacked).toContain('out/main/helper-worker.js');
    expect(unpacked).toContain('out/main/float64-worker.js');
    expect(unpacked.some((p) => p.includes('tfjs-backend-wasm') && p.endsWith('.wasm'))).toBe(true);
    expect(existsSync(join(root, config.icon as string))).toBe(true);
  });

  it('names files that exist after the build', () => {
    for (const file of RUNTIME_FILES.filter((f) => f.startsWith('out/main/'))) {
      expect(existsSync(join(root, file)), file).toBe(true);
    }
    for (const file of WASM_FILES) expect(existsSync(join(root, file)), file).toBe(true);
  });
});

describe('built bundles in Node', () => {
  const cli = join(root, 'out/main/cli.js');
  const env = { ...process.env, RELAXCERT_HOME: home };

  it('train a demo in the bundled engine worker', () => {
    const r = spawnSync(
      process.execPath,
      [
        cli,
        'train',
        '--preset',
        'demo-blobs-affinity',
        '--epochs',
        '1',
        '--train-size',
        '200',
        '--test-size',
        '100',
        '--json',
      ],
      { env, encoding: 'utf8', timeout: 120_000 },
    );
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout.trim().split('\n').at(-1) ?? '{}');
    expect(out.state).toBe('completed');
    expect(out.n).toBe(100);
    expect(typeof out.backend).toBe('string');
  });

  it('serve the workbench on loopback with a token', async () => {
    const child = spawn(process.execPath, [cli, 'serve', '--port', '0'], { env });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let text = '';
        child.stdout.on('data', (d: Buffer) => {
          text += d.toString();
          const m = /http:\/\/127\.0\.0\.1:\d+\/\?token=\S+/.exec(text);
          if (m) resolve(m[0]);
        });
        child.on('exit', (code) => reject(new Error(`serve exited with ${code}`)));
      });
      const page = await fetch(url);
      expect(page.status).toBe(200);
      const api = await fetch(new URL('/api/getInfo', url), { method: 'POST', body: '[]' });
      expect(api.status).toBe(401);
    } finally {
      child.kill();
    }
  });
});
