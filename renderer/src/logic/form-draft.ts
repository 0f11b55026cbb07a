/**
 * The New-experiment form's unsaved draft, kept in the browser's storage so a reload does not
 * lose it. A restored draft is announced (with how many fields need fixing) rather than
 * silently shown; one too damaged to display (a missing section) is dropped.
 */
import type { ExperimentConfig } from '../../../shared/config/experiment.ts';
import { collectConfigErrors } from '../../../shared/config/validate-experiment.ts';

export const DRAFT_KEY = 'relaxcert.experiment-draft';

export type DraftStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

export interface RestoredDraft {
  config: ExperimentConfig;
  /** ISO time the draft was last edited. */
  savedAt: string;
  /** Messages of the fields the restored draft gets wrong (empty when it is valid). */
  problems: string[];
}

/** The sections the form reads unconditionally: without them it cannot be shown at all. */
const SECTIONS = ['dataset', 'architecture', 'guarantee', 'training'] as const;

export function saveDraft(storage: DraftStorage, config: ExperimentConfig, now: Date): void {
  try {
    storage.setItem(DRAFT_KEY, JSON.stringify({ savedAt: now.toISOString(), config }));
  } catch {
    // A full or disabled storage only costs the draft's survival across reloads.
  }
}

export function clearDraft(storage: DraftStorage): void {
  storage.removeItem(DRAFT_KEY);
}

export function loadDraft(storage: DraftStorage): RestoredDraft | undefined {
  const text = storage.getItem(DRAFT_KEY);
  if (!text) return undefined;
  let stored: unknown;
  try {
    stored = JSON.parse(text);
  } catch {
    clearDraft(storage);
    return undefined;
  }
  const rec = stored as { savedAt?: unknown; config?: unknown } | null;
  const config = rec?.config as Record<string, unknown> | undefined;
  const usable =
    typeof config === 'object' &&
    config !== null &&
    SECTIONS.every((k) => typeof config[k] === 'object' && config[k] !== null);
  if (!usable || typeof rec?.savedAt !== 'string') {
    clearDraft(storage);
    return undefined;
  }
  return {
    config: config as unknown as ExperimentConfig,
    savedAt: rec.savedAt,
    problems: collectConfigErrors(config).map((p) => p.message),
  };
}
