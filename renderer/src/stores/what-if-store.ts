/**
 * The named what-if affinity sets of the open run, kept by the host in the run folder
 * (WorkbenchApi list/save/deleteWhatIfSets), so every window and browser sees the same list.
 * The last save or delete can be undone. Entries an earlier version left in this browser's
 * localStorage are moved into the run folder the first time the run is opened.
 */
import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { WhatIfSets, WhatIfSetsInput } from '../../../shared/api/what-if-sets.ts';
import { useWorkbenchApi } from '../api/api-holder.ts';
import { errorMessage } from '../api/error-message.ts';
import { NO_LEGACY_WHAT_IF, type LegacyWhatIfStorage } from '../logic/legacy-what-if.ts';

let legacy: LegacyWhatIfStorage = NO_LEGACY_WHAT_IF;

/** The app passes the browser's localStorage; tests a memory one. */
export function setLegacyWhatIfStorage(storage: LegacyWhatIfStorage): void {
  legacy = storage;
}

/** Whether the host refused an entry itself (its sets or name), not the moment. */
function refused(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'INVALID_AFFINITY' || code === 'INVALID_INPUT';
}

/** The last change, enough to reverse it: the entry as it was before (none: it was new). */
export interface WhatIfEdit {
  kind: 'saved' | 'deleted';
  name: string;
  before?: WhatIfSets;
}

export const useWhatIfStore = defineStore('what-if', () => {
  const runId = ref<string | undefined>();
  const list = ref<WhatIfSets[]>([]);
  const lastEdit = ref<WhatIfEdit | undefined>();
  const error = ref<string | undefined>();
  const busy = ref(false);
  let generation = 0;

  /** Loads the run's list, first moving this browser's old entries for it into the run. */
  async function open(id: string): Promise<void> {
    const gen = ++generation;
    runId.value = id;
    list.value = [];
    lastEdit.value = undefined;
    error.value = undefined;
    const api = useWorkbenchApi();
    try {
      let current = await api.listWhatIfSets(id);
      const old = legacy.load(id);
      const failed: string[] = [];
      let retry = false;
      for (const entry of old) {
        if (current.some((w) => w.name === entry.name.trim())) continue;
        try {
          current = await api.saveWhatIfSets(id, entry);
        } catch (e) {
          failed.push(`“${entry.name}”: ${errorMessage(e)}`);
          retry ||= !refused(e);
        }
      }
      // Once only: entries the run refuses (sets of another class count) are not offered again;
      // after any other failure (the run busy, a full disk) the next open tries the rest again.
      if (old.length > 0 && !retry) legacy.clear(id);
      if (gen !== generation) return;
      list.value = current;
      if (failed.length > 0) {
        error.value = `Sets kept in this browser could not be moved into the run: ${failed.join('; ')}`;
      }
    } catch (e) {
      if (gen === generation) error.value = errorMessage(e);
    }
  }

  async function change(edit: WhatIfEdit, work: () => Promise<WhatIfSets[]>): Promise<boolean> {
    const gen = generation;
    busy.value = true;
    try {
      const next = await work();
      if (gen !== generation) return false;
      list.value = next;
      lastEdit.value = edit;
      error.value = undefined;
      return true;
    } catch (e) {
      if (gen === generation) error.value = errorMessage(e);
      return false;
    } finally {
      busy.value = false;
    }
  }

  /** Saves sets under a name, replacing an entry of the same name. */
  function save(entry: WhatIfSetsInput): Promise<boolean> {
    const id = runId.value;
    const name = entry.name.trim();
    if (!id || !name) return Promise.resolve(false);
    const before = list.value.find((w) => w.name === name);
    return change({ kind: 'saved', name, before }, () =>
      useWorkbenchApi().saveWhatIfSets(id, { ...entry, name }),
    );
  }

  function remove(name: string): Promise<boolean> {
    const id = runId.value;
    const before = list.value.find((w) => w.name === name);
    if (!id || !before) return Promise.resolve(false);
    return change({ kind: 'deleted', name, before }, () =>
      useWorkbenchApi().deleteWhatIfSets(id, name),
    );
  }

  /** Reverses the last save or delete: the entry as it was comes back, or a new one goes. */
  async function undo(): Promise<boolean> {
    const id = runId.value;
    const edit = lastEdit.value;
    if (!id || !edit) return false;
    const api = useWorkbenchApi();
    const done = await change(edit, () =>
      edit.before ? api.saveWhatIfSets(id, edit.before) : api.deleteWhatIfSets(id, edit.name),
    );
    if (done) lastEdit.value = undefined;
    return done;
  }

  return { runId, list, lastEdit, error, busy, open, save, remove, undo };
});
