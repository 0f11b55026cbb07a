/**
 * Training curves of runs: epoch metrics (loaded, then appended from events) and the live
 * batch progress with the batch-loss history that feeds the fine-grained loss curve.
 */
import { defineStore } from 'pinia';
import { ref, shallowRef, triggerRef } from 'vue';
import type { BatchProgress, EpochMetrics } from '../../../shared/api/run-types.ts';
import type { Unsubscribe } from '../../../shared/api/workbench-api.ts';
import { useWorkbenchApi } from '../api/api-holder.ts';
import { errorMessage } from '../api/error-message.ts';

export interface BatchPoint {
  /** Fractional epoch: epoch + (batch + 1) / batchesPerEpoch. */
  step: number;
  loss: number;
}

export interface LiveProgress extends BatchProgress {
  /** Time the progress arrived (ms), for the time-left estimate. */
  receivedAt: number;
  /**
   * Known epoch by epoch only: the run trains in another process (a `relaxcert train` beside
   * the window), whose batches reach this one only as the epochs the home watcher sees.
   */
  coarse?: true;
}

export const useMetricsStore = defineStore('metrics', () => {
  // Shallow: arrays can hold many points, and charts recompute from the whole array anyway.
  const epochs = shallowRef<Record<string, EpochMetrics[]>>({});
  const batches = shallowRef<Record<string, BatchPoint[]>>({});
  const progress = ref<Record<string, LiveProgress>>({});
  const error = ref<string | undefined>();
  let unsubscribe: Unsubscribe | undefined;

  function addEpoch(runId: string, m: EpochMetrics): void {
    const list = epochs.value[runId] ?? [];
    // Events can race the initial load: keep one record per epoch, in order.
    const next = list.filter((e) => e.epoch !== m.epoch);
    next.push(m);
    next.sort((a, b) => a.epoch - b.epoch);
    epochs.value = { ...epochs.value, [runId]: next };
  }

  function addProgress(p: BatchProgress, now: number): void {
    progress.value = { ...progress.value, [p.runId]: { ...p, receivedAt: now } };
    const list = batches.value[p.runId] ?? [];
    const step = p.epoch + (p.batch + 1) / Math.max(1, p.batchesPerEpoch);
    if (Number.isFinite(p.loss) && (list.length === 0 || step > list[list.length - 1].step)) {
      list.push({ step, loss: p.loss });
      batches.value = { ...batches.value, [p.runId]: list };
      triggerRef(batches);
    }
  }

  /** An epoch of a run with no batch progress here: progress at the end of that epoch. */
  function addEpochProgress(runId: string, m: EpochMetrics, now: number): void {
    const current = progress.value[runId];
    if (current !== undefined && !current.coarse) return; // batches arrive: they say more
    const p: LiveProgress = {
      runId,
      epoch: m.epoch - 1,
      batch: 0,
      batchesPerEpoch: 1,
      loss: m.trainLoss,
      samplesPerSecond: m.samplesPerSecond,
      receivedAt: now,
      coarse: true,
    };
    progress.value = { ...progress.value, [runId]: p };
  }

  async function load(runId: string): Promise<void> {
    try {
      const loaded = await useWorkbenchApi().getMetrics(runId);
      for (const m of loaded) addEpoch(runId, m);
      if (loaded.length === 0)
        epochs.value = { ...epochs.value, [runId]: epochs.value[runId] ?? [] };
      error.value = undefined;
    } catch (e) {
      error.value = errorMessage(e);
    }
  }

  function subscribe(now: () => number = () => Date.now()): void {
    unsubscribe?.();
    unsubscribe = useWorkbenchApi().onEvent((event) => {
      if (event.type === 'epoch') {
        addEpoch(event.runId, event.metrics);
        addEpochProgress(event.runId, event.metrics, now());
      } else if (event.type === 'progress') addProgress(event.progress, now());
      else if (
        event.type === 'run-state' &&
        event.run.state !== 'running' &&
        event.run.state !== 'queued'
      ) {
        const rest = { ...progress.value };
        delete rest[event.run.id];
        progress.value = rest;
      }
    });
  }

  return { epochs, batches, progress, error, addEpoch, addProgress, load, subscribe };
});
