/**
 * The New-experiment form: the config being designed, presets and data sets from the host,
 * validation messages keyed by field path, JSON import/export, and submission.
 */
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
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
import { setPath, withGuaranteeKind } from '../logic/config-fields.ts';

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
  const jsonError = ref<string | undefined>();
  const touched = ref(false);

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
  }

  function setField(path: string, value: unknown): void {
    touched.value = true;
    presetId.value = undefined;
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
   * Starts the form from an existing run's config with changes (e.g. the affinity editor's
   * sets): the user reviews it before starting.
   */
  function startFrom(next: ExperimentConfig): void {
    config.value = JSON.parse(JSON.stringify(next)) as ExperimentConfig;
    affinityText.value = formatSets(config.value);
    affinityError.value = undefined;
    jsonError.value = undefined;
    presetId.value = undefined;
    touched.value = true;
  }

  /** Replaces the config with pasted JSON; invalid JSON leaves the form unchanged. */
  function importJson(text: string): boolean {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (e) {
      jsonError.value = `Not valid JSON: ${errorMessage(e)}`;
      return false;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      jsonError.value = 'The JSON must be an object: a full experiment config.';
      return false;
    }
    config.value = value as ExperimentConfig;
    affinityText.value = formatSets(config.value);
    affinityError.value = undefined;
    jsonError.value = undefined;
    presetId.value = undefined;
    touched.value = true;
    return true;
  }

  async function submit(): Promise<RunSummary | undefined> {
    if (!valid.value) {
      submitError.value = 'Fix the fields marked in red first.';
      return undefined;
    }
    submitting.value = true;
    try {
      const api = useWorkbenchApi();
      const created = await api.createRun(config.value);
      const started = await api.startRun(created.id);
      submitError.value = undefined;
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
    jsonError,
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
    startFrom,
    submit,
  };
});
