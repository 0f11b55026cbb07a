/**
 * Reader of version-1 checkpoints (before the shared container): "RCCK", u32 version 1, u32
 * header length, JSON header (epoch, Adam step, RNG state, plan key, array table with float32
 * offsets), padding to 4 bytes, then the float32 data. Kept so that runs trained by an earlier
 * build still resume and evaluate; new checkpoints are always written as version 2.
 */
import { prefixedJson } from './binary-container.ts';
import { RelaxCertError } from '../../shared/errors.ts';

interface HeaderV1 {
  epoch: number;
  adamStep: number;
  rngState: number[];
  planKey: string;
  arrays: Array<{ name: string; shape: number[]; offset: number; length: number }>;
}

/** Whether `bytes` start like a version-1 checkpoint ("RCCK", version 1). */
export function isCheckpointV1(bytes: Uint8Array): boolean {
  if (bytes.length < 12) return false;
  const magic = String.fromCharCode(bytes[0], bytes[1], bytes[2], bytes[3]);
  const view = new DataView(bytes.buffer, bytes.byteOffset, 8);
  return magic === 'RCCK' && view.getUint32(4, true) === 1;
}

/** The version-1 JSON header (`bytes` may hold only the first part of the file). */
export function checkpointV1Header(bytes: Uint8Array, file: string): HeaderV1 {
  const fail = (why: string): never => {
    throw new RelaxCertError('DATA_FORMAT', `${file}: ${why}`, { file });
  };
  const header = prefixedJson(bytes, file).json as HeaderV1 | null;
  if (
    !Number.isInteger(header?.epoch) ||
    !Number.isInteger(header?.adamStep) ||
    !Array.isArray(header?.rngState) ||
    typeof header?.planKey !== 'string' ||
    !Array.isArray(header?.arrays)
  ) {
    fail('checkpoint header lacks a field');
  }
  return header as HeaderV1;
}

/** The decoded state, shaped as checkpoint-file.ts's Checkpoint (which imports this file). */
export interface CheckpointV1 {
  epoch: number;
  adamStep: number;
  rngState: number[];
  planKey: string;
  arrays: { name: string; shape: number[]; data: Float32Array }[];
}

export function decodeCheckpointV1(bytes: Uint8Array, file: string): CheckpointV1 {
  const header = checkpointV1Header(bytes, file);
  const dataStart = Math.ceil(prefixedJson(bytes, file).end / 4) * 4;
  const total = header.arrays.reduce((s, a) => s + a.length, 0);
  const inside = header.arrays.every(
    (a) => Number.isInteger(a.offset) && Number.isInteger(a.length) && a.offset + a.length <= total,
  );
  if (!inside || dataStart + total * 4 > bytes.length) {
    throw new RelaxCertError('DATA_FORMAT', `${file}: truncated data`, { file });
  }
  // Copied into an aligned buffer: the file's bytes may sit at any offset of a Node Buffer.
  const aligned = new Float32Array(total);
  new Uint8Array(aligned.buffer).set(bytes.subarray(dataStart, dataStart + total * 4));
  return {
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
}
