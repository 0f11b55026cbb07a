/**
 * Certification of one finished run, re-done in a worker whenever ε or the affinity sets
 * change. Holds the stored artefacts, the active ε and guarantee, the affinity-set draft of
 * the editor, the latest result and the baseline (trained guarantee at the trained ε).
 * Requests are coalesced: while one runs, only the newest waiting request is kept.
 */
import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import type { DatasetInfo, EvalArtifacts } from '../../../shared/api/workbench-api.ts';
import type { RunSummary } from '../../../shared/api/run-types.ts';
import type { Guarantee } from '../../../shared/config/experiment.ts';
import type { PointExplanation } from '../../../shared/certify/index.ts';
import { DEFAULT_CLAIM } from '../../../shared/certify/claim.ts';
import type { CertClaim } from '../../../shared/certify/claim.ts';
import { useWorkbenchApi } from '../api/api-holder.ts';
import { errorMessage } from '../api/error-message.ts';
import { inProcessRunner, type CertRunner } from '../certify/cert-runner.ts';
import {
  curveEpsilons,
  type RecertifyRequest,
  type RecertifyResult,
} from '../certify/recertify.ts';
import { draftFrom, usableSets, type AffinityDraft } from '../logic/affinity-edit.ts';
import { sliderMax } from '../logic/epsilon-range.ts';
import { useWhatIfStore } from './what-if-store.ts';

let runnerFactory: () => CertRunner = inProcessRunner;

/** The app installs a Web Worker runner; tests keep the in-process default. */
export function setCertRunnerFactory(factory: () => CertRunner): void {
  runnerFactory = factory;
}

const REGION_GRID = 96;
/** Editor edits kept for Undo. */
const UNDO_DEPTH = 100;

/** The guarantee certified from an editor draft; with no usable set, singletons (= standard). */
export function draftGuarantee(draft: AffinityDraft, numClasses: number): Guarantee {
  const { sets, names } = usableSets(draft);
  if (sets.length === 0)
    return { kind: 'affinity', sets: Array.from({ length: numClasses }, (_, i) => [i]) };
  return { kind: 'affinity', sets, names };
}

export const useCertStore = defineStore('cert', () => {
  const runId = ref<string | undefined>();
  const run = ref<RunSummary | undefined>();
  const artifacts = shallowRef<EvalArtifacts | undefined>();
  const dataset = shallowRef<DatasetInfo | undefined>();
  const loading = ref(false);
  const error = ref<string | undefined>();
  const certError = ref<string | undefined>();
  const epsilon = ref(0);
  const guarantee = ref<Guarantee>({ kind: 'standard' });
  /** What the certificates claim (shared/certify/claim.ts); the baseline follows it. */
  const claim = ref<CertClaim>(DEFAULT_CLAIM);
  const draft = ref<AffinityDraft>({ sets: [], names: [] });
  /** This run's saved what-if sets (kept in the run folder by the host). */
  const whatIf = useWhatIfStore();
  /** Earlier drafts of this run's editor session, newest last (Undo). */
  const draftHistory = ref<AffinityDraft[]>([]);
  const kLimit = ref(3);
  const result = shallowRef<RecertifyResult | undefined>();
  const baseline = shallowRef<RecertifyResult | undefined>();
  const busy = ref(false);
  let runner: CertRunner | undefined;
  let queued: RecertifyRequest | undefined;
  let drain: Promise<void> = Promise.resolve();
  let generation = 0;
  /** Requests scheduled so far: the baseline must not overwrite an edit made meanwhile. */
  let scheduled = 0;

  const trainedEpsilon = computed(() => artifacts.value?.trainedEpsilon ?? 0);
  /**
   * Upper end of the ε slider and of the VRA-vs-ε curve: twice the trained ε, widened (never
   * narrowed) when a larger ε is typed, so the curve is recomputed only when the range grows.
   */
  const epsilonRange = ref(0.01);
  const classNames = computed(() => artifacts.value?.classNames ?? dataset.value?.classNames ?? []);
  const isTwoD = computed(() => {
    const a = artifacts.value;
    return !!a?.inputs && a.inputShape.length === 1 && a.inputShape[0] === 2;
  });

  function request(eps: number, g: Guarantee): RecertifyRequest {
    // Plain data only: the request crosses a worker boundary (reactive proxies cannot be cloned).
    return {
      epsilon: eps,
      guarantee: JSON.parse(JSON.stringify(g)) as Guarantee,
      claim: claim.value,
      curveEpsilons: curveEpsilons(epsilonRange.value / 2),
      regionGrid: isTwoD.value ? REGION_GRID : 0,
    };
  }

  function schedule(): Promise<void> {
    scheduled++;
    queued = request(epsilon.value, guarantee.value);
    if (busy.value) return drain;
    busy.value = true;
    const gen = generation;
    drain = (async () => {
      while (queued && runner && gen === generation) {
        const req = queued;
        queued = undefined;
        try {
          const r = await runner.run(req);
          if (gen === generation) {
            result.value = r;
            certError.value = undefined;
          }
        } catch (e) {
          if (gen === generation) certError.value = errorMessage(e);
        }
      }
      busy.value = false;
    })();
    return drain;
  }

  /** Loads a run's certification artefacts; explains in `error` when it has none. */
  async function open(id: string): Promise<void> {
    if (runId.value === id && (artifacts.value || loading.value)) return;
    generation++;
    runner?.dispose();
    runner = undefined;
    runId.value = id;
    // Forget the previous run at once: if this one cannot be read (its folder was deleted),
    // headers must not keep showing the previous run's name.
    run.value = undefined;
    artifacts.value = undefined;
    draftHistory.value = [];
    void whatIf.open(id);
    result.value = undefined;
    baseline.value = undefined;
    dataset.value = undefined;
    error.value = undefined;
    certError.value = undefined;
    busy.value = false;
    loading.value = true;
    const gen = generation;
    const api = useWorkbenchApi();
    try {
      const summary = await api.getRun(id);
      if (gen !== generation) return;
      run.value = summary;
      api
        .inspectDataset(summary.config.dataset)
        .then((info) => {
          if (gen === generation) dataset.value = info;
        })
        .catch(() => {
          /* Thumbnails and presets are optional extras; the editor works without them. */
        });
      if (!summary.evaluated) {
        error.value =
          summary.state === 'completed'
            ? `Run “${summary.name}” completed, but its evaluation files (eval/) are missing or incomplete, so there is nothing to certify. Train it again with “Edit and retry” on its Training view.`
            : `Run “${summary.name}” is ${summary.state}: certification data appear when training completes.`;
        return;
      }
      const a = await api.getEvalArtifacts(id);
      if (gen !== generation) return;
      artifacts.value = a;
      epsilon.value = a.trainedEpsilon;
      epsilonRange.value = sliderMax(a.trainedEpsilon, a.trainedEpsilon);
      guarantee.value = a.guarantee;
      const g = a.guarantee;
      if (g.kind === 'affinity') draft.value = draftFrom(g.sets, g.names);
      else draft.value = { sets: [], names: [] };
      kLimit.value =
        g.kind === 'rtk'
          ? g.k
          : g.kind === 'affinity'
            ? Math.max(2, ...g.sets.map((s) => s.length))
            : 3;
      // Edits can arrive from here on (the editor renders once the artefacts are set), even
      // before the runner exists to run them; those are replayed after the baseline.
      const before = scheduled;
      runner = runnerFactory();
      await runner.load({
        n: a.n,
        c: a.c,
        logits: a.logits,
        labels: a.labels,
        lipschitz: a.lipschitz,
        errorBounds: a.errorBounds,
        inputs: a.inputs,
        inputShape: a.inputShape,
        regions: a.regions,
      });
      const base = await runner.run(request(a.trainedEpsilon, a.guarantee));
      if (gen !== generation) return;
      baseline.value = base;
      if (scheduled === before) result.value = base;
      else void schedule();
    } catch (e) {
      if (gen === generation) error.value = errorMessage(e);
    } finally {
      if (gen === generation) loading.value = false;
    }
  }

  function setEpsilon(value: number): Promise<void> {
    epsilon.value = Math.max(0, value);
    epsilonRange.value = Math.max(
      epsilonRange.value,
      sliderMax(trainedEpsilon.value, epsilon.value),
    );
    return schedule();
  }

  function setGuarantee(g: Guarantee): Promise<void> {
    guarantee.value = g;
    return schedule();
  }

  /** Certifies under another claim: the shown result and the baseline both follow. */
  async function setClaim(next: CertClaim): Promise<void> {
    claim.value = next;
    const a = artifacts.value;
    const gen = generation;
    if (runner && a) {
      try {
        const base = await runner.run(request(a.trainedEpsilon, a.guarantee));
        if (gen === generation && base.claim === claim.value) baseline.value = base;
      } catch (e) {
        if (gen === generation) certError.value = errorMessage(e);
      }
    }
    return schedule();
  }

  /** Every editor change re-certifies with the draft's sets, and can be undone. */
  function setDraft(next: AffinityDraft): Promise<void> {
    draftHistory.value = [...draftHistory.value.slice(-(UNDO_DEPTH - 1)), draft.value];
    draft.value = next;
    return setGuarantee(draftGuarantee(next, classNames.value.length));
  }

  /** Saves the current draft's usable sets under a name (replacing one of the same name). */
  function saveWhatIf(name: string): Promise<boolean> {
    return whatIf.save({ name, ...usableSets(draft.value) });
  }

  /** Loads saved sets into the editor (an edit like any other: Undo brings the draft back). */
  function applyWhatIf(name: string): Promise<void> {
    const w = whatIf.list.find((x) => x.name === name);
    return w ? setDraft(draftFrom(w.sets, w.names)) : Promise.resolve();
  }

  /** Back to the draft before the last edit (no-op when there is none). */
  function undoDraft(): Promise<void> {
    const previous = draftHistory.value.at(-1);
    if (!previous) return Promise.resolve();
    draftHistory.value = draftHistory.value.slice(0, -1);
    draft.value = previous;
    return setGuarantee(draftGuarantee(previous, classNames.value.length));
  }

  function resetToTrained(): Promise<void> {
    const a = artifacts.value;
    if (!a) return Promise.resolve();
    epsilon.value = a.trainedEpsilon;
    if (a.guarantee.kind === 'affinity') {
      // Undoable like any edit.
      draftHistory.value = [...draftHistory.value.slice(-(UNDO_DEPTH - 1)), draft.value];
      draft.value = draftFrom(a.guarantee.sets, a.guarantee.names);
    }
    return setGuarantee(a.guarantee);
  }

  /**
   * Why point `index` is certified with its set or rejected, at the ε and guarantee of the shown
   * result (so the explanation matches the table row), from the worker's session.
   */
  async function explain(index: number): Promise<PointExplanation> {
    const r = result.value;
    if (!runner || !r) throw new Error('no certification result to explain yet');
    return runner.explain({
      index,
      epsilon: r.epsilon,
      guarantee: JSON.parse(JSON.stringify(r.guarantee)) as Guarantee,
      claim: r.claim,
    });
  }

  /** The given points of the shown result as CSV (the columns of `certify --out`). */
  async function pointsCsv(indices: Int32Array): Promise<string> {
    const r = result.value;
    if (!runner || !r) throw new Error('no certification result to export yet');
    return runner.pointsCsv({
      epsilon: r.epsilon,
      guarantee: JSON.parse(JSON.stringify(r.guarantee)) as Guarantee,
      claim: r.claim,
      indices: indices.slice(),
      classNames: [...classNames.value],
    });
  }

  /** Resolves when every scheduled re-certification has finished. */
  function settled(): Promise<void> {
    return drain;
  }

  return {
    runId,
    run,
    artifacts,
    dataset,
    loading,
    error,
    certError,
    epsilon,
    guarantee,
    claim,
    draft,
    kLimit,
    result,
    baseline,
    busy,
    trainedEpsilon,
    epsilonRange,
    classNames,
    isTwoD,
    open,
    setEpsilon,
    setGuarantee,
    setClaim,
    setDraft,
    undoDraft,
    draftHistory,
    saveWhatIf,
    applyWhatIf,
    resetToTrained,
    explain,
    pointsCsv,
    settled,
  };
});
