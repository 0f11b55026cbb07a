/**
 * Affinity sets (PAPER.md, "Affinity"): collections of class sets; a point may be certified with
 * its top-k set F^k(x) only when F^k(x) lies inside one of them. Sets may overlap; a class in no
 * set can still be certified alone (k = 1 is always allowed).
 *
 * String form of the reference library: `[0,1][0,2][1,3]`. JSON forms: `[[0,1],[0,2]]` or
 * `{"sets": [[0,1],[0,2]], "names": ["a", "b"]}`.
 */
import { RelaxCertError } from '../errors.ts';

export interface AffinitySets {
  numClasses: number;
  /** Class ids of each set, as given (validated: ids in range, no duplicates, not empty). */
  sets: number[][];
  /** Optional display names of the sets, same order. */
  names?: string[];
}

function fail(message: string): never {
  throw new RelaxCertError('INVALID_AFFINITY', message, { field: 'guarantee.sets' });
}

/** Throws INVALID_AFFINITY naming the set and class at fault. */
export function validateAffinitySets(sets: number[][], numClasses: number): void {
  if (!Number.isInteger(numClasses) || numClasses < 1) {
    fail(`Affinity sets: the number of classes must be a positive integer (got ${numClasses}).`);
  }
  if (!Array.isArray(sets)) fail('Affinity sets must be a list of class-id lists.');
  const seen = new Map<string, number>();
  sets.forEach((set, s) => {
    if (!Array.isArray(set)) fail(`Affinity set ${s + 1} is not a list of class ids.`);
    if (set.length === 0) fail(`Affinity set ${s + 1} is empty.`);
    const inSet = new Set<number>();
    for (const id of set) {
      if (typeof id !== 'number' || !Number.isInteger(id)) {
        fail(`Affinity set ${s + 1}: class id ${String(id)} is not an integer.`);
      }
      if (id < 0 || id >= numClasses) {
        fail(`Affinity set ${s + 1}: unknown class id ${id} (class ids are 0..${numClasses - 1}).`);
      }
      if (inSet.has(id)) fail(`Affinity set ${s + 1}: class ${id} appears twice.`);
      inSet.add(id);
    }
    const key = [...set].sort((a, b) => a - b).join(',');
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      fail(`Affinity set ${s + 1} duplicates set ${earlier + 1} ([${key}]).`);
    }
    seen.set(key, s);
  });
}

/** Validates and wraps plain sets (e.g. a config's `guarantee.sets`). */
export function makeAffinitySets(
  sets: number[][],
  numClasses: number,
  names?: string[],
): AffinitySets {
  validateAffinitySets(sets, numClasses);
  if (names !== undefined && names.length !== sets.length) {
    fail(`Affinity sets: ${names.length} names given for ${sets.length} sets.`);
  }
  const out: AffinitySets = { numClasses, sets: sets.map((s) => [...s]) };
  if (names !== undefined) out.names = [...names];
  return out;
}

function parseToken(
  token: string,
  position: number,
  text: string,
  classNames: string[] | undefined,
): number {
  if (/^[+-]?\d+$/.test(token)) return Number(token);
  if (classNames !== undefined) {
    const exact = classNames.indexOf(token);
    if (exact >= 0) return exact;
    const lower = token.toLowerCase();
    const loose = classNames.findIndex((n) => n.toLowerCase() === lower);
    if (loose >= 0) return loose;
    fail(`Affinity sets "${text}": unknown class name "${token}" at position ${position + 1}.`);
  }
  fail(`Affinity sets "${text}": "${token}" at position ${position + 1} is not a class id.`);
}

function parseBracketForm(text: string, classNames: string[] | undefined): number[][] {
  const sets: number[][] = [];
  let i = 0;
  const n = text.length;
  const skipSpace = (): void => {
    while (i < n && /\s/.test(text[i])) i++;
  };
  skipSpace();
  if (i >= n) fail('Affinity sets: the text is empty.');
  while (i < n) {
    if (text[i] !== '[') {
      fail(`Affinity sets "${text}": expected "[" at position ${i + 1}, found "${text[i]}".`);
    }
    const close = text.indexOf(']', i + 1);
    if (close < 0) fail(`Affinity sets "${text}": "[" at position ${i + 1} is never closed.`);
    const body = text.slice(i + 1, close);
    if (body.includes('[')) {
      fail(`Affinity sets "${text}": nested "[" inside the set opened at position ${i + 1}.`);
    }
    const set: number[] = [];
    let offset = i + 1;
    for (const raw of body.split(',')) {
      const token = raw.trim();
      const at = offset + raw.indexOf(token);
      if (token === '') {
        if (body.trim() === '') fail(`Affinity sets "${text}": set ${sets.length + 1} is empty.`);
        fail(`Affinity sets "${text}": missing class id at position ${at + 1}.`);
      }
      set.push(parseToken(token, at, text, classNames));
      offset += raw.length + 1;
    }
    sets.push(set);
    i = close + 1;
    skipSpace();
    if (i < n && text[i] === ',') {
      // `[0,1],[2,3]` is tolerated.
      i++;
      skipSpace();
    }
  }
  return sets;
}

function fromJsonValue(
  value: unknown,
  classNames: string[] | undefined,
): { sets: number[][]; names?: string[] } {
  const toId = (v: unknown, s: number): number => {
    if (typeof v === 'number') return v;
    if (typeof v === 'string') return parseToken(v.trim(), 0, JSON.stringify(value), classNames);
    fail(`Affinity set ${s + 1}: ${JSON.stringify(v)} is not a class id.`);
  };
  const toSets = (v: unknown): number[][] => {
    if (!Array.isArray(v)) fail('Affinity sets JSON: "sets" must be a list of lists.');
    return v.map((set: unknown, s: number) => {
      if (!Array.isArray(set)) fail(`Affinity set ${s + 1} is not a list of class ids.`);
      return set.map((id: unknown) => toId(id, s));
    });
  };
  if (Array.isArray(value)) return { sets: toSets(value) };
  if (value !== null && typeof value === 'object' && 'sets' in value) {
    const obj = value as { sets: unknown; names?: unknown };
    const sets = toSets(obj.sets);
    if (obj.names === undefined) return { sets };
    if (!Array.isArray(obj.names) || !obj.names.every((x) => typeof x === 'string')) {
      fail('Affinity sets JSON: "names" must be a list of strings.');
    }
    return { sets, names: obj.names as string[] };
  }
  fail('Affinity sets JSON must be a list of lists or an object with "sets".');
}

/**
 * Parses either the reference string form `[0,1][0,2]` (whitespace tolerated; class names as
 * tokens when `classNames` is given) or JSON, then validates against `numClasses`.
 */
export function parseAffinitySets(
  text: string,
  numClasses: number,
  classNames?: string[],
): AffinitySets {
  const trimmed = text.trim();
  let parsed: { sets: number[][]; names?: string[] };
  if (trimmed.startsWith('{') || trimmed.startsWith('[[') || /^\[\s*\[/.test(trimmed)) {
    let value: unknown;
    try {
      value = JSON.parse(trimmed);
    } catch (e) {
      fail(`Affinity sets: invalid JSON (${(e as Error).message}).`);
    }
    parsed = fromJsonValue(value, classNames);
  } else {
    parsed = { sets: parseBracketForm(text, classNames) };
  }
  return makeAffinitySets(parsed.sets, numClasses, parsed.names);
}

/** The reference string form, e.g. `[0,1][0,2]`. */
export function formatAffinitySets(a: AffinitySets | number[][]): string {
  const sets = Array.isArray(a) ? a : a.sets;
  return sets.map((s) => `[${s.join(',')}]`).join('');
}

export function affinitySetsToJson(a: AffinitySets): string {
  const obj: { sets: number[][]; names?: string[] } = { sets: a.sets };
  if (a.names !== undefined) obj.names = a.names;
  return JSON.stringify(obj);
}

/**
 * Bitmaps of the sets for the certification loop. `setWords[s * classWords + w]` holds classes
 * 32w..32w+31 of set s; `classSets[c * setWordsPerClass + w]` holds the sets 32w..32w+31 that
 * contain class c. Both are multi-word, so any number of classes and sets work.
 */
export interface AffinityBitmaps {
  numClasses: number;
  numSets: number;
  classWords: number;
  setWords: Uint32Array;
  setWordsPerClass: number;
  classSets: Uint32Array;
  /** Size of the largest set (at least 1): the K of an affinity GloRo net. */
  maxSetSize: number;
}

export function affinityBitmaps(a: AffinitySets): AffinityBitmaps {
  validateAffinitySets(a.sets, a.numClasses);
  const numClasses = a.numClasses;
  const numSets = a.sets.length;
  const classWords = Math.ceil(numClasses / 32);
  const setWordsPerClass = Math.max(1, Math.ceil(numSets / 32));
  const setWords = new Uint32Array(numSets * classWords);
  const classSets = new Uint32Array(numClasses * setWordsPerClass);
  let maxSetSize = 1;
  a.sets.forEach((set, s) => {
    maxSetSize = Math.max(maxSetSize, set.length);
    for (const c of set) {
      setWords[s * classWords + (c >>> 5)] |= 1 << (c & 31);
      classSets[c * setWordsPerClass + (s >>> 5)] |= 1 << (s & 31);
    }
  });
  return { numClasses, numSets, classWords, setWords, setWordsPerClass, classSets, maxSetSize };
}

/** Whether class `c` belongs to set `s`. */
export function setHasClass(b: AffinityBitmaps, s: number, c: number): boolean {
  return (b.setWords[s * b.classWords + (c >>> 5)] & (1 << (c & 31))) !== 0;
}
