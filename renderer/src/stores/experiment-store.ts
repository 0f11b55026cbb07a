/**
 * The New-experiment form: the config being designed, presets and data sets from the host,
 * validation messages keyed by field path, JSON import/export, the draft kept across reloads,
 * the data check before a run is created, and submission.
 */
import { defineStore } from 'pinia';
import { computed, ref, watch } from 'vue';
import type { DatasetInfo, PresetInfo } from '../../../shared/api/workbench-api.ts';
import type { RunSummary } from '../../../shared/api/run-types.ts';
import type { ExperimentConfig } from '../../../shared/config/experiment.ts';
import {
  collectConfigErrors,
  defaultExperimentConfig,
} from '../../../shared/config/validate-experiment.ts';
import { formatAffinitySets, parseAffinitySets } from '../../../shared/certify/index.ts';
import { useWorkbenchApi } from '../api/api-holder.ts';
import { errorMessage } from '../api/error-message.ts';
import { isGeneratorKind } from '../../../shared/config/dataset-kinds.ts';
import {
  formOnlyErrors,
  setPath,
  withDatasetKind,
  withGuaranteeKind,
} from '../logic/config-fields.ts';
import {
  clearDraft,
  loadDraft,
  saveDraft,
  type DraftStorage,
  type RestoredDraft,
} from '../logic/form-draft.ts';

/** The result of inspecting the data path through the host, shown beside the field. */
export type DataCheck =
  | { state: 'unchecked' }
  | { state: 'checking' }
  | { state: 'ok'; summary: string }
  | { state: 'bad'; message: string };

/** A from-scratch config: the generic defaults with no name, nothing of any preset. */
export function blankConfig(): ExperimentConfig {
  return { ...defaultExperimentConfig(), name: '' };
}

export const useExperimentStore = defineStore('experiment', () => {
  const config = ref<ExperimentConfig>(defaultExperimentConfig());
  const presets = ref<PresetInfo[]>([]);
  const datasets = ref<DatasetInfo[]>([]);
  const presetId = ref<string | undefined>();
  const loadError = ref<string | undefined>();
  const submitError = ref<string | undefined>();
  const submitting = ref(false);
  const affinityText = ref(formatSets(config.value));
  const affinityError = ref<string | undefined>();
  /** Why pasted JSON was not loaded: one line per problem the shared validator found. */
  const jsonErrors = ref<string[]>([]);
  const touched = ref(false);
  /** What a change of data set removed from the form, said once beside it. */
  const clearedNote = ref<string | undefined>();
  const restored = ref<RestoredDraft | undefined>();
  const dataCheck = ref<DataCheck>({ state: 'unchecked' });
  let draftStorage: DraftStorage | undefined;

  const datasetInfo = computed(() =>
    datasets.value.find((d) => d.kind === config.value.dataset.kind),
  );
  const classNames = computed(() => datasetInfo.value?.classNames ?? []);

  /** Messages by dotted field path ('' for the config as a whole). */
  const errors = computed<Record<string, string>>(() => {
    const out: Record<string, string> = {};
    for (const e of collectConfigErrors(config.value)) {
      // "guarantee.sets[2][0]" belongs beside the "guarantee.sets" field.
      const field = e.field.replace(/\[.*$/, '');
      if (!(field in out)) out[field] = e.message;
    }
    if (affinityError.value) out['guarantee.sets'] = affinityError.value;
    for (const [field, message] of Object.entries(formOnlyErrors(config.value)))
      out[field] ??= message;
    if (dataCheck.value.state === 'bad') out['dataset.path'] ??= dataCheck.value.message;
    return out;
  });
  const valid = computed(() => Object.keys(errors.value).length === 0);
  const json = computed(() => JSON.stringify(config.value, null, 2));

  function formatSets(c: ExperimentConfig): string {
    return c.guarantee.kind === 'affinity' ? formatAffinitySets(c.guarantee.sets) : '';
  }

  async function load(): Promise<void> {
    const api = useWorkbenchApi();
    try {
      const [p, d] = await Promise.all([api.listPresets(), api.listDatasets()]);
      presets.value = p;
      datasets.value = d;
      loadError.value = undefined;
      // The built-in demos are the default: the first preset that needs no data of the user's.
      if (!touched.value) {
        const demo = p.find((x) => !x.needsData);
        if (demo) applyPreset(demo.id, false);
      }
    } catch (e) {
      loadError.value = errorMessage(e);
    }
  }

  function applyPreset(id: string, markTouched = true): void {
    const preset = presets.value.find((p) => p.id === id);
    if (!preset) return;
    presetId.value = id;
    config.value = JSON.parse(JSON.stringify(preset.config)) as ExperimentConfig;
    affinityText.value = formatSets(config.value);
    affinityError.value = undefined;
    touched.value = markTouched;
    clearedNote.value = undefined;
    dataCheck.value = { state: 'unchecked' };
  }

  /** Replaces the form with `next` (from scratch, a failed run's config, a restored draft). */
  function replaceConfig(next: ExperimentConfig): void {
    config.value = JSON.parse(JSON.stringify(next)) as ExperimentConfig;
    presetId.value = undefined;
    affinityText.value = formatSets(config.value);
    affinityError.value = undefined;
    clearedNote.value = undefined;
    jsonErrors.value = [];
    submitError.value = undefined;
    dataCheck.value = { state: 'unchecked' };
    touched.value = true;
  }

  function startFromScratch(): void {
    replaceConfig(blankConfig());
  }

  /** "Edit and retry": a new run designed from an earlier run's config. */
  function editFrom(run: RunSummary): void {
    replaceConfig({ ...run.config, name: `${run.name} (retry)` });
  }

  function setField(path: string, value: unknown): void {
    touched.value = true;
    presetId.value = undefined;
    if (path.startsWith('dataset.')) dataCheck.value = { state: 'unchecked' };
    if (path === 'dataset.kind') {
      const kind = String(value);
      const known = datasets.value.find((d) => d.kind === kind);
      const { config: next, cleared } = withDatasetKind(
        config.value,
        kind,
        known?.classNames.length,
      );
      config.value = next;
      affinityText.value = formatSets(next);
      affinityError.value = undefined;
      clearedNote.value = cleared.length
        ? `Cleared for ${kind}: ${cleared.join(', ')} (they belonged to the previous data set).`
        : undefined;
      return;
    }
    if (path === 'guarantee.kind') {
      config.value = withGuaranteeKind(config.value, String(value), classNames.value.length);
      affinityText.value = formatSets(config.value);
      affinityError.value = undefined;
      return;
    }
    config.value = setPath(config.value, path, value);
  }

  /** Affinity sets are typed as `[0,1][0,2]` (ids or class names). */
  function setAffinityText(text: string): void {
    touched.value = true;
    affinityText.value = text;
    try {
      // Without the data set's class list, accept any id the text names.
      const ids = (text.match(/\d+/g) ?? []).map((x) => Number(x) + 1);
      const n = classNames.value.length || Math.max(1, ...ids);
      const parsed = parseAffinitySets(
        text,
        n,
        classNames.value.length ? classNames.value : undefined,
      );
      const g = config.value.guarantee;
      config.value = {
        ...config.value,
        guarantee: {
          kind: 'affinity',
          sets: parsed.sets,
          ...(g.kind === 'affinity' && g.names?.length === parsed.sets.length
            ? { names: g.names }
            : {}),
        },
      };
      affinityError.value = undefined;
    } catch (e) {
      affinityError.value = errorMessage(e);
    }
  }

  /**
   * Replaces the config with pasted JSON when the shared validator accepts it; otherwise the
   * form stays as it was and `jsonErrors` lists every problem by field.
   */
  function importJson(text: string): boolean {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (e) {
      jsonErrors.value = [`Not valid JSON: ${errorMessage(e)}`];
      return false;
    }
    const problems = collectConfigErrors(value);
    if (problems.length > 0) {
      jsonErrors.value = problems.map((p) => p.message);
      return false;
    }
    replaceConfig(value as ExperimentConfig);
    return true;
  }

  /**
   * Asks the host to read the data the config names (a reader's path): a wrong path is found
   * here, beside the field, instead of by a run that is created and then fails.
   */
  async function checkData(): Promise<boolean> {
    const spec = config.value.dataset;
    if (isGeneratorKind(spec.kind)) return true;
    if (formOnlyErrors(config.value)['dataset.path']) return false;
    const asked = JSON.stringify(spec);
    // The form may have moved on while the host was reading: keep only the newest answer.
    const current = (): boolean => JSON.stringify(config.value.dataset) === asked;
    dataCheck.value = { state: 'checking' };
    try {
      const info = await useWorkbenchApi().inspectDataset(spec);
      if (!current()) return false;
      dataCheck.value = {
        state: 'ok',
        summary: `${info.classNames.length} classes, ${info.trainSize.toLocaleString('en')} training and ${info.testSize.toLocaleString('en')} test points`,
      };
      return true;
    } catch (e) {
      if (current()) dataCheck.value = { state: 'bad', message: errorMessage(e) };
      return false;
    }
  }

  /** Starts keeping the draft in `storage`; restores an earlier one unless the form is in use. */
  function attachDraftStorage(storage: DraftStorage): void {
    draftStorage = storage;
    if (touched.value) return;
    const draft = loadDraft(storage);
    if (!draft) return;
    replaceConfig(draft.config);
    restored.value = draft;
  }

  function discardDraft(): void {
    if (draftStorage) clearDraft(draftStorage);
    restored.value = undefined;
    touched.value = false;
    const demo = presets.value.find((x) => !x.needsData);
    if (demo) applyPreset(demo.id, false);
    else replaceConfig(defaultExperimentConfig());
    touched.value = false;
  }

  watch(config, (c) => {
    if (draftStorage && touched.value) saveDraft(draftStorage, c, new Date());
  });

  async function submit(): Promise<RunSummary | undefined> {
    if (!valid.value) {
      submitError.value = 'Fix the fields marked in red first.';
      return undefined;
    }
    submitting.value = true;
    try {
      if (!(await checkData())) {
        submitError.value = 'The data path could not be read: see the Data path field.';
        return undefined;
      }
      const api = useWorkbenchApi();
      const created = await api.createRun(config.value);
      const started = await api.startRun(created.id);
      submitError.value = undefined;
      if (draftStorage) clearDraft(draftStorage);
      restored.value = undefined;
      return started;
    } catch (e) {
      submitError.value = errorMessage(e);
      return undefined;
    } finally {
      submitting.value = false;
    }
  }

  return {
    config,
    presets,
    datasets,
    presetId,
    loadError,
    submitError,
    submitting,
    affinityText,
    jsonErrors,
    clearedNote,
    restored,
    dataCheck,
    datasetInfo,
    classNames,
    errors,
    valid,
    json,
    load,
    applyPreset,
    setField,
    setAffinityText,
    importJson,
    startFromScratch,
    editFrom,
    checkData,
    attachDraftStorage,
    discardDraft,
    /** Starts the form from a config (e.g. a run's, with the affinity editor's sets). */
    startFrom: replaceConfig,
    submit,
  };
});
