/**
 * The shipped preload, as Electron would load it: bundled to CommonJS, run in a sandbox where
 * `require` knows only 'electron'. It must expose exactly the WorkbenchApi plus onEvent.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { afterAll, describe, expect, it } from 'vitest';
import { WORKBENCH_METHODS } from '../../shared/api/workbench-api.ts';
import { buildPreload } from './build-preload.mjs';

describe('preload bundle', () => {
  let dir = '';
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('requires nothing but electron and exposes exactly window.relaxcert', async () => {
    dir = await mkdtemp(join(tmpdir(), 'relaxcert-preload-'));
    const file = await buildPreload(join(dir, 'preload.cjs'));
    const code = await readFile(file, 'utf8');
    const required: string[] = [];
    const exposed: Record<string, unknown> = {};
    const invoked: unknown[][] = [];
    const electron = {
      contextBridge: {
        exposeInMainWorld: (key: string, value: unknown) => {
          exposed[key] = value;
        },
      },
      ipcRenderer: {
        invoke: async (...args: unknown[]) => {
          invoked.push(args);
          return { ok: true, result: 'pong' };
        },
        on: () => {},
        removeListener: () => {},
      },
    };
    const module = { exports: {} };
    runInNewContext(code, {
      module,
      exports: module.exports,
      require: (name: string) => {
        required.push(name);
        if (name !== 'electron') throw new Error(`sandboxed preload cannot require ${name}`);
        return electron;
      },
    });
    expect(required).toEqual(['electron']);
    expect(Object.keys(exposed)).toEqual(['relaxcert']);
    const api = exposed.relaxcert as Record<string, (...a: unknown[]) => Promise<unknown>>;
    expect(Object.keys(api).sort()).toEqual([...WORKBENCH_METHODS, 'onEvent'].sort());
    expect(await api.getRun('abc')).toBe('pong');
    expect(invoked).toEqual([['relaxcert:getRun', 'abc']]);
  });
});
