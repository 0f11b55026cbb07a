/**
 * What-if sets that earlier versions kept in the browser's localStorage (one key per run,
 * `relaxcert.what-if-sets.<runId>`). They now live in the run folder (WorkbenchApi
 * saveWhatIfSets); the cert store moves each run's old entries there once, then clears the key.
 */
import type { WhatIfSetsInput } from '../../../shared/api/what-if-sets.ts';

export interface LegacyWhatIfStorage {
  /** The run's old entries that have the right shape; the host validates the sets. */
  load(runId: string): WhatIfSetsInput[];
  clear(runId: string): void;
}

const KEY = (runId: string): string => `relaxcert.what-if-sets.${runId}`;

function isEntry(x: unknown): x is WhatIfSetsInput {
  if (typeof x !== 'object' || x === null) return false;
  const w = x as Record<string, unknown>;
  return (
    typeof w.name === 'string' &&
    (w.savedAt === undefined || typeof w.savedAt === 'string') &&
    Array.isArray(w.names) &&
    w.names.every((n) => typeof n === 'string') &&
    Array.isArray(w.sets) &&
    w.sets.every((s) => Array.isArray(s) && s.every((c) => Number.isInteger(c)))
  );
}

/** Over a Web Storage object; a value that does not parse counts as no entries. */
export function legacyWhatIfStorage(
  storage: Pick<Storage, 'getItem' | 'removeItem'>,
): LegacyWhatIfStorage {
  return {
    load(runId) {
      try {
        const raw: unknown = JSON.parse(storage.getItem(KEY(runId)) ?? '[]');
        return Array.isArray(raw) ? raw.filter(isEntry) : [];
      } catch {
        return [];
      }
    },
    clear(runId) {
      storage.removeItem(KEY(runId));
    },
  };
}

/** No old entries anywhere: the default outside a browser (tests, workers). */
export const NO_LEGACY_WHAT_IF: LegacyWhatIfStorage = { load: () => [], clear: () => {} };
