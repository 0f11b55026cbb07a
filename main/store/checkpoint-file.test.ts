import { mkdtemp, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  checkpointEpoch,
  checkpointPath,
  decodeCheckpoint,
  encodeCheckpoint,
  loadCheckpoint,
  saveCheckpoint,
} from './checkpoint-file.ts';
import type { Checkpoint } from './checkpoint-file.ts';

const checkpoint = (): Checkpoint => ({
  epoch: 7,
  adamStep: 420,
  rngState: [1, 2, 3, 4294967295],
  planKey: '{"arch":"dense-small"}',
  arrays: [
    { name: 'L0.w', shape: [3, 2], data: Float32Array.from([1, -2, 0.5, 1e-40, 3, 4]) },
    { name: 'L0.b', shape: [2], data: Float32Array.from([Math.fround(0.1), -0]) },
    { name: 'adam.m.L0.w', shape: [3, 2], data: new Float32Array(6).fill(0.25) },
  ],
});

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});
async function runDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'relaxcert-ckpt-'));
  dirs.push(dir);
  return dir;
}

/** A version-1 checkpoint as the earlier build wrote it (its own layout, see checkpoint-v1.ts). */
function encodeV1(c: Checkpoint): Uint8Array {
  let offset = 0;
  const arrays = c.arrays.map((a) => {
    const entry = { name: a.name, shape: a.shape, offset, length: a.data.length };
    offset += a.data.length;
    return entry;
  });
  const { epoch, adamStep, rngState, planKey } = c;
  const json = new TextEncoder().encode(
    JSON.stringify({ epoch, adamStep, rngState, planKey, arrays }),
  );
  const dataStart = Math.ceil((12 + json.length) / 4) * 4;
  const bytes = new Uint8Array(dataStart + offset * 4);
  const view = new DataView(bytes.buffer);
  bytes.set(new TextEncoder().encode('RCCK'), 0);
  view.setUint32(4, 1, true);
  view.setUint32(8, json.length, true);
  bytes.set(json, 12);
  const floats = new Float32Array(bytes.buffer, dataStart, offset);
  c.arrays.forEach((a, i) => floats.set(a.data, arrays[i].offset));
  return bytes;
}

describe('checkpoint file', () => {
  it('still reads version-1 checkpoints of runs trained by an earlier build', async () => {
    const v1 = encodeV1(checkpoint());
    expect(decodeCheckpoint(v1)).toEqual(checkpoint());
    const dir = await runDir();
    await saveCheckpoint(dir, checkpoint());
    await writeFile(checkpointPath(dir), v1);
    expect(await loadCheckpoint(dir)).toEqual(checkpoint());
    expect(await checkpointEpoch(dir)).toBe(7);
    expect(() => decodeCheckpoint(v1.subarray(0, v1.length - 4), 'x.ckpt')).toThrow(/x.ckpt/);
  });

  it('round-trips weights, shapes, Adam step and RNG state bit for bit', () => {
    const out = decodeCheckpoint(encodeCheckpoint(checkpoint()));
    expect(out).toEqual(checkpoint());
    expect(Object.is(out.arrays[1].data[1], -0)).toBe(true);
  });

  it('saves atomically, loads, and reads the epoch from the head alone', async () => {
    const dir = await runDir();
    expect(await loadCheckpoint(dir)).toBeUndefined();
    expect(await checkpointEpoch(dir)).toBeUndefined();
    await saveCheckpoint(dir, checkpoint());
    expect(await loadCheckpoint(dir)).toEqual(checkpoint());
    expect(await checkpointEpoch(dir)).toBe(7);
  });

  it('names the file when it is damaged; the epoch probe just finds none', async () => {
    const dir = await runDir();
    await saveCheckpoint(dir, checkpoint());
    const path = checkpointPath(dir);
    await truncate(path, 200);
    await expect(loadCheckpoint(dir)).rejects.toMatchObject({
      code: 'DATA_FORMAT',
      file: path,
      message: expect.stringContaining('truncated'),
    });
    await truncate(path, 20);
    expect(await checkpointEpoch(dir)).toBeUndefined();
    await writeFile(path, 'not a checkpoint at all');
    await expect(loadCheckpoint(dir)).rejects.toThrow(/not a RelaxCert checkpoint/);
    expect(await checkpointEpoch(dir)).toBeUndefined();
  });

  it('refuses a container whose header lacks the training state', () => {
    const bytes = encodeCheckpoint(checkpoint());
    const text = new TextDecoder().decode(bytes);
    const at = text.indexOf('"adamStep"');
    bytes.set(new TextEncoder().encode('"adamStop"'), at);
    expect(() => decodeCheckpoint(bytes, 'x.ckpt')).toThrow(/x\.ckpt: checkpoint header lacks/);
  });
});
