/**
 * End-to-end: layout at 1024, 1280 and 1920 px, an accessibility check (axe-core) of every view,
 * the form, keyboard and run-recovery paths a new user's tour found broken, and a run folder
 * damaged on disk while the page is open (issue 14, failure 10). Runs are set up through the
 * API (quick blobs runs, one failed run); screenshots go to e2e/output/layout-*.
 *
 * Skips (with the reason printed) only when the server cannot start; a broken UI fails it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import type { ServedWorkbench } from './support/serve.ts';
import { collectErrors, OUT, ROOT, serveWorkbench, startChromium } from './support/session.ts';
import { connectApi, trainRun } from './support/api.ts';
import { seriousViolations } from './support/axe.ts';
import { getPreset } from '../shared/config/presets.ts';
import type { RunSummary } from '../shared/api/run-types.ts';
import type { WsWorkbenchClient } from '../shared/api/ws-client.ts';

const WIDTHS = [1024, 1280, 1920] as const;
const BIN = join(ROOT, 'bin/relaxcert.js');

let server: ServedWorkbench | undefined;
let skipReason: string | undefined;
let chromium: { context: BrowserContext; close(): Promise<void> } | undefined;
let api: WsWorkbenchClient | undefined;
let page: Page;
let base = '';
const consoleErrors: string[] = [];
let affinityRun: RunSummary;
let standardRun: RunSummary;
let failedRun: RunSummary;

function poll<T>(fn: () => Promise<T> | T, options: { timeout?: number; interval?: number } = {}) {
  return expect.poll(fn, { timeout: 20_000, interval: 100, ...options });
}

async function textOf(testId: string): Promise<string> {
  return (await page.getByTestId(testId).first().textContent())?.trim() ?? '';
}

/** Widest horizontal overflow of the page and of the given element (0: none). */
async function overflow(selector?: string): Promise<number> {
  const script = selector
    ? `(() => { const e = document.querySelector(${JSON.stringify(selector)}); return e ? e.scrollWidth - e.clientWidth : -1; })()`
    : 'document.documentElement.scrollWidth - document.documentElement.clientWidth';
  return (await page.evaluate(script)) as number;
}

beforeAll(async () => {
  const served = await serveWorkbench();
  if ('reason' in served) {
    skipReason = served.reason;
    return;
  }
  server = served;
  base = server.url.replace(/#.*$/, '');
  api = await connectApi(server.url);
  const aff = structuredClone(getPreset('demo-blobs-affinity').config);
  Object.assign(aff, { name: 'e2e layout: blobs affinity, a long descriptive run name' });
  Object.assign(aff.dataset, { trainSize: 600, testSize: 300 });
  Object.assign(aff.training, { epochs: 2 });
  const std = structuredClone(getPreset('demo-blobs-standard').config);
  Object.assign(std, { name: 'e2e layout: blobs standard' });
  Object.assign(std.dataset, { trainSize: 600, testSize: 300 });
  Object.assign(std.training, { epochs: 2, epsilon: 0.5 });
  affinityRun = await trainRun(api, aff);
  standardRun = await trainRun(api, std);
  // A run whose data cannot be read: created through the API (the form would refuse it).
  const bad = structuredClone(std);
  Object.assign(bad, { name: 'e2e layout: missing data' });
  bad.dataset = { kind: 'csv', path: '/nonexistent/relaxcert-e2e.csv' };
  const created = await api.createRun(bad);
  await api.startRun(created.id);
  for (const until = Date.now() + 120_000; ;) {
    const state = (await api.getRun(created.id)).state;
    if (state === 'failed') break;
    if (state === 'completed' || Date.now() > until)
      throw new Error(`the run with a missing data file is ${state}, not failed`);
    await new Promise((done) => setTimeout(done, 250));
  }
  failedRun = await api.getRun(created.id);

  const launched = await startChromium({ bypassCSP: true });
  if ('reason' in launched) {
    skipReason = launched.reason;
    return;
  }
  chromium = launched;
  page = await chromium.context.newPage();
  page.setDefaultTimeout(30_000);
  collectErrors(page, consoleErrors);
}, 600_000);

afterAll(async () => {
  api?.close();
  await chromium?.close();
  await server?.stop();
});

/** Opens a view by its hash and waits until it shows what marks it as loaded. */
async function openView(view: string): Promise<void> {
  await page.goto(`${base}#/${view}`);
  if (view === 'runs') {
    await poll(() => page.locator('tr[data-run-id]').count()).toBe(3);
    await page.getByLabel(`Compare ${affinityRun.name}`).check();
    await page.getByLabel(`Compare ${standardRun.name}`).check();
    await poll(() => page.getByTestId('final-metrics').locator('tbody tr').count()).toBe(2);
    await poll(() => page.getByTestId('final-metrics').textContent()).toMatch(/%/);
  } else if (view === 'new') {
    await poll(() => page.getByTestId('start-run').isVisible()).toBe(true);
  } else if (view.startsWith('training/')) {
    await poll(() => textOf('run-state')).toBe('completed');
  } else if (view.startsWith('affinity/')) {
    await poll(() => textOf('edited-affinity-vra'), { timeout: 60_000 }).toMatch(/%/);
  } else if (view.startsWith('points/')) {
    await poll(() => page.locator('[data-testid="point-list"] [data-index]').count(), {
      timeout: 60_000,
    }).toBeGreaterThan(5);
  }
}

describe('layout and accessibility in Chromium', () => {
  it('fits every view at 1024, 1280 and 1920 px, with no serious axe finding', async (ctx) => {
    if (skipReason || !server) {
      ctx.skip();
      return;
    }
    const views = [
      'runs',
      'new',
      `training/${affinityRun.id}`,
      `affinity/${affinityRun.id}`,
      `points/${affinityRun.id}`,
    ];
    const findings: string[] = [];
    for (const width of WIDTHS) {
      await page.setViewportSize({ width, height: 900 });
      for (const view of views) {
        await openView(view);
        const name = view.split('/')[0];
        await page.screenshot({ path: join(OUT, `layout-${name}-${width}.png`), fullPage: true });
        expect(await overflow(), `${name} at ${width} px scrolls sideways`).toBeLessThanOrEqual(0);
        if (name === 'runs') {
          // Every column and action of the runs table in view: no sideways scroll in the table.
          expect(await overflow('.table-wrap'), `runs table at ${width} px`).toBeLessThanOrEqual(0);
          const del = page.getByRole('button', { name: `Delete ${affinityRun.name}` });
          expect(await del.isVisible()).toBe(true);
          const box = await del.boundingBox();
          expect(box && box.x + box.width).toBeLessThanOrEqual(width);
        }
        if (name === 'points') {
          // Class labels are readable, not cut to "blu…".
          const cut = (await page.evaluate(`[...document.querySelectorAll(
            '[data-testid="point-list"] [data-index] .c-lab')].filter(
            (e) => e.scrollWidth > e.clientWidth).length`)) as number;
          expect(cut, `labels cut at ${width} px`).toBe(0);
          // The class and affinity-set filters sit on one line with their labels.
          const middles = (await page.evaluate(`['label[for="set-filter"]', '#set-filter',
            'label[for="class-filter"]', '#class-filter'].map((s) => {
              const r = document.querySelector(s).getBoundingClientRect();
              return (r.top + r.bottom) / 2;
            })`)) as number[];
          expect(
            Math.max(...middles) - Math.min(...middles),
            `filters wrap at ${width} px`,
          ).toBeLessThan(8);
        }
        // Accessibility: each view once, at the middle width, in both themes.
        if (width === 1280) {
          for (const theme of ['light', 'dark']) {
            await page.evaluate(
              `localStorage.setItem('relaxcert.theme', '${theme}'); document.documentElement.dataset.theme = '${theme}'`,
            );
            await page.waitForTimeout(300);
            for (const v of await seriousViolations(page))
              findings.push(`${name} (${theme}): ${v.id} — ${v.help} — ${v.targets.join(' | ')}`);
          }
          await page.evaluate(
            `localStorage.setItem('relaxcert.theme', 'light'); document.documentElement.dataset.theme = 'light'`,
          );
        }
      }
    }
    expect(findings).toEqual([]);
    expect(consoleErrors.filter((e) => !/favicon/.test(e))).toEqual([]);
  }, 600_000);

  it('checks pasted configs and data paths before creating a run', async (ctx) => {
    if (skipReason || !server || !api) {
      ctx.skip();
      return;
    }
    await page.setViewportSize({ width: 1280, height: 900 });
    await openView('new');
    await page.getByRole('button', { name: 'Show config JSON' }).click();
    await page.getByLabel('Paste a config to load it').fill('{"name":1}');
    await page.getByRole('button', { name: 'Load pasted JSON' }).click();
    await poll(() => textOf('json-errors')).toMatch(/name: must be a string/);
    expect(await textOf('json-errors')).toMatch(/dataset: must be an object/);

    // From scratch: nothing of the previous preset stays.
    await page.locator('[data-preset="demo-blobs-affinity"]').click();
    await page.locator('[data-preset="scratch"]').click();
    await poll(() => page.getByLabel('Run name').inputValue()).toBe('');
    expect(await page.getByLabel('Guarantee', { exact: true }).inputValue()).toBe('standard');
    await page.getByLabel('Run name').fill('e2e wrong path');

    // A reader with no path: Create stays disabled; a wrong path is caught before creating.
    await page.getByLabel('Data set').selectOption('csv');
    await poll(() => page.getByTestId('start-run').isEnabled()).toBe(false);
    await page.getByLabel('Data path').fill('/nonexistent/relaxcert-form.csv');
    await poll(() => page.getByTestId('start-run').isEnabled()).toBe(true);
    const before = (await api.listRuns()).length;
    await page.getByTestId('start-run').click();
    await poll(() => textOf('data-check')).toMatch(/relaxcert-form\.csv/);
    expect((await api.listRuns()).length).toBe(before);
    await page.screenshot({ path: join(OUT, 'layout-new-data-check.png') });

    // The draft survives a reload and says so.
    await page.reload();
    await poll(() => page.getByTestId('draft-restored').isVisible()).toBe(true);
    expect(await page.getByLabel('Run name').inputValue()).toBe('e2e wrong path');
    await page.getByRole('button', { name: 'Discard draft' }).click();
    await poll(() => page.getByLabel('Run name').inputValue()).not.toBe('e2e wrong path');
  }, 300_000);

  it('moves classes between affinity sets by keyboard and keeps edits when switching runs', async (ctx) => {
    if (skipReason || !server) {
      ctx.skip();
      return;
    }
    await openView(`affinity/${affinityRun.id}`);
    const chip = page.locator('[data-set="0"] [data-class]').first();
    const classId = await chip.getAttribute('data-class');
    await chip.focus();
    await page.keyboard.press('2');
    const moved = page.locator(`[data-set="1"] [data-class="${classId}"]`);
    await poll(() => moved.count()).toBe(1);
    // The focus followed the chip into set 2, so keys chain.
    await poll(() => page.evaluate('document.activeElement?.dataset.class')).toBe(classId);
    await page.keyboard.press('ArrowLeft');
    await poll(() => page.locator(`[data-set="0"] [data-class="${classId}"]`).count()).toBe(1);
    await page.keyboard.press('3');
    await poll(() => page.locator(`[data-set="2"] [data-class="${classId}"]`).count()).toBe(1);
    // The figure of the edited sets, once their re-certification has finished.
    await poll(() => page.getByText('certifying…').count()).toBe(0);
    const edited = await textOf('edited-affinity-vra');

    // Another run replaces the draft: the edit is set aside with a notice, and offered back.
    await page.evaluate(`location.hash = '#/affinity/${standardRun.id}'`);
    await poll(() =>
      page
        .getByText(/were set aside/)
        .first()
        .isVisible(),
    ).toBe(true);
    await page.evaluate(`location.hash = '#/affinity/${affinityRun.id}'`);
    await poll(() => page.getByTestId('draft-set-aside').isVisible(), { timeout: 60_000 }).toBe(
      true,
    );
    await page.getByRole('button', { name: 'Restore edited sets' }).click();
    await poll(() => page.locator(`[data-set="2"] [data-class="${classId}"]`).count()).toBe(1);
    await poll(() => textOf('edited-affinity-vra')).toBe(edited);
    await page.screenshot({ path: join(OUT, 'layout-affinity-keyboard.png') });
  }, 300_000);

  it('renames a run in place, with the focus in the rename box', async (ctx) => {
    if (skipReason || !server || !api) {
      ctx.skip();
      return;
    }
    await page.goto(`${base}#/runs`);
    await poll(() => page.locator('tr[data-run-id]').count()).toBe(3);
    const order = async (): Promise<(string | null)[]> =>
      page
        .locator('tr[data-run-id]')
        .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-run-id')));
    const before = await order();
    await page.getByRole('button', { name: `Rename ${standardRun.name}` }).click();
    await poll(() => page.evaluate('document.activeElement?.getAttribute("aria-label")')).toBe(
      'New run name',
    );
    await page.keyboard.type('e2e layout: renamed standard');
    await page.keyboard.press('Enter');
    await poll(() => page.getByRole('link', { name: 'e2e layout: renamed standard' }).count()).toBe(
      1,
    );
    expect(await order()).toEqual(before);
    standardRun = await api.getRun(standardRun.id);
  }, 120_000);

  it('offers Resume and Edit and retry on a failed run', async (ctx) => {
    if (skipReason || !server) {
      ctx.skip();
      return;
    }
    await page.goto(`${base}#/runs`);
    await poll(() =>
      page.getByRole('button', { name: `Edit and retry ${failedRun.name}` }).isVisible(),
    ).toBe(true);
    expect(await page.getByRole('button', { name: `Resume ${failedRun.name}` }).isVisible()).toBe(
      true,
    );
    await page.goto(`${base}#/training/${failedRun.id}`);
    await poll(() => textOf('run-state')).toBe('failed');
    expect(await page.getByRole('button', { name: 'Resume' }).isVisible()).toBe(true);
    await page.getByRole('button', { name: 'Edit and retry' }).click();
    await poll(() => page.getByLabel('Run name').inputValue()).toBe(`${failedRun.name} (retry)`);
    expect(await page.getByLabel('Data path').inputValue()).toBe(failedRun.config.dataset.path);
    await page.screenshot({ path: join(OUT, 'layout-edit-and-retry.png') });
  }, 120_000);

  it('shows a run folder damaged on disk live, with its reason, and deletes it by keyboard', async (ctx) => {
    if (skipReason || !server || !api) {
      ctx.skip();
      return;
    }
    const config = structuredClone(standardRun.config);
    config.name = 'e2e layout: to be damaged';
    const run = await api.createRun(config);
    await page.setViewportSize({ width: 1024, height: 900 });
    await page.goto(`${base}#/runs`);
    await poll(() => page.locator(`tr[data-run-id="${run.id}"]`).count()).toBe(1);
    // Another process (this test) truncates the run's config.json; the page is not reloaded.
    const runDir = join(server.home, 'runs', run.id);
    await writeFile(join(runDir, 'config.json'), '{"name": "trunc');
    const item = page.locator(`[data-damaged-id="${run.id}"]`);
    await poll(() => item.count()).toBe(1);
    expect(await item.textContent()).toMatch(new RegExp(`${run.id}/config\\.json`));
    expect(await page.locator(`tr[data-run-id="${run.id}"]`).count()).toBe(0);
    await page.screenshot({ path: join(OUT, 'layout-damaged-run-1024.png'), fullPage: true });
    expect(await overflow(), 'runs view with a damaged folder at 1024 px').toBeLessThanOrEqual(0);
    const del = page.getByRole('button', { name: `Delete the damaged run folder ${run.id}` });
    const box = await del.boundingBox();
    expect(box && box.x + box.width).toBeLessThanOrEqual(1024);
    expect(await seriousViolations(page)).toEqual([]);

    // Keyboard only: Delete asks first, Escape keeps the folder, Delete and confirm removes it.
    const focused = () => page.evaluate('document.activeElement?.getAttribute("aria-label")');
    await del.focus();
    await page.keyboard.press('Enter');
    await poll(focused).toBe(`Confirm: delete the damaged run folder ${run.id}`);
    await page.keyboard.press('Escape');
    await poll(focused).toBe(`Delete the damaged run folder ${run.id}`);
    expect(existsSync(runDir)).toBe(true);
    await page.keyboard.press('Enter');
    await poll(focused).toBe(`Confirm: delete the damaged run folder ${run.id}`);
    await page.keyboard.press('Enter');
    await poll(() => item.count()).toBe(0);
    expect(existsSync(runDir)).toBe(false);
    expect(await api.listDamagedRuns()).toEqual([]);
    expect(consoleErrors.filter((e) => !/favicon/.test(e))).toEqual([]);
  }, 120_000);

  it('follows a run that `relaxcert train` trains in another process, without a refresh', async (ctx) => {
    if (skipReason || !server) {
      ctx.skip();
      return;
    }
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(`${base}#/runs`);
    await poll(() => page.locator('tr[data-run-id]').count()).toBeGreaterThan(0);
    const before = await page.locator('tr[data-run-id]').count();
    const config = structuredClone(standardRun.config);
    config.name = 'e2e layout: trained by the CLI';
    config.training.epochs = 3;
    const file = join(OUT, 'cli-run.json');
    await writeFile(file, JSON.stringify(config));
    // Started while the page is open: the server learns of it only through the home.
    const cli = execFile(process.execPath, [BIN, 'train', '--config', file, '--json'], {
      env: { ...process.env, RELAXCERT_HOME: server.home },
    });
    const done = new Promise<number | null>((resolve) => cli.on('exit', resolve));
    const row = page.locator('tr', { hasText: config.name });
    await poll(() => row.count(), { timeout: 90_000 }).toBe(1);
    expect(await page.locator('tr[data-run-id]').count()).toBe(before + 1);
    const runId = (await row.getAttribute('data-run-id')) as string;
    await page.goto(`${base}#/training/${runId}`);
    expect(await done).toBe(0);
    await poll(() => textOf('run-state'), { timeout: 60_000 }).toBe('completed');
    await poll(() => textOf('epochs-done')).toMatch(/^3\b/);
    expect(await page.getByText('Waiting for the first batch').count()).toBe(0);
    expect(consoleErrors.filter((e) => !/favicon/.test(e))).toEqual([]);
  }, 240_000);
});
