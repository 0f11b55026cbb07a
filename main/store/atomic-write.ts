/**
 * Crash-safe file writes: write a temporary file beside the target, fsync it, rename it over the
 * target, then fsync the folder, so a reader sees the old or the new content, never a part.
 */
import { closeSync, fsyncSync, openSync, renameSync, writeSync, unlinkSync } from 'node:fs';
import { open, readdir, rename, unlink } from 'node:fs/promises';
import { dirname, basename, join } from 'node:path';
import { randomBytes } from 'node:crypto';

function tempPath(target: string): string {
  return join(dirname(target), `.${basename(target)}.${randomBytes(6).toString('hex')}.tmp`);
}

/** The names tempPath gives: what a kill during a write leaves behind. */
const TEMP_NAME = /^\..+\.[0-9a-f]{12}\.tmp$/;

/**
 * Removes the temporaries a killed writer left in `dir`. Only for folders no process is writing
 * to now (a run folder under its lock, with no live owner).
 */
export async function sweepTemporaries(dir: string): Promise<string[]> {
  const names = await readdir(dir).catch(() => [] as string[]);
  const swept: string[] = [];
  for (const name of names) {
    if (!TEMP_NAME.test(name)) continue;
    await unlink(join(dir, name)).catch(() => {});
    swept.push(name);
  }
  return swept;
}

function fsyncDir(dir: string): void {
  // Directory fsync makes the rename itself durable; some platforms (Windows) refuse it.
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    /* best effort */
  }
}

/**
 * A write(2) or fsync(2) error carries no path; the target's is added, so a full disk is
 * reported as "cannot write <file>" (shared/errors.ts, fromSystemError).
 */
function naming(error: unknown, target: string): unknown {
  const e = error as NodeJS.ErrnoException;
  if (typeof e === 'object' && e !== null && typeof e.code === 'string' && e.path === undefined) {
    e.path = target;
  }
  return error;
}

/** `data` may be chunks of text, for files too large to hold as one string (.nnet exports). */
export async function writeFileAtomic(
  target: string,
  data: string | Uint8Array | Iterable<string>,
): Promise<void> {
  const tmp = tempPath(target);
  const handle = await open(tmp, 'w');
  try {
    if (typeof data === 'string' || data instanceof Uint8Array) await handle.writeFile(data);
    else for (const chunk of data) await handle.write(chunk);
    await handle.sync();
  } catch (error) {
    await handle.close();
    await unlink(tmp).catch(() => {});
    throw naming(error, target);
  }
  await handle.close();
  try {
    await rename(tmp, target);
  } catch (error) {
    await unlink(tmp).catch(() => {});
    throw error;
  }
  fsyncDir(dirname(target));
}

export function writeFileAtomicSync(target: string, data: string | Uint8Array): void {
  const tmp = tempPath(target);
  const fd = openSync(tmp, 'w');
  try {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    let offset = 0;
    while (offset < bytes.length) offset += writeSync(fd, bytes, offset, bytes.length - offset);
    fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    try {
      unlinkSync(tmp);
    } catch {
      /* already gone */
    }
    throw naming(error, target);
  }
  closeSync(fd);
  renameSync(tmp, target);
  fsyncDir(dirname(target));
}
