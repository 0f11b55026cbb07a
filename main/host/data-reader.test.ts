/** The data worker: answers, errors by code, and a stuck request abandoned without harm. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RelaxCertError } from '../../shared/errors.ts';
import { DataReader } from './data-reader.ts';

describe('DataReader', () => {
  let dir: string;
  let csv: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'relaxcert-data-reader-'));
    // ~10 MB: a few seconds of parsing, far past the 0.3 s limit below.
    const rows = ['x,y,label'];
    for (let i = 0; i < 400_000; i++) rows.push(`${i % 5}.5,${i % 7}.25,${i % 2}`);
    csv = join(dir, 'slow.csv');
    writeFileSync(csv, `${rows.join('\n')}\n`);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('inspects in the worker and rebuilds its errors with their code', async () => {
    const reader = new DataReader();
    try {
      const info = await reader.inspect({ kind: 'blobs-2d', trainSize: 50, testSize: 10 });
      expect(info.trainSize).toBe(50);
      await expect(reader.inspect({ kind: 'npy', path: '/dev/zero' })).rejects.toMatchObject({
        code: 'INVALID_INPUT',
        file: '/dev/zero',
      });
    } finally {
      await reader.close();
    }
  }, 60_000);

  it('abandons a request past its time limit and serves the next one on a new worker', async () => {
    const reader = new DataReader({ limitMs: 300 });
    try {
      // The limit runs from when the worker begins a request: the worker's start-up is free.
      const slow = reader.inspect({ kind: 'csv', path: csv });
      const queued = reader.inspect({ kind: 'blobs-2d', trainSize: 30, testSize: 5 });
      const error = await slow.catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RelaxCertError);
      expect((error as RelaxCertError).message).toMatch(/slow\.csv took longer than 0\.3 s/);
      expect(await queued).toMatchObject({ trainSize: 30 });
    } finally {
      await reader.close();
    }
  }, 60_000);
});
