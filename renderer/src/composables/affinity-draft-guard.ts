/**
 * Edited affinity sets are not lost without warning. The editor's draft lives in the cert store
 * for the run it shows; opening another run (in this view or in Points) replaces it. The guard
 * sets an edited draft aside when the editor leaves its run, says so, and offers it back when
 * that run's editor opens again. Closing the page with an edited draft asks first.
 */
import { computed, onBeforeUnmount, onMounted, shallowRef, watch, type ComputedRef } from 'vue';
import type { Guarantee } from '../../../shared/config/experiment.ts';
import { usableSets, type AffinityDraft } from '../logic/affinity-edit.ts';

/** The sets a draft certifies with, in a form two drafts can be compared by. */
function setsKey(sets: number[][]): string {
  return JSON.stringify(sets.map((s) => [...s].sort((a, b) => a - b)).sort());
}

/** Whether the draft certifies with other sets than the run was trained with. */
export function isEdited(draft: AffinityDraft, trained: Guarantee | undefined): boolean {
  const base = trained?.kind === 'affinity' ? trained.sets : [];
  return setsKey(usableSets(draft).sets) !== setsKey(base);
}

export interface SetAside {
  runName: string;
  draft: AffinityDraft;
}

/** Drafts set aside by run id; kept for the page's lifetime (edits are not stored on disk). */
const setAside = shallowRef<Record<string, SetAside>>({});

export function setAsideDraft(runId: string, entry: SetAside): void {
  setAside.value = { ...setAside.value, [runId]: entry };
}

export function takeSetAside(runId: string): SetAside | undefined {
  const entry = setAside.value[runId];
  if (entry) {
    const rest = { ...setAside.value };
    delete rest[runId];
    setAside.value = rest;
  }
  return entry;
}

export function peekSetAside(runId: string): SetAside | undefined {
  return setAside.value[runId];
}

export interface DraftGuardOptions {
  runId(): string | undefined;
  runName(): string | undefined;
  draft(): AffinityDraft;
  trained(): Guarantee | undefined;
  /** The run whose artefacts are loaded (the draft belongs to it); undefined while loading. */
  loadedRun(): string | undefined;
  notify(text: string): void;
  apply(draft: AffinityDraft): void;
}

export function useAffinityDraftGuard(o: DraftGuardOptions): {
  pending: ComputedRef<SetAside | undefined>;
  restore(): void;
  discard(): void;
} {
  const edited = (runId: string | undefined): boolean =>
    !!runId && o.loadedRun() === runId && isEdited(o.draft(), o.trained());

  function leave(runId: string | undefined, announce: boolean): void {
    if (!runId || !edited(runId)) return;
    const runName = o.runName() ?? runId;
    setAsideDraft(runId, { runName, draft: o.draft() });
    if (announce)
      o.notify(
        `Your edited affinity sets of “${runName}” were set aside: open that run's Affinity sets again to restore them.`,
      );
  }

  // 'sync': runs before the view's own watcher opens the next run and replaces the draft.
  watch(o.runId, (_next, previous) => leave(previous, true), { flush: 'sync' });
  // Leaving the view keeps the draft in the store while its run stays open (e.g. in Points):
  // set it aside quietly; the editor offers it back only if another run replaced it.
  onBeforeUnmount(() => leave(o.runId(), false));

  const pending = computed(() => {
    const id = o.runId();
    if (!id || o.loadedRun() !== id) return undefined;
    const entry = peekSetAside(id);
    // Still the draft on screen (e.g. back from this run's Points view): nothing was lost.
    if (!entry || setsKey(entry.draft.sets) === setsKey(o.draft().sets)) return undefined;
    return entry;
  });
  watch(
    () => [o.runId(), o.loadedRun(), pending.value] as const,
    ([id, loaded, p]) => {
      if (id && loaded === id && !p) takeSetAside(id);
    },
  );

  function restore(): void {
    const id = o.runId();
    const entry = id ? takeSetAside(id) : undefined;
    if (entry) o.apply(entry.draft);
  }

  function discard(): void {
    const id = o.runId();
    if (id) takeSetAside(id);
  }

  const onBeforeUnload = (e: BeforeUnloadEvent): void => {
    if (edited(o.runId())) e.preventDefault();
  };
  onMounted(() => window.addEventListener('beforeunload', onBeforeUnload));
  onBeforeUnmount(() => window.removeEventListener('beforeunload', onBeforeUnload));

  return { pending, restore, discard };
}
