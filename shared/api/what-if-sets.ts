/**
 * Named what-if affinity sets of a run: collections the user saved from the affinity editor to
 * re-certify with later. The host keeps them in the run folder (`what-if-sets.json`) so every
 * window, browser and process sees the same list; this module is their one shape and one check,
 * used for requests (saveWhatIfSets) and for the file alike.
 */
import { validateAffinitySets } from '../certify/affinity.ts';
import { findControlCharacter } from '../control-characters.ts';
import { RelaxCertError } from '../errors.ts';

export interface WhatIfSets {
  /** How the user tells them apart: unique within a run, 1–200 characters. */
  name: string;
  /** Affinity sets (class ids), valid for the run's class count. */
  sets: number[][];
  /** Display name of each set, same order and length as `sets`. */
  names: string[];
  /** ISO time of the save. */
  savedAt: string;
}

/** What a save carries; `savedAt` only when an entry comes back (Undo, migration). */
export type WhatIfSetsInput = Omit<WhatIfSets, 'savedAt'> & { savedAt?: string };

export const WHAT_IF_NAME_MAX = 200;

/** Where a bad value sits: `field` names it ('name', 'sets', ...), `message` says why. */
export interface WhatIfProblem {
  field: string;
  message: string;
}

/**
 * Checks one entry against the run's class count; undefined when it is valid. The affinity sets
 * go through the same validator as a config's guarantee (shared/certify/affinity.ts).
 */
export function whatIfProblem(value: unknown, numClasses: number): WhatIfProblem | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { field: '', message: 'a what-if entry must be an object with name, sets and names' };
  }
  const w = value as Record<string, unknown>;
  if (typeof w.name !== 'string' || w.name.trim() === '') {
    return { field: 'name', message: 'name must be a non-empty text' };
  }
  if (w.name.length > WHAT_IF_NAME_MAX) {
    return {
      field: 'name',
      message: `name is ${w.name.length} characters long (at most ${WHAT_IF_NAME_MAX})`,
    };
  }
  const control = findControlCharacter(w.name);
  if (control !== undefined) {
    return { field: 'name', message: `name holds the control character ${control}` };
  }
  if (!Array.isArray(w.sets) || w.sets.length === 0) {
    return { field: 'sets', message: 'sets must be a non-empty list of class-id lists' };
  }
  try {
    validateAffinitySets(w.sets as number[][], numClasses);
  } catch (error) {
    if (error instanceof RelaxCertError) return { field: 'sets', message: error.message };
    throw error;
  }
  if (
    !Array.isArray(w.names) ||
    w.names.length !== w.sets.length ||
    !w.names.every((n) => typeof n === 'string')
  ) {
    return { field: 'names', message: `names must be ${w.sets.length} texts, one per set` };
  }
  if (w.savedAt !== undefined && (typeof w.savedAt !== 'string' || isNaN(Date.parse(w.savedAt)))) {
    return { field: 'savedAt', message: 'savedAt must be an ISO time' };
  }
  return undefined;
}

/**
 * Checks a save request's entry; throws INVALID_AFFINITY for bad sets, INVALID_INPUT otherwise,
 * naming the field (`whatIf.sets`, ...).
 */
export function checkWhatIfInput(value: unknown, numClasses: number): WhatIfSetsInput {
  const problem = whatIfProblem(value, numClasses);
  if (problem !== undefined) {
    const field = problem.field === '' ? 'whatIf' : `whatIf.${problem.field}`;
    throw new RelaxCertError(
      problem.field === 'sets' ? 'INVALID_AFFINITY' : 'INVALID_INPUT',
      `what-if sets: ${problem.message}`,
      { field },
    );
  }
  const w = value as WhatIfSetsInput;
  const out: WhatIfSetsInput = {
    name: w.name.trim(),
    sets: w.sets.map((s) => [...s]),
    names: [...w.names],
  };
  if (w.savedAt !== undefined) out.savedAt = w.savedAt;
  return out;
}

/** The list with `entry` in place of the one of the same name, or appended when it is new. */
export function withWhatIf(list: readonly WhatIfSets[], entry: WhatIfSets): WhatIfSets[] {
  const at = list.findIndex((w) => w.name === entry.name);
  if (at < 0) return [...list, entry];
  return list.map((w, i) => (i === at ? entry : w));
}

export function withoutWhatIf(list: readonly WhatIfSets[], name: string): WhatIfSets[] {
  return list.filter((w) => w.name !== name);
}
