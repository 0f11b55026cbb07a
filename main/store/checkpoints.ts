/**
 * Which epoch the engine's checkpoint holds. The format is the engine's
 * (main/engine/train/checkpoint.ts: "RCCK", u32 version, u32 header length, JSON header with
 * `epoch`, then the arrays); only the header is read here, so the host never loads weights.
 */
import { open } from 'node:fs/promises';
import { join } from 'node:path';

const MAGIC = 0x4b434352; // "RCCK" little-endian
export const CHECKPOINT_FILE = 'latest.ckpt';

export async function latestCheckpointEpoch(dir: string): Promise<number | undefined> {
  let handle;
  try {
    handle = await open(join(dir, CHECKPOINT_FILE), 'r');
  } catch {
    return undefined;
  }
  try {
    const head = Buffer.alloc(12);
    if ((await handle.read(head, 0, 12, 0)).bytesRead < 12) return undefined;
    if (head.readUInt32LE(0) !== MAGIC) return undefined;
    const length = head.readUInt32LE(8);
    if (length > 16 * 1024 * 1024) return undefined;
    const json = Buffer.alloc(length);
    if ((await handle.read(json, 0, length, 12)).bytesRead < length) return undefined;
    const header = JSON.parse(json.toString('utf8')) as { epoch?: unknown };
    return typeof header.epoch === 'number' && Number.isInteger(header.epoch) && header.epoch >= 0
      ? header.epoch
      : undefined;
  } catch {
    return undefined;
  } finally {
    await handle.close();
  }
}
