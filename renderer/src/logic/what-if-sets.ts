/**
 * Named what-if affinity sets of a run: collections the user saved from the editor to compare
 * later. Kept by a WhatIfStorage; the app's is the browser's localStorage, one key per run,
 * because the WorkbenchApi has no method to store them in the run folder yet.
 */
export interface WhatIfSets {
  name: string;
  sets: number[][];
  names: string[];
  savedAt: string;
}

export interface WhatIfStorage {
  load(runId: string): WhatIfSets[];
  save(runId: string, list: WhatIfSets[]): void;
}

const KEY = (runId: string): string => `relaxcert.what-if-sets.${runId}`;

function isWhatIf(x: unknown): x is WhatIfSets {
  if (typeof x !== 'object' || x === null) return false;
  const w = x as Record<string, unknown>;
  return (
    typeof w.name === 'string' &&
    typeof w.savedAt === 'string' &&
    Array.isArray(w.names) &&
    w.names.every((n) => typeof n === 'string') &&
    Array.isArray(w.sets) &&
    w.sets.every((s) => Array.isArray(s) && s.every((c) => Number.isInteger(c) && c >= 0))
  );
}

/** A storage over a Web Storage object; entries that do not parse are skipped, not fatal. */
export function webStorage(storage: Pick<Storage, 'getItem' | 'setItem'>): WhatIfStorage {
  return {
    load(runId) {
      try {
        const raw: unknown = JSON.parse(storage.getItem(KEY(runId)) ?? '[]');
        return Array.isArray(raw) ? raw.filter(isWhatIf) : [];
      } catch {
        return [];
      }
    },
    save(runId, list) {
      storage.setItem(KEY(runId), JSON.stringify(list));
    },
  };
}

/** Adds an entry, replacing one of the same name (names are how the user tells them apart). */
export function withWhatIf(list: WhatIfSets[], entry: WhatIfSets): WhatIfSets[] {
  return [...list.filter((w) => w.name !== entry.name), entry];
}

export function withoutWhatIf(list: WhatIfSets[], name: string): WhatIfSets[] {
  return list.filter((w) => w.name !== name);
}
