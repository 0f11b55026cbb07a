/**
 * Issue 14, failures 4 and 5, with real processes killed with SIGKILL: a kill after the
 * checkpoint of epoch 8 and before its metrics line leaves no hole (the checkpoint carries the
 * line), and a kill in the middle of an atomic write leaves a temporary that the next resume
 * or recovery sweeps away.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EpochMetrics } from '../../shared/api/run-types.ts';
import { fakeConfig } from '../host/testing/fake-deps.ts';
import { RunStore } from './run-store.ts';

const here = new URL('.', import.meta.url).pathname;

/** Runs `code` (an ES module with top-level await) in a child process with tsx. */
function child(code: string) {
  const proc = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {
    cwd: here,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  proc.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exit = new Promise<NodeJS.Signals | number | null>((resolve) =>
    proc.on('exit', (code, signal) => resolve(signal ?? code)),
  );
  return { proc, exit, stderr: () => err };
}

function metricsOf(epoch: number): EpochMetrics {
  return {
    epoch,
    trainLoss: 1 / epoch,
    cleanAccuracy: 0.5,
    estimatedStandardVra: 0.25,
    estimatedRejectionRate: 0.1,
    estimatedLipschitz: 3,
    learningRate: 1e-3,
    epsilon: 0.3,
    seconds: 1,
    samplesPerSecond: 100,
  };
}

describe('epoch metrics and checkpoint as one unit; temporaries swept', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'relaxcert-epoch-unit-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('restores the metrics line of a process killed between checkpoint and line (failure 4)', async () => {
    const home = join(dir, 'home-4');
    const store = await RunStore.open(home);
    const run = await store.create(fakeConfig('killed', 30));
    for (let e = 1; e <= 7; e++) await store.appendMetrics(run.id, metricsOf(e));
    const runDir = store.runDir(run.id);
    // The owner: marks the run running, writes epoch 8's checkpoint (as the trainer does, with
    // the epoch's metrics), and is killed before the host appends the line.
    const owner = child(`
      import { RunStore } from './run-store.ts';
      import { saveCheckpoint } from './checkpoint-file.ts';
      const store = await RunStore.open(${JSON.stringify(home)});
      await store.update(${JSON.stringify(run.id)}, { state: 'running', pid: process.pid });
      await saveCheckpoint(${JSON.stringify(runDir)}, {
        epoch: 8, adamStep: 80, rngState: [1, 2], planKey: 'k',
        arrays: [{ name: 'w', shape: [2], data: new Float32Array([1, 2]) }],
        metrics: ${JSON.stringify(metricsOf(8))},
      });
      process.kill(process.pid, 'SIGKILL');
    `);
    expect(await owner.exit, owner.stderr()).toBe('SIGKILL');
    expect((await store.metrics(run.id)).map((m) => m.epoch)).toEqual([1, 2, 3, 4, 5, 6, 7]);

    // The next process to open the store finds the run interrupted, with the line back.
    const next = await RunStore.open(home);
    const summary = await next.get(run.id);
    expect(summary.state).toBe('interrupted');
    expect(summary.epochsDone).toBe(8);
    expect((await next.metrics(run.id)).at(-1)).toEqual(metricsOf(8));
    // Resuming continues after epoch 8 with eight lines, not seven.
    expect(await next.prepareRestart(run.id)).toEqual({ resume: true, fromEpoch: 8 });
    expect((await next.metrics(run.id)).map((m) => m.epoch)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    // Restoring twice adds nothing.
    expect(await next.restoreCheckpointMetrics(run.id)).toBe(false);
    expect(await next.metrics(run.id)).toHaveLength(8);
  }, 60_000);

  it('sweeps the temporary of a write killed half-way (failure 5)', async () => {
    const home = join(dir, 'home-5');
    const store = await RunStore.open(home);
    const run = await store.create(fakeConfig('killed mid-write', 30));
    const runDir = store.runDir(run.id);
    const checkpoints = join(runDir, 'checkpoints');
    // A big checkpoint write: the temporary exists for a while before the rename.
    const writer = child(`
      import { RunStore } from './run-store.ts';
      import { writeFileAtomic } from './atomic-write.ts';
      const store = await RunStore.open(${JSON.stringify(home)});
      await store.update(${JSON.stringify(run.id)}, { state: 'running', pid: process.pid });
      process.stdout.write('writing\\n');
      for (;;) await writeFileAtomic(${JSON.stringify(join(checkpoints, 'latest.ckpt'))}, new Uint8Array(64 * 1024 * 1024));
    `);
    const temporaries = () => readdirSync(checkpoints).filter((n) => n.endsWith('.tmp'));
    const deadline = Date.now() + 30_000;
    while (temporaries().length === 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 5));
    }
    writer.proc.kill('SIGKILL');
    expect(await writer.exit).toBe('SIGKILL');
    const left = temporaries();
    expect(left.length, writer.stderr()).toBeGreaterThan(0);

    const next = await RunStore.open(home);
    expect((await next.get(run.id)).state).toBe('interrupted');
    expect(temporaries()).toEqual([]);
    for (const name of left) expect(existsSync(join(checkpoints, name))).toBe(false);
  }, 60_000);
});
