/**
 * Training checkpoints: one binary file `${runDir}/checkpoints/latest.ckpt`, written atomically
 * at the end of every epoch, in the shared container layout (binary-container.ts, magic "RCCK"):
 * a JSON header (epoch, Adam step, RNG state, plan key, shapes) and one float32 section per array.
 * Holds everything a resumed run needs to continue bit for bit: weights, Adam moments, the
 * power-iteration iterates, the epoch and the shuffling RNG state.
 */
import { mkdir, open, readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from './atomic-write.ts';
import type { EpochMetrics } from '../../shared/api/run-types.ts';
import { RelaxCertError } from '../../shared/errors.ts';
import {
  CONTAINER_PREFIX_BYTES,
  containerHeadBytes,
  decodeContainer,
  encodeContainer,
  parseContainerHead,
} from './binary-container.ts';
import type { ContainerFormat } from './binary-container.ts';
import { checkpointV1Header, decodeCheckpointV1, isCheckpointV1 } from './checkpoint-v1.ts';
import { epochMetricsFrom } from './metrics-log.ts';

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
  /** Shape of each array, by name; the arrays are the container's float32 sections. */
  shapes: Record<string, number[]>;
  metrics?: EpochMetrics;
}

/** Version 2: the shared container layout (version 1 had its own). */
const FORMAT: ContainerFormat = { magic: 'RCCK', version: 2, what: 'RelaxCert checkpoint' };

export function checkpointPath(runDir: string): string {
  return join(runDir, 'checkpoints', 'latest.ckpt');
}

export function encodeCheckpoint(c: Checkpoint): Uint8Array {
  const header: Header = {
    epoch: c.epoch,
    adamStep: c.adamStep,
    rngState: c.rngState,
    planKey: c.planKey,
    shapes: Object.fromEntries(c.arrays.map((a) => [a.name, a.shape])),
  };
  if (c.metrics !== undefined) header.metrics = c.metrics;
  return encodeContainer(FORMAT, header, c.arrays);
}

function checkHeader(header: unknown, file: string): Header {
  const h = header as Partial<Header> | null;
  const ok =
    Number.isInteger(h?.epoch) &&
    Number.isInteger(h?.adamStep) &&
    Array.isArray(h?.rngState) &&
    typeof h?.planKey === 'string' &&
    typeof h?.shapes === 'object' &&
    h.shapes !== null;
  if (!ok) {
    throw new RelaxCertError('DATA_FORMAT', `${file}: checkpoint header lacks a field`, { file });
  }
  return h as Header;
}

export function decodeCheckpoint(bytes: Uint8Array, file = 'checkpoint'): Checkpoint {
  if (isCheckpointV1(bytes)) return decodeCheckpointV1(bytes, file);
  const decoded = decodeContainer(bytes, FORMAT, file);
  const header = checkHeader(decoded.header, file);
  const checkpoint: Checkpoint = {
    epoch: header.epoch,
    adamStep: header.adamStep,
    rngState: header.rngState,
    planKey: header.planKey,
    arrays: [...decoded.sections.keys()].map((name) => ({
      name,
      shape: header.shapes[name] ?? [],
      data: decoded.section(name, 'float32'),
    })),
  };
  if (header.metrics !== undefined) checkpoint.metrics = epochMetricsFrom(header.metrics);
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
    const prefix = new Uint8Array(CONTAINER_PREFIX_BYTES);
    await handle.read(prefix, 0, prefix.length, 0);
    let header: { epoch?: unknown; metrics?: EpochMetrics };
    if (isCheckpointV1(prefix)) {
      const length = new DataView(prefix.buffer).getUint32(8, true);
      const v1 = new Uint8Array(12 + Math.min(length, 16 * 1024 * 1024));
      await handle.read(v1, 0, v1.length, 0);
      header = checkpointV1Header(v1, 'checkpoint');
    } else {
      const head = new Uint8Array(containerHeadBytes(prefix, FORMAT, 'checkpoint'));
      await handle.read(head, 0, head.length, 0);
      header = parseContainerHead(head, FORMAT, 'checkpoint').header as typeof header;
    }
    const { epoch, metrics } = header;
    if (typeof epoch !== 'number' || !Number.isInteger(epoch) || epoch < 0) return undefined;
    return metrics?.epoch === epoch ? { epoch, metrics: epochMetricsFrom(metrics) } : { epoch };
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

/** The run's checkpoint, or NOT_FOUND naming its folder: the run has not finished an epoch. */
export async function requireCheckpoint(runDir: string): Promise<Checkpoint> {
  const checkpoint = await loadCheckpoint(runDir);
  if (checkpoint === undefined) {
    throw new RelaxCertError(
      'NOT_FOUND',
      `${join(runDir, 'checkpoints')}: the run has no trained weights yet (train it first)`,
      { file: checkpointPath(runDir) },
    );
  }
  return checkpoint;
}
