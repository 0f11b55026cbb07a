/**
 * The start every browser suite shares: build the renderer, serve it with `relaxcert serve`,
 * start a Chromium (e2e/support/browser.ts) and collect the page's console errors. A step that
 * cannot run gives a reason the suite prints once and skips on; a broken UI still fails.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import type { Page } from 'playwright-core';
import { startServe, type ServedWorkbench } from './serve.ts';
import { launchChromium, type LaunchedChromium, type LookupOptions } from './browser.ts';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const OUT = join(ROOT, 'e2e/output');
const STATIC = join(ROOT, 'out/renderer');

function skipping(reason: string): { reason: string } {
  console.warn(`\n[e2e] SKIPPED: ${reason}\n`);
  return { reason };
}

/** Builds the renderer into out/renderer and serves it; or why the server could not start. */
export async function serveWorkbench(): Promise<ServedWorkbench | { reason: string }> {
  await mkdir(OUT, { recursive: true });
  await build({ configFile: join(ROOT, 'vite.config.ts'), logLevel: 'warn' });
  try {
    return await startServe(STATIC);
  } catch (e) {
    return skipping(`the workbench server could not start.\n${(e as Error).message}`);
  }
}

/** The first Chromium that starts (named in the log); or why none did. */
export async function startChromium(
  options: LookupOptions = {},
): Promise<LaunchedChromium | { reason: string }> {
  const launched = await launchChromium(options);
  if ('reason' in launched) return skipping(launched.reason);
  const { source, executablePath } = launched.candidate;
  console.info(`[e2e] Chromium: ${source} (${executablePath})`);
  return launched;
}

/** Pushes every console error and uncaught page error of `page` onto `errors`. */
export function collectErrors(page: Page, errors: string[]): void {
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`${m.text()} (${m.location().url})`);
  });
  page.on('pageerror', (e) => errors.push(e.message));
}
