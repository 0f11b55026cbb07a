/**
 * `runs/<id>/what-if-sets.json`: the run's named what-if affinity sets,
 * `{"version": 1, "whatIfSets": [{name, sets, names, savedAt}, ...]}`, rewritten atomically on
 * every change. A file that does not parse or holds an invalid entry is a DATA_FORMAT error
 * naming it (and the entry), never a silent reset: the user's saved sets are not thrown away.
 * Callers hold the run lock (run-lock.ts) around read-modify-write.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { whatIfProblem, type WhatIfSets } from '../../shared/api/what-if-sets.ts';
import { fromSystemError, RelaxCertError } from '../../shared/errors.ts';
import { writeFileAtomic } from './atomic-write.ts';

export const WHAT_IF_FILE = 'what-if-sets.json';
const VERSION = 1;

export function whatIfPath(runDir: string): string {
  return join(runDir, WHAT_IF_FILE);
}

/** The saved entries, checked against the run's class count; [] when the file does not exist. */
export async function readWhatIfSets(runDir: string, numClasses: number): Promise<WhatIfSets[]> {
  const file = whatIfPath(runDir);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw fromSystemError(error) ?? error;
  }
  const fail = (why: string): never => {
    throw new RelaxCertError('DATA_FORMAT', `${file}: ${why}`, { file });
  };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return fail(`not valid JSON (${(error as Error).message})`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return fail('expected an object {"version": 1, "whatIfSets": [...]}');
  }
  const o = value as Record<string, unknown>;
  if (o.version !== VERSION) fail(`unsupported version ${String(o.version)} (expected ${VERSION})`);
  if (!Array.isArray(o.whatIfSets)) fail('"whatIfSets" must be a list');
  const list = o.whatIfSets as unknown[];
  const seen = new Set<string>();
  list.forEach((entry, i) => {
    const problem = whatIfProblem(entry, numClasses);
    const label = `entry ${i + 1}`;
    if (problem !== undefined) {
      fail(`${label}${problem.field ? ` (${problem.field})` : ''}: ${problem.message}`);
    }
    const w = entry as WhatIfSets;
    if (typeof w.savedAt !== 'string') fail(`${label} (savedAt): missing`);
    if (seen.has(w.name)) fail(`${label}: the name “${w.name}” appears twice`);
    seen.add(w.name);
  });
  return list as WhatIfSets[];
}

export async function writeWhatIfSets(runDir: string, list: readonly WhatIfSets[]): Promise<void> {
  const body = { version: VERSION, whatIfSets: list };
  await writeFileAtomic(whatIfPath(runDir), `${JSON.stringify(body, null, 2)}\n`);
}
