/**
 * The fashion-mnist-affinity preset trains from IDX files as published (gzipped, no
 * conversion), through the real CLI, worker and engine: here on a small Fashion-MNIST-shaped
 * folder the test writes (28×28×1, ten classes), for one epoch.
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile as writeText } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { getPreset } from '../../shared/config/presets.ts';
import { idxBytes, writeFile } from '../data/testing/fixtures.ts';

const bin = new URL('../../bin/relaxcert.js', import.meta.url).pathname;
const homes: string[] = [];
afterAll(() => Promise.all(homes.map((h) => rm(h, { recursive: true, force: true }))));

/** n 28×28 images whose brightness grows with their label, so the classes differ. */
function writeSet(dir: string, prefix: string, n: number): void {
  const labels = Array.from({ length: n }, (_, i) => i % 10);
  const pixels = labels.flatMap((y, i) =>
    Array.from({ length: 784 }, (_, p) => (y * 25 + ((p + i) % 7)) % 256),
  );
  writeFile(join(dir, `${prefix}-images-idx3-ubyte.gz`), gzipSync(idxBytes([n, 28, 28], pixels)));
  writeFile(join(dir, `${prefix}-labels-idx1-ubyte.gz`), gzipSync(idxBytes([n], labels)));
}

describe('fashion-mnist-affinity preset', () => {
  it('trains one epoch from a folder of gzipped IDX files and certifies with its sets', async () => {
    const home = await mkdtemp(join(tmpdir(), 'relaxcert-fmnist-'));
    homes.push(home);
    const data = join(home, 'fashion-mnist');
    writeSet(data, 'train', 60);
    writeSet(data, 't10k', 20);
    const { config } = getPreset('fashion-mnist-affinity');
    config.dataset.path = data;
    config.training.epochs = 1;
    const file = join(home, 'config.json');
    await writeText(file, JSON.stringify(config));
    const r = spawnSync(process.execPath, [bin, 'train', '--config', file, '--json'], {
      encoding: 'utf8',
      env: { ...process.env, RELAXCERT_HOME: home },
      timeout: 300_000,
    });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const report = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(report).toMatchObject({ n: 20, epochs: 1, guarantee: config.guarantee });
    expect(typeof report.guaranteeVra).toBe('number');
  }, 300_000);
});
