/**
 * The per-run lock across processes: `runs/<id>/run.lock`, created with O_EXCL and holding its
 * owner (pid, the process's start time, the operation). Start, resume, cancel, delete, rename
 * and export take it around their check-then-change, so two processes resuming one run at the
 * same instant cannot both train it: the second waits, then finds the run queued by the first.
 * A lock whose owner is dead (or whose pid now names a newer process) is stale and taken over.
 * A sweep's driver holds the same kind of lock in the sweep's folder for as long as it runs
 * (store/sweep-state.ts), so one process at a time drives a sweep.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { open, readFile, rename, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { RelaxCertError } from '../../shared/errors.ts';
import { processAlive } from './process-alive.ts';

export const LOCK_FILE = 'run.lock';

export interface LockOwner {
  pid: number;
  /** The owner process's start, from /proc on Linux: tells a reused pid from the owner. */
  processStart?: string;
  op: string;
  since: string;
  token: string;
}

export interface LockOptions {
  /** How long to wait for another process's lock before giving up with CONFLICT. */
  waitMs?: number;
  isAlive?: (pid: number) => boolean;
  /** What the lock guards, for messages: default "run '<id>'" (a sweep names itself). */
  subject?: string;
  /** The field a CONFLICT or NOT_FOUND names: default 'runId'. */
  field?: string;
}

/** Locks are held for a check and a few small writes: a lock this old with no owner is junk. */
const UNREADABLE_STALE_MS = 10_000;
const POLL_MS = 25;

/** A process's start time in clock ticks since boot (Linux); undefined elsewhere. */
export function processStart(pid: number): string | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count from the last ')'.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return fields[19];
  } catch {
    return undefined;
  }
}

function isStale(owner: LockOwner, isAlive: (pid: number) => boolean): boolean {
  if (owner.pid === process.pid) return false; // our own, held by another operation
  if (!isAlive(owner.pid)) return true;
  const start = processStart(owner.pid);
  return owner.processStart !== undefined && start !== undefined && start !== owner.processStart;
}

async function readOwner(file: string): Promise<LockOwner | undefined> {
  try {
    const owner = JSON.parse(await readFile(file, 'utf8')) as LockOwner;
    return typeof owner.pid === 'number' ? owner : undefined;
  } catch {
    return undefined;
  }
}

async function tryCreate(file: string, owner: LockOwner): Promise<boolean> {
  let handle;
  try {
    handle = await open(file, 'wx');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    await handle.writeFile(JSON.stringify(owner));
  } finally {
    await handle.close();
  }
  return true;
}

/** Moves a stale lock aside, unless it changed since it was judged stale. */
async function breakStale(file: string, judged: string | undefined): Promise<void> {
  const now = await readFile(file, 'utf8').catch(() => undefined);
  if (now !== judged) return;
  const aside = `${file}.stale-${randomBytes(4).toString('hex')}`;
  try {
    await rename(file, aside);
  } catch {
    return; // another process broke it first
  }
  await unlink(aside).catch(() => {});
}

/**
 * Runs `work` holding the run's lock. The lock of another live process is waited for up to
 * `waitMs`, then CONFLICT names its holder; a stale lock is broken.
 */
export async function withRunLock<T>(
  runDir: string,
  runId: string,
  op: string,
  work: () => Promise<T>,
  options: LockOptions = {},
): Promise<T> {
  const file = join(runDir, LOCK_FILE);
  const isAlive = options.isAlive ?? processAlive;
  const owner: LockOwner = {
    pid: process.pid,
    op,
    since: new Date().toISOString(),
    token: randomBytes(8).toString('hex'),
  };
  const start = processStart(process.pid);
  if (start !== undefined) owner.processStart = start;
  const deadline = Date.now() + (options.waitMs ?? 2000);
  const subject = options.subject ?? `run '${runId}'`;
  const field = options.field ?? 'runId';
  for (;;) {
    let created: boolean;
    try {
      created = await tryCreate(file, owner);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        throw new RelaxCertError('NOT_FOUND', `${subject} does not exist`, { field });
      }
      throw error;
    }
    if (created) break;
    const text = await readFile(file, 'utf8').catch(() => undefined);
    const holder = await readOwner(file);
    if (holder === undefined) {
      const age = await stat(file).then(
        (s) => Date.now() - s.mtimeMs,
        () => 0,
      );
      if (text !== undefined && age > UNREADABLE_STALE_MS) await breakStale(file, text);
    } else if (isStale(holder, isAlive)) {
      await breakStale(file, text);
      continue;
    }
    if (Date.now() >= deadline) {
      const who =
        holder === undefined
          ? 'another process'
          : `process ${holder.pid}${holder.pid === process.pid ? ' (this one)' : ''} (${holder.op}, since ${holder.since})`;
      throw new RelaxCertError('CONFLICT', `${subject} is busy: ${who} holds its lock`, {
        field,
      });
    }
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
  try {
    return await work();
  } finally {
    // Only our own lock is removed (a delete may have moved the folder away with it).
    const holder = await readOwner(file);
    if (holder?.token === owner.token) await unlink(file).catch(() => {});
  }
}

/** The live owner of the lock in `dir`, if any (a stale or unreadable lock has none). */
export async function lockHolder(
  dir: string,
  isAlive: (pid: number) => boolean = processAlive,
): Promise<LockOwner | undefined> {
  const holder = await readOwner(join(dir, LOCK_FILE));
  return holder === undefined || isStale(holder, isAlive) ? undefined : holder;
}
