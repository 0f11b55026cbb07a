import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_CLAIM, prepareCertification, underClaim } from '../../shared/certify/index.ts';
import { RunStore } from '../store/run-store.ts';
import { REJECTED_SAMPLE, runReportHtml } from './report-html.ts';
import { fakeArtifacts, fakeConfig, fakeDeps, ScriptedRunner } from './testing/fake-deps.ts';
import { WorkbenchHost } from './workbench-host.ts';

const text = (html: string, id: string) => new RegExp(`id="${id}">([^<]*)<`).exec(html)?.[1];

describe('the HTML report', () => {
  let home: string;
  let store: RunStore;
  beforeEach(async () => {
    home = await mkdtemp(join(tmpdir(), 'relaxcert-report-'));
    store = await RunStore.open(home);
  });
  afterEach(() => rm(home, { recursive: true, force: true }));

  it('getReportHtml shows the sound figures of the session, the confusion with ⊥ and rejected points explained', async () => {
    const host = new WorkbenchHost(fakeDeps(store, new ScriptedRunner()));
    const run = await host.createRun(fakeConfig('report <run>', 2));
    await host.startRun(run.id);
    await host.settled(run.id);
    const html = await host.getReportHtml(run.id);
    const artifacts = fakeArtifacts(run.id, run.config);
    const session = prepareCertification(underClaim(artifacts, DEFAULT_CLAIM), artifacts.guarantee);
    const summary = session.summary(artifacts.trainedEpsilon);
    const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
    expect(text(html, 'metric-standardVra')).toBe(pct(summary.standardVra));
    expect(text(html, 'metric-guaranteeVra')).toBe(pct(summary.guaranteeVra));
    expect(text(html, 'metric-rejectionRate')).toBe(pct(summary.rejectionRate));
    expect(text(html, 'metric-certifiedCount')).toBe(String(summary.certifiedCount));
    // Every rejected point (fewer than the sample size here) with its explanation.
    const at = session.at(artifacts.trainedEpsilon);
    const rejected = [...at.output.certified.keys()].filter((i) => at.output.certified[i] === 0);
    expect(rejected.length).toBeLessThan(REJECTED_SAMPLE);
    for (const i of rejected) {
      expect(html).toContain(`id="point-${i}"`);
      expect(html).toContain(session.explain(i, artifacts.trainedEpsilon).reason);
    }
    expect(html).toContain('rejected by the error bound alone');
    // The claim is named; under the exact claim point 2 is certified, so it is not listed.
    expect(html).toContain('id="claim">Claim: <strong>float32 deployment</strong>');
    const exactHtml = await host.getReportHtml(run.id, 'exact');
    expect(exactHtml).toContain('id="claim">Claim: <strong>exact arithmetic</strong>');
    expect(html).toContain('id="point-2"');
    expect(exactHtml).not.toContain('id="point-2"');
    await expect(host.getReportHtml(run.id, 'float16' as never)).rejects.toMatchObject({
      code: 'INVALID_INPUT',
    });
    // The ⊥ column counts the rejected points.
    const bottoms = [...html.matchAll(/<td class="bottom">(\d+)<\/td>/g)].map((m) => Number(m[1]));
    expect(bottoms.reduce((a, b) => a + b, 0)).toBe(rejected.length);
    // Self-contained: no script, nothing fetched, names escaped, estimates labelled.
    expect(html).not.toMatch(/<script|src=|href=|@import|url\(/i);
    expect(html).toContain('report &lt;run&gt;');
    expect(html).toContain('standard VRA (estimate)');
    expect((html.match(/<svg/g) ?? []).length).toBe(3);
    await host.close();
  });

  it('refuses a run that is not evaluated', async () => {
    const host = new WorkbenchHost(fakeDeps(store, new ScriptedRunner()));
    const run = await host.createRun(fakeConfig('new'));
    await expect(host.getReportHtml(run.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await host.close();
  });

  it('samples rejected points evenly when there are many', () => {
    const config = fakeConfig('many');
    const one = fakeArtifacts('r', config);
    const n = 60;
    const logits = new Float32Array(n * 3).fill(1); // all tied: every point rejected
    const a = {
      ...one,
      n,
      logits,
      labels: new Int32Array(n),
      inputs: undefined,
      errorBounds: {
        float32: { base: new Float64Array(n), perEpsilon: new Float64Array(n) },
        exact: { base: new Float64Array(n), perEpsilon: new Float64Array(n) },
      },
    };
    const run = {
      id: 'r',
      name: 'many',
      state: 'completed' as const,
      createdAt: '',
      updatedAt: '',
      config,
      epochsDone: 0,
      evaluated: true,
    };
    const html = runReportHtml({ run, metrics: [], artifacts: a });
    const shown = [...html.matchAll(/id="point-(\d+)"/g)].map((m) => Number(m[1]));
    expect(shown).toEqual([0, 7, 15, 22, 30, 37, 45, 52]);
    expect(html).toContain(`${REJECTED_SAMPLE} of ${n} rejected points`);
  });
});
