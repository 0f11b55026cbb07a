/**
 * The sweeps of the workbench home ("repeat with N seeds"): listed from the host, kept current
 * by its `sweep-state` events, started, stopped and resumed through the API. The host drives a
 * sweep in the background; its runs appear in the runs store like any other run.
 */
import { defineStore } from 'pinia';
import { ref } from 'vue';
import { SWEEP_SEEDS } from '../../../shared/api/sweep-types.ts';
import type { SweepSummary } from '../../../shared/api/sweep-types.ts';
import type { Unsubscribe } from '../../../shared/api/workbench-api.ts';
import { useWorkbenchApi } from '../api/api-holder.ts';
import { errorMessage } from '../api/error-message.ts';

/** How long run-state events are gathered before the sweep list is reloaded. */
export const REFRESH_DELAY_MS = 300;

export const useSweepsStore = defineStore('sweeps', () => {
  const sweeps = ref<SweepSummary[]>([]);
  const error = ref<string | undefined>();
  let unsubscribe: Unsubscribe | undefined;

  function upsert(sweep: SweepSummary): void {
    const i = sweeps.value.findIndex((s) => s.id === sweep.id);
    if (i < 0) sweeps.value = [...sweeps.value, sweep];
    else sweeps.value = sweeps.value.map((s, j) => (j === i ? sweep : s));
  }

  function byId(id: string): SweepSummary | undefined {
    return sweeps.value.find((s) => s.id === id);
  }

  async function act(f: () => Promise<SweepSummary>): Promise<SweepSummary | undefined> {
    try {
      const sweep = await f();
      upsert(sweep);
      error.value = undefined;
      return sweep;
    } catch (e) {
      error.value = errorMessage(e);
      return undefined;
    }
  }

  async function refresh(): Promise<void> {
    try {
      sweeps.value = await useWorkbenchApi().listSweeps();
      error.value = undefined;
    } catch (e) {
      error.value = errorMessage(e);
    }
  }

  /**
   * A sweep driven by another process (a `relaxcert sweep` beside the window) sends no
   * sweep-state events here, but its runs' changes arrive as run-state events (the host watches
   * the home): a new run, a finished one, or any change of a known sweep's run reloads the list,
   * at most once per REFRESH_DELAY_MS.
   */
  let pending: ReturnType<typeof setTimeout> | undefined;
  function refreshSoon(): void {
    pending ??= setTimeout(() => {
      pending = undefined;
      void refresh();
    }, REFRESH_DELAY_MS);
  }

  function inKnownSweep(runId: string): boolean {
    return sweeps.value.some((s) => s.cells.some((c) => c.runId === runId));
  }

  function subscribe(): void {
    unsubscribe?.();
    unsubscribe = useWorkbenchApi().onEvent((event) => {
      if (event.type === 'sweep-state') upsert(event.sweep);
      if (
        event.type === 'run-state' &&
        (event.run.state === 'created' ||
          event.run.state === 'completed' ||
          inKnownSweep(event.run.id))
      ) {
        refreshSoon();
      }
    });
  }

  /** Repeats the run's experiment with `seeds` training seeds (the run's own seed first). */
  function start(runId: string, seeds: number): Promise<SweepSummary | undefined> {
    if (!Number.isInteger(seeds) || seeds < SWEEP_SEEDS.min || seeds > SWEEP_SEEDS.max) {
      error.value = `The number of seeds must be a whole number from ${SWEEP_SEEDS.min} to ${SWEEP_SEEDS.max}.`;
      return Promise.resolve(undefined);
    }
    return act(() => useWorkbenchApi().startSweep({ runId, seeds }));
  }

  function resume(id: string): Promise<SweepSummary | undefined> {
    return act(() => useWorkbenchApi().resumeSweep(id));
  }

  function cancel(id: string): Promise<SweepSummary | undefined> {
    return act(() => useWorkbenchApi().cancelSweep(id));
  }

  return { sweeps, error, byId, upsert, refresh, subscribe, start, resume, cancel };
});
