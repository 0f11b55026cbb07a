/**
 * End-to-end: the HTML report (main/host/report-html.ts) opens offline in Debian's Chromium with
 * no console errors and no request beyond its own file, and shows the sound figures.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CLAIM, prepareCertification, underClaim } from '../shared/certify/index.ts';
import type { EpochMetrics, RunSummary } from '../shared/api/run-types.ts';
import { runReportHtml } from '../main/host/report-html.ts';
import { fakeArtifacts, fakeConfig } from '../main/host/testing/fake-deps.ts';
import type { LaunchedChromium } from './support/browser.ts';
import { startChromium } from './support/session.ts';

describe('the HTML report in Chromium', () => {
  let dir: string;
  let browser: LaunchedChromium | undefined;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'relaxcert-report-e2e-'));
    const launched = await startChromium();
    if (!('reason' in launched)) browser = launched;
  });
  afterAll(async () => {
    await browser?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('opens offline with no console errors and shows the sound figures', async (ctx) => {
    if (browser === undefined) {
      ctx.skip();
      return;
    }
    const config = fakeConfig('e2e <report> & "quotes"', 3);
    const artifacts = fakeArtifacts('r1', config);
    artifacts.classNames = ['<b>a</b>', 'b', 'c'];
    const metrics: EpochMetrics[] = [1, 2, 3].map((epoch) => ({
      epoch,
      trainLoss: 1 / epoch,
      cleanAccuracy: 0.5 + epoch / 10,
      estimatedStandardVra: 0.3 + epoch / 10,
      estimatedGuaranteeVra: 0.4 + epoch / 10,
      estimatedRejectionRate: 0.5 - epoch / 10,
      estimatedLipschitz: 2,
      learningRate: 1e-3,
      epsilon: config.training.epsilon,
      seconds: 1,
      samplesPerSecond: 10,
    }));
    const run: RunSummary = {
      id: 'r1',
      name: config.name,
      state: 'completed',
      createdAt: '',
      updatedAt: '',
      config,
      epochsDone: 3,
      evaluated: true,
    };
    const file = join(dir, 'report.html');
    await writeFile(file, runReportHtml({ run, metrics, artifacts }));
    const url = pathToFileURL(file).href;

    const page = await browser.context.newPage();
    const errors: string[] = [];
    const requests: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('request', (r) => requests.push(r.url()));
    await page.context().setOffline(true);
    await page.goto(url);
    await page.waitForLoadState('load');

    expect(errors).toEqual([]);
    expect(requests).toEqual([url]);
    expect(await page.title()).toBe('RelaxCert report: e2e <report> & "quotes"');
    const summary = prepareCertification(
      underClaim(artifacts, DEFAULT_CLAIM),
      artifacts.guarantee,
    ).summary(artifacts.trainedEpsilon);
    const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
    expect(await page.textContent('#metric-standardVra')).toBe(pct(summary.standardVra));
    expect(await page.textContent('#metric-guaranteeVra')).toBe(pct(summary.guaranteeVra));
    expect(await page.locator('svg').count()).toBe(3);
    // Names are text, not markup.
    expect(await page.locator('#confusion b').count()).toBe(0);
    expect(await page.locator('#confusion').textContent()).toContain('<b>a</b>');
    // Charts are drawn: every chart has at least one line.
    const lines = await page.locator('svg polyline').count();
    expect(lines).toBeGreaterThanOrEqual(4);
    await page.close();
  });
});
