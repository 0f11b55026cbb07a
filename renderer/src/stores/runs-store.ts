/**
 * The list of runs: loading, sort, text filter, selection for comparison, and the run actions
 * (rename, delete, resume, cancel, export), and the run folders that cannot be read (damaged).
 * Run-state, epoch, run-deleted and run-damaged events from the host keep both lists current,
 * also for runs another process (a `relaxcert train`) creates, trains or damages.
 */
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { DamagedRun, RunSummary } from '../../../shared/api/run-types.ts';
import type { ExportOptions, Unsubscribe } from '../../../shared/api/workbench-api.ts';
import { useWorkbenchApi } from '../api/api-holder.ts';
import { errorMessage } from '../api/error-message.ts';
import {
  filterRuns,
  sortRuns,
  type RunColumnKey,
  type RunRow,
  type SoundFigures,
} from '../logic/run-columns.ts';

export const useRunsStore = defineStore('runs', () => {
  const runs = ref<RunSummary[]>([]);
  /** Run folders that cannot be read, with the reason; they can only be deleted. */
  const damaged = ref<DamagedRun[]>([]);
  const loading = ref(false);
  const loaded = ref(false);
  const error = ref<string | undefined>();
  const sortKey = ref<RunColumnKey>('createdAt');
  const sortDir = ref<'asc' | 'desc'>('desc');
  const filterText = ref('');
  const selected = ref<string[]>([]);
  /** The files the last export wrote (paths on the workbench's machine). */
  const exported = ref<{ runId: string; files: string[] } | undefined>();
  /** Sound figures of evaluated runs (certified at the trained ε and guarantee), by run id. */
  const sound = ref<Record<string, SoundFigures>>({});
  /** The updatedAt each run's figures were fetched for: a re-evaluated run is fetched again. */
  const soundFor = new Map<string, string>();
  let unsubscribe: Unsubscribe | undefined;

  const rows = computed<RunRow[]>(() =>
    runs.value.map((r) => (sound.value[r.id] ? { ...r, sound: sound.value[r.id] } : r)),
  );
  const visible = computed(() =>
    sortRuns(filterRuns(rows.value, filterText.value), sortKey.value, sortDir.value),
  );

  /**
   * Certifies each evaluated run once (the host's certifyRun, one run at a time so a long list
   * does not queue dozens of certifications at once). A run that cannot be certified keeps its
   * estimates, labelled as such.
   */
  async function loadCertificates(): Promise<void> {
    const api = useWorkbenchApi();
    for (const run of runs.value) {
      if (!run.evaluated || soundFor.get(run.id) === run.updatedAt) continue;
      soundFor.set(run.id, run.updatedAt);
      try {
        const s = await api.certifyRun(run.id, {});
        sound.value = {
          ...sound.value,
          [run.id]: {
            cleanAccuracy: s.cleanAccuracy,
            standardVra: s.standardVra,
            guaranteeVra: s.guaranteeVra,
            rejectionRate: s.rejectionRate,
          },
        };
      } catch {
        /* No certificate: the row keeps its estimates, labelled as estimates. */
      }
    }
  }

  function byId(id: string): RunSummary | undefined {
    return runs.value.find((r) => r.id === id);
  }

  function soundOf(id: string): SoundFigures | undefined {
    return sound.value[id];
  }

  function upsert(run: RunSummary): void {
    const i = runs.value.findIndex((r) => r.id === run.id);
    if (i < 0) runs.value = [...runs.value, run];
    else runs.value = runs.value.map((r, j) => (j === i ? run : r));
  }

  function drop(id: string): void {
    runs.value = runs.value.filter((r) => r.id !== id);
    selected.value = selected.value.filter((s) => s !== id);
  }

  function dropDamaged(id: string): void {
    if (damaged.value.some((d) => d.id === id))
      damaged.value = damaged.value.filter((d) => d.id !== id);
  }

  async function refresh(): Promise<void> {
    loading.value = true;
    try {
      const api = useWorkbenchApi();
      // The runs come first: a failing damage listing must not hide them.
      const [list, broken] = await Promise.all([
        api.listRuns(),
        api.listDamagedRuns().catch(() => [] as DamagedRun[]),
      ]);
      runs.value = list;
      damaged.value = broken;
      selected.value = selected.value.filter((id) => byId(id));
      error.value = undefined;
      loaded.value = true;
    } catch (e) {
      error.value = errorMessage(e);
    } finally {
      loading.value = false;
    }
  }

  /** Fetches one run (e.g. a deep link to a run not yet in the list). */
  async function load(id: string): Promise<RunSummary | undefined> {
    try {
      const run = await useWorkbenchApi().getRun(id);
      upsert(run);
      return run;
    } catch (e) {
      error.value = errorMessage(e);
      return undefined;
    }
  }

  function subscribe(): void {
    unsubscribe?.();
    unsubscribe = useWorkbenchApi().onEvent((event) => {
      if (event.type === 'run-state') {
        upsert(event.run);
        dropDamaged(event.run.id); // readable again (repaired by hand)
      }
      if (event.type === 'run-deleted') {
        drop(event.runId);
        dropDamaged(event.runId);
      }
      if (event.type === 'run-damaged') {
        // A run damaged in place (its config.json overwritten) leaves the list of runs.
        drop(event.damaged.id);
        dropDamaged(event.damaged.id);
        damaged.value = [...damaged.value, event.damaged].sort((a, b) => (a.id < b.id ? -1 : 1));
      }
      if (event.type === 'epoch') {
        const run = byId(event.runId);
        if (run)
          upsert({
            ...run,
            latest: event.metrics,
            epochsDone: Math.max(run.epochsDone, event.metrics.epoch),
          });
      }
    });
  }

  function setSort(key: RunColumnKey): void {
    if (sortKey.value === key) sortDir.value = sortDir.value === 'asc' ? 'desc' : 'asc';
    else {
      sortKey.value = key;
      sortDir.value = key === 'name' || key === 'dataset' ? 'asc' : 'desc';
    }
  }

  function toggleSelected(id: string): void {
    selected.value = selected.value.includes(id)
      ? selected.value.filter((s) => s !== id)
      : [...selected.value, id];
  }

  /** Runs an action; on failure the message lands in `error` and the action returns undefined. */
  async function act<T>(f: () => Promise<T>): Promise<T | undefined> {
    try {
      const result = await f();
      error.value = undefined;
      return result;
    } catch (e) {
      error.value = errorMessage(e);
      return undefined;
    }
  }

  async function rename(id: string, name: string): Promise<void> {
    const trimmed = name.trim();
    if (!trimmed) {
      error.value = 'A run name cannot be empty.';
      return;
    }
    const run = await act(() => useWorkbenchApi().renameRun(id, trimmed));
    if (run) upsert(run);
  }

  async function remove(id: string): Promise<void> {
    const ok = await act(async () => {
      await useWorkbenchApi().deleteRun(id);
      return true;
    });
    if (ok) drop(id);
  }

  /** Deletes a damaged run folder (the host checks no process still trains it). */
  async function removeDamaged(id: string): Promise<void> {
    const ok = await act(async () => {
      await useWorkbenchApi().deleteRun(id);
      return true;
    });
    if (ok) dropDamaged(id);
  }

  async function resume(id: string): Promise<void> {
    const run = await act(() => useWorkbenchApi().resumeRun(id));
    if (run) upsert(run);
  }

  async function cancel(id: string): Promise<void> {
    const run = await act(() => useWorkbenchApi().cancelRun(id));
    if (run) upsert(run);
  }

  /** Writes the run's model (tfjs, ONNX or .nnet), K matrix and report into `outDir`. */
  async function exportRun(id: string, outDir: string, options: ExportOptions): Promise<boolean> {
    const folder = outDir.trim();
    if (!folder) {
      error.value = 'Give the folder to export into.';
      return false;
    }
    exported.value = undefined;
    const result = await act(() => useWorkbenchApi().exportRun(id, folder, options));
    if (result) exported.value = { runId: id, files: result.files };
    return result !== undefined;
  }

  return {
    runs,
    damaged,
    loading,
    loaded,
    error,
    sortKey,
    sortDir,
    filterText,
    selected,
    visible,
    byId,
    soundOf,
    loadCertificates,
    upsert,
    refresh,
    load,
    subscribe,
    setSort,
    toggleSelected,
    rename,
    remove,
    removeDamaged,
    resume,
    cancel,
    exported,
    exportRun,
  };
});
