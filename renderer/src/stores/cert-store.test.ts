import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { useCertStore, draftGuarantee, setCertRunnerFactory } from './cert-store.ts';
import { inProcessRunner } from '../certify/cert-runner.ts';
import { setWorkbenchApi } from '../api/api-holder.ts';
import { fakeApi, makeArtifacts, makeConfig, makeRun } from '../testing/fixtures.ts';
import { moveClass, draftFrom } from '../logic/affinity-edit.ts';
import { RelaxCertError } from '../../../shared/errors.ts';
import type { WhatIfSets, WhatIfSetsInput } from '../../../shared/api/what-if-sets.ts';

describe('cert store', () => {
  beforeEach(() => setActivePinia(createPinia()));

  const affinity = { kind: 'affinity' as const, sets: [[0, 2], [1]] };

  function install(over: Parameters<typeof fakeApi>[0] = {}) {
    const api = fakeApi({
      getRun: () => makeRun('r1', { config: makeConfig({ guarantee: affinity }) }),
      getEvalArtifacts: () => makeArtifacts({ guarantee: affinity, trainedEpsilon: 0.3 }),
      inspectDataset: () => {
        throw new RelaxCertError('NOT_FOUND', 'no such data set');
      },
      ...over,
    });
    setWorkbenchApi(api);
    return api;
  }

  it('loads artefacts, certifies the baseline and re-certifies an edited draft', async () => {
    install();
    const store = useCertStore();
    await store.open('r1');
    expect(store.error).toBeUndefined();
    expect(store.epsilon).toBe(0.3);
    expect(store.draft.sets).toEqual([[0, 2], [1]]);
    const trainedVra = store.baseline?.metrics.guaranteeVra ?? 0;
    // Move class 2 into the set of class 1: point 3 (label 1, logits b ≈ c) becomes certifiable.
    await store.setDraft(moveClass(store.draft, 2, 0, 1));
    await store.settled();
    expect(store.certError).toBeUndefined();
    expect(store.result?.guarantee).toEqual({
      kind: 'affinity',
      sets: [[0], [1, 2]],
      names: ['Set 1', 'Set 2'],
    });
    expect(store.result?.metrics.guaranteeVra ?? 0).toBeGreaterThan(trainedVra);
    // The baseline keeps the trained figures.
    expect(store.baseline?.metrics.guaranteeVra).toBe(trainedVra);
  });

  it('certifies under the chosen claim; the shown result, the baseline and explanations follow', async () => {
    const n = 4;
    const zero = () => ({ base: new Float64Array(n), perEpsilon: new Float64Array(n) });
    // Point 0 (logits 3, 0, 0; margin 2.7 at ε = 0.3) is within its float32 bound only.
    const float32 = zero();
    float32.base[0] = 3;
    install({
      getEvalArtifacts: () =>
        makeArtifacts({
          guarantee: affinity,
          trainedEpsilon: 0.3,
          errorBounds: { float32, exact: zero() },
        }),
    });
    const store = useCertStore();
    await store.open('r1');
    expect(store.claim).toBe('float32');
    expect(store.result?.certified[0]).toBe(0);
    expect((await store.explain(0)).claim).toBe('float32');
    await store.setClaim('exact');
    await store.settled();
    expect(store.result?.claim).toBe('exact');
    expect(store.result?.certified[0]).toBe(1);
    expect(store.baseline?.claim).toBe('exact');
    expect(store.baseline?.certified[0]).toBe(1);
    const e = await store.explain(0);
    expect([e.claim, e.certified]).toEqual(['exact', true]);
    expect(await store.pointsCsv(Int32Array.from([0]))).toMatch(/\n0,0,0,1,.*,exact\n$/);
  });

  it('coalesces rapid ε changes and ends on the last one', async () => {
    install();
    const store = useCertStore();
    await store.open('r1');
    void store.setEpsilon(0.1);
    void store.setEpsilon(0.5);
    await store.setEpsilon(10);
    await store.settled();
    expect(store.result?.epsilon).toBe(10);
    expect(store.result?.metrics.certifiedCount).toBeLessThan(
      store.baseline?.metrics.certifiedCount ?? 0,
    );
  });

  it('widens the ε range for a typed ε beyond it, and never narrows it', async () => {
    install();
    const store = useCertStore();
    await store.open('r1');
    expect(store.epsilonRange).toBeCloseTo(0.6);
    await store.setEpsilon(3);
    await store.settled();
    expect(store.epsilonRange).toBe(5);
    // The VRA-vs-ε curve spans the widened range too.
    expect(store.result?.curve.epsilons.at(-1)).toBe(5);
    await store.setEpsilon(0.1);
    await store.settled();
    expect(store.epsilonRange).toBe(5);
  });

  it('switches to any guarantee and keeps the standard figures', async () => {
    install();
    const store = useCertStore();
    await store.open('r1');
    const standardVra = store.result?.metrics.standardVra;
    await store.setGuarantee({ kind: 'rtk', k: 3 });
    await store.settled();
    expect(store.result?.guarantee).toEqual({ kind: 'rtk', k: 3 });
    expect(store.result?.metrics.guaranteeVra).toBeGreaterThanOrEqual(standardVra ?? 1);
    expect(store.result?.metrics.standardVra).toBe(standardVra);
  });

  it('explains a point at the shown ε and guarantee, in agreement with the table', async () => {
    install();
    const store = useCertStore();
    await store.open('r1');
    await store.setGuarantee({ kind: 'standard' });
    await store.settled();
    const r = store.result;
    if (!r) throw new Error('no result');
    for (let i = 0; i < r.predicted.length; i++) {
      const e = await store.explain(i);
      expect(e.guarantee).toEqual({ kind: 'standard' });
      expect(e.epsilon).toBe(0.3);
      expect(e.certified).toBe(r.certified[i] === 1);
      expect(e.radius).toBe(r.radius[i]);
    }
  });

  it("exports the chosen points as the CLI's CSV, in the given order", async () => {
    install();
    const store = useCertStore();
    await store.open('r1');
    const csv = await store.pointsCsv(Int32Array.from([3, 0]));
    const lines = csv.trim().split('\n');
    expect(lines[0]).toBe(
      'index,label,predicted,certified,certifiedSet,labelInSet,margin,error,radius,certifiedSetNames,claim',
    );
    expect(lines).toHaveLength(3);
    expect(lines[1].split(',')[0]).toBe('3');
    expect(lines[2].split(',')[0]).toBe('0');
    const r = store.result;
    expect(lines[2].split(',')[3]).toBe(r?.certified[0] === 1 ? '1' : '0');
  });

  it('undoes editor changes one at a time, re-certifying each', async () => {
    install();
    const store = useCertStore();
    await store.open('r1');
    const trained = store.result?.metrics.guaranteeVra;
    await store.setDraft(moveClass(store.draft, 2, 0, 1));
    await store.settled();
    expect(store.result?.metrics.guaranteeVra).not.toBe(trained);
    await store.undoDraft();
    await store.settled();
    expect(store.draft.sets).toEqual([[0, 2], [1]]);
    expect(store.result?.guarantee).toMatchObject({ kind: 'affinity', sets: [[0, 2], [1]] });
    expect(store.result?.metrics.guaranteeVra).toBe(trained);
    expect(store.draftHistory).toHaveLength(0);
    await store.undoDraft(); // nothing left: no change
    expect(store.draft.sets).toEqual([[0, 2], [1]]);
  });

  it("saves the editor's usable sets as a what-if entry and loads it back as an edit", async () => {
    // The host's list, in memory: what the store sends is what it reads back.
    let saved: WhatIfSets[] = [];
    const api = install({
      listWhatIfSets: () => saved,
      saveWhatIfSets: (_id: string, e: WhatIfSetsInput) => {
        saved = [...saved.filter((w) => w.name !== e.name), { ...e, savedAt: 't' }];
        return saved;
      },
    });
    const store = useCertStore();
    await store.open('r1');
    await store.setDraft(moveClass(store.draft, 2, 0, 1));
    expect(await store.saveWhatIf('  grouped  ')).toBe(true);
    expect(api.calls.find((c) => c.method === 'saveWhatIfSets')?.args).toEqual([
      'r1',
      { name: 'grouped', sets: [[0], [1, 2]], names: ['Set 1', 'Set 2'] },
    ]);
    await store.resetToTrained();
    await store.applyWhatIf('grouped');
    await store.settled();
    expect(store.draft.sets).toEqual([[0], [1, 2]]);
    expect(store.result?.guarantee).toMatchObject({ sets: [[0], [1, 2]] });
    // Loading is an editor edit: Undo returns to the trained sets.
    await store.undoDraft();
    expect(store.draft.sets).toEqual([[0, 2], [1]]);
  });

  it('explains runs without certification data instead of showing nothing', async () => {
    install({ getRun: () => makeRun('r1', { state: 'running', evaluated: false }) });
    const store = useCertStore();
    await store.open('r1');
    expect(store.error).toMatch(/running/);
    expect(store.artifacts).toBeUndefined();
  });

  it('says a completed run has lost its evaluation, and how to get one', async () => {
    install({
      getRun: () => makeRun('r1', { name: 'done', state: 'completed', evaluated: false }),
    });
    const store = useCertStore();
    await store.open('r1');
    expect(store.error).toMatch(
      /^Run “done” completed, but its evaluation files \(eval\/\) are missing/,
    );
    expect(store.error).toMatch(/Edit and retry/);
  });

  it('forgets the previous run when the next one cannot be read', async () => {
    install();
    const store = useCertStore();
    await store.open('r1');
    expect(store.run?.name).toBe('run r1');
    install({
      getRun: () => {
        throw new RelaxCertError('NOT_FOUND', "no run 'gone'");
      },
    });
    await store.open('gone');
    expect(store.run).toBeUndefined();
    expect(store.error).toBe("no run 'gone'");
  });

  it('shows API failures as messages', async () => {
    install({
      getEvalArtifacts: () => {
        throw new RelaxCertError('NOT_FOUND', "run 'r1' has no eval/ folder");
      },
    });
    const store = useCertStore();
    await store.open('r1');
    expect(store.error).toBe("run 'r1' has no eval/ folder");
  });

  it('keeps an edit made while the baseline is still certifying', async () => {
    install();
    let release: () => void = () => {};
    const gate = new Promise<void>((done) => (release = done));
    let calls = 0;
    setCertRunnerFactory(() => {
      const inner = inProcessRunner();
      return {
        ...inner,
        async run(req) {
          // The first request (the baseline) finishes last.
          if (calls++ === 0) await gate;
          return inner.run(req);
        },
      };
    });
    try {
      const store = useCertStore();
      const opening = store.open('r1');
      await vi.waitFor(() => expect(store.artifacts).toBeDefined());
      await new Promise((done) => setTimeout(done, 0));
      const edit = store.setDraft(moveClass(store.draft, 2, 0, 1));
      release();
      await Promise.all([opening, edit]);
      await store.settled();
      expect(store.result?.guarantee).toMatchObject({ sets: [[0], [1, 2]] });
      expect(store.baseline?.guarantee).toEqual(affinity);
    } finally {
      setCertRunnerFactory(inProcessRunner);
    }
  });

  it('keeps an edit made before the certification worker is ready', async () => {
    install();
    let release: () => void = () => {};
    const gate = new Promise<void>((done) => (release = done));
    setCertRunnerFactory(() => {
      const inner = inProcessRunner();
      return {
        ...inner,
        async load(data) {
          await gate; // the worker is still starting when the user edits
          return inner.load(data);
        },
      };
    });
    try {
      const store = useCertStore();
      const opening = store.open('r1');
      await vi.waitFor(() => expect(store.artifacts).toBeDefined());
      const edit = store.setDraft(moveClass(store.draft, 2, 0, 1));
      release();
      await Promise.all([opening, edit]);
      await vi.waitFor(() =>
        expect(store.result?.guarantee).toMatchObject({ sets: [[0], [1, 2]] }),
      );
      await store.settled();
      expect(store.result?.guarantee).toMatchObject({ sets: [[0], [1, 2]] });
      expect(store.baseline?.guarantee).toEqual(affinity);
    } finally {
      setCertRunnerFactory(inProcessRunner);
    }
  });

  it('falls back to singleton sets when the draft has no usable set', () => {
    expect(draftGuarantee(draftFrom([[]]), 3)).toEqual({ kind: 'affinity', sets: [[0], [1], [2]] });
  });
});
