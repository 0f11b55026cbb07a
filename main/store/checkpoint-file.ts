/**
 * Training checkpoints: one binary file `${runDir}/checkpoints/latest.ckpt`, written atomically
 * at the end of every epoch. Layout: "RCCK", u32 version, u32 header length, JSON header
 * (epoch, Adam step, RNG state, array table), padding to 4 bytes, then the float32 arrays.
 * Holds everything a resumed run needs to continue bit for bit: weights, Adam moments, the
 * power-iteration iterates, the epoch and the shuffling RNG state.
 */
import { mkdir, open, readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from './atomic-write.ts';
import type { EpochMetrics } from '../../shared/api/run-types.ts';
import { RelaxCertError } from '../../shared/errors.ts';

/** A named float32 array (weights, optimiser moments, power-iteration iterates). */
export interface NamedArray {
  name: string;
  shape: number[];
  data: Float32Array;
}

export interface Checkpoint {
  /** Epochs completed. */
  epoch: number;
  adamStep: number;
  rngState: number[];
  /** Fingerprint of the layer plan, to refuse a checkpoint of another architecture. */
  planKey: string;
  arrays: NamedArray[];
  /**
   * The metrics line of this epoch. Checkpoint and metrics line are written one after the
   * other; a kill between the two would lose the line, so the checkpoint carries it and a
   * resume restores it (run-store.ts, prepareRestart).
   */
  metrics?: EpochMetrics;
}

interface Header {
  epoch: number;
  adamStep: number;
  rngState: number[];
  planKey: string;
  arrays: Array<{ name: string; shape: number[]; offset: number; length: number }>;
  metrics?: EpochMetrics;
}

const MAGIC = 0x4b434352; // "RCCK" little-endian
const VERSION = 1;

export function checkpointPath(runDir: string): string {
  return join(runDir, 'checkpoints', 'latest.ckpt');
}

export function encodeCheckpoint(c: Checkpoint): Uint8Array {
  let offset = 0;
  const table = c.arrays.map((a) => {
    const entry = { name: a.name, shape: a.shape, offset, length: a.data.length };
    offset += a.data.length;
    return entry;
  });
  const header: Header = {
    epoch: c.epoch,
    adamStep: c.adamStep,
    rngState: c.rngState,
    planKey: c.planKey,
    arrays: table,
  };
  if (c.metrics !== undefined) header.metrics = c.metrics;
  const json = new TextEncoder().encode(JSON.stringify(header));
  const dataStart = Math.ceil((12 + json.length) / 4) * 4;
  const bytes = new Uint8Array(dataStart + offset * 4);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, MAGIC, true);
  view.setUint32(4, VERSION, true);
  view.setUint32(8, json.length, true);
  bytes.set(json, 12);
  const floats = new Float32Array(bytes.buffer, dataStart, offset);
  c.arrays.forEach((a, i) => floats.set(a.data, table[i].offset));
  return bytes;
}

export function decodeCheckpoint(bytes: Uint8Array, file = 'checkpoint'): Checkpoint {
  const fail = (why: string): never => {
    throw new RelaxCertError('DATA_FORMAT', `${file}: ${why}`, { file });
  };
  if (bytes.length < 12) fail('file too short');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(0, true) !== MAGIC) fail('not a RelaxCert checkpoint');
  if (view.getUint32(4, true) !== VERSION) fail(`unsupported version ${view.getUint32(4, true)}`);
  const jsonLength = view.getUint32(8, true);
  if (12 + jsonLength > bytes.length) fail('truncated header');
  const header = JSON.parse(
    new TextDecoder().decode(bytes.subarray(12, 12 + jsonLength)),
  ) as Header;
  const dataStart = Math.ceil((12 + jsonLength) / 4) * 4;
  // Copy into an aligned buffer: the file's bytes may sit at any offset of a Node Buffer.
  const total = header.arrays.reduce((s, a) => s + a.length, 0);
  if (dataStart + total * 4 > bytes.length) fail('truncated data');
  const aligned = new Float32Array(total);
  new Uint8Array(aligned.buffer).set(bytes.subarray(dataStart, dataStart + total * 4));
  const checkpoint: Checkpoint = {
    epoch: header.epoch,
    adamStep: header.adamStep,
    rngState: header.rngState,
    planKey: header.planKey,
    arrays: header.arrays.map((a) => ({
      name: a.name,
      shape: a.shape,
      data: aligned.subarray(a.offset, a.offset + a.length),
    })),
  };
  if (header.metrics !== undefined) checkpoint.metrics = header.metrics;
  return checkpoint;
}

/**
 * The epoch of the checkpoint in `runDir`, reading only the header (the host uses this to trim
 * metrics on resume without loading weights); undefined when there is no readable checkpoint.
 */
export async function checkpointEpoch(runDir: string): Promise<number | undefined> {
  return (await checkpointHead(runDir))?.epoch;
}

/**
 * The epoch of the checkpoint and the metrics line it carries, from the header alone;
 * undefined when there is no readable checkpoint.
 */
export async function checkpointHead(
  runDir: string,
): Promise<{ epoch: number; metrics?: EpochMetrics } | undefined> {
  let handle;
  try {
    handle = await open(checkpointPath(runDir), 'r');
  } catch {
    return undefined;
  }
  try {
    const head = new Uint8Array(12);
    if ((await handle.read(head, 0, 12, 0)).bytesRead < 12) return undefined;
    const view = new DataView(head.buffer);
    if (view.getUint32(0, true) !== MAGIC) return undefined;
    const jsonLength = view.getUint32(8, true);
    if (jsonLength > 16 * 1024 * 1024) return undefined;
    const json = new Uint8Array(jsonLength);
    if ((await handle.read(json, 0, jsonLength, 12)).bytesRead < jsonLength) return undefined;
    const { epoch, metrics } = JSON.parse(new TextDecoder().decode(json)) as {
      epoch?: unknown;
      metrics?: EpochMetrics;
    };
    if (typeof epoch !== 'number' || !Number.isInteger(epoch) || epoch < 0) return undefined;
    return metrics?.epoch === epoch ? { epoch, metrics } : { epoch };
  } catch {
    return undefined;
  } finally {
    await handle.close();
  }
}

export async function saveCheckpoint(runDir: string, c: Checkpoint): Promise<void> {
  await mkdir(join(runDir, 'checkpoints'), { recursive: true });
  await writeFileAtomic(checkpointPath(runDir), encodeCheckpoint(c));
}

export async function loadCheckpoint(runDir: string): Promise<Checkpoint | undefined> {
  const path = checkpointPath(runDir);
  if (!existsSync(path)) return undefined;
  return decodeCheckpoint(await readFile(path), path);
}
