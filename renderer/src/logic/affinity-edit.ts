/**
 * Editing operations of the affinity-set editor, on a plain immutable model: every operation
 * returns a new model. Sets may overlap; empty sets may exist while editing and are dropped
 * (with a warning) when the sets are used for certification.
 */
export interface AffinityDraft {
  sets: number[][];
  names: string[];
}

export function draftFrom(sets: number[][], names?: string[]): AffinityDraft {
  return {
    sets: sets.map((s) => [...s]),
    names: sets.map((_, i) => names?.[i] ?? `Set ${i + 1}`),
  };
}

function uniqueName(names: string[]): string {
  let i = names.length + 1;
  while (names.includes(`Set ${i}`)) i++;
  return `Set ${i}`;
}

export function addSet(d: AffinityDraft, classes: number[] = [], name?: string): AffinityDraft {
  return {
    sets: [...d.sets, [...new Set(classes)]],
    names: [...d.names, name ?? uniqueName(d.names)],
  };
}

export function deleteSet(d: AffinityDraft, s: number): AffinityDraft {
  return { sets: d.sets.filter((_, i) => i !== s), names: d.names.filter((_, i) => i !== s) };
}

export function renameSet(d: AffinityDraft, s: number, name: string): AffinityDraft {
  return { sets: d.sets, names: d.names.map((n, i) => (i === s ? name : n)) };
}

/** Adds a class to a set (no-op when it is already there): a class may sit in several sets. */
export function addClass(d: AffinityDraft, cls: number, to: number): AffinityDraft {
  if (d.sets[to]?.includes(cls) !== false) return d;
  return {
    ...d,
    sets: d.sets.map((set, i) => (i === to ? [...set, cls].sort((a, b) => a - b) : set)),
  };
}

export function removeClass(d: AffinityDraft, cls: number, from: number): AffinityDraft {
  return { ...d, sets: d.sets.map((set, i) => (i === from ? set.filter((x) => x !== cls) : set)) };
}

/** Moves a class from one set to another (drag and drop without a modifier). */
export function moveClass(d: AffinityDraft, cls: number, from: number, to: number): AffinityDraft {
  if (from === to) return d;
  return addClass(removeClass(d, cls, from), cls, to);
}

export interface AffinityWarning {
  kind: 'unassigned' | 'too-large' | 'empty' | 'duplicate' | 'singleton';
  message: string;
}

/** Problems worth showing beside the editor; none of them stops certification. */
export function affinityWarnings(
  d: AffinityDraft,
  classNames: string[],
  maxK: number,
): AffinityWarning[] {
  const out: AffinityWarning[] = [];
  const used = new Set(d.sets.flat());
  const unassigned = classNames.map((_, i) => i).filter((i) => !used.has(i));
  if (unassigned.length > 0) {
    out.push({
      kind: 'unassigned',
      message: `${unassigned.length === 1 ? 'Class' : 'Classes'} in no set (certified only alone, k = 1): ${unassigned.map((i) => classNames[i]).join(', ')}.`,
    });
  }
  const seen = new Map<string, number>();
  d.sets.forEach((set, i) => {
    const name = d.names[i];
    if (set.length === 0)
      out.push({ kind: 'empty', message: `“${name}” is empty and is ignored.` });
    else if (set.length > maxK) {
      out.push({
        kind: 'too-large',
        message: `“${name}” has ${set.length} classes, more than K = ${maxK}.`,
      });
    }
    const key = [...set].sort((a, b) => a - b).join(',');
    if (set.length > 0) {
      const earlier = seen.get(key);
      if (earlier !== undefined)
        out.push({
          kind: 'duplicate',
          message: `“${name}” repeats “${d.names[earlier]}” and is ignored.`,
        });
      else seen.set(key, i);
    }
  });
  return out;
}

/** The sets to certify with: empty and repeated sets dropped; names kept aligned. */
export function usableSets(d: AffinityDraft): { sets: number[][]; names: string[] } {
  const sets: number[][] = [];
  const names: string[] = [];
  const seen = new Set<string>();
  d.sets.forEach((set, i) => {
    const key = [...set].sort((a, b) => a - b).join(',');
    if (set.length === 0 || seen.has(key)) return;
    seen.add(key);
    sets.push([...set].sort((a, b) => a - b));
    names.push(d.names[i]);
  });
  return { sets, names };
}
