/** Runs axe-core (from npm, injected into the page) and returns its serious and critical findings. */
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

const AXE_SOURCE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

export interface AxeFinding {
  id: string;
  impact: string;
  help: string;
  /** Up to three offending elements, as CSS selectors. */
  targets: string[];
}

// Run in the page as a string: this file is type-checked for Node, without DOM types.
const RUN_AXE = `axe.run(document, { resultTypes: ['violations'] }).then((r) =>
  r.violations.map((v) => ({
    id: v.id,
    impact: v.impact ?? 'unknown',
    help: v.help,
    targets: v.nodes.slice(0, 3).map((n) => n.target.join(' ')),
  })),
)`;

/** The page needs a browser context launched with `bypassCSP` (the app's CSP blocks injection). */
export async function seriousViolations(page: Page): Promise<AxeFinding[]> {
  if (!(await page.evaluate('typeof window.axe !== "undefined"')))
    await page.addScriptTag({ path: AXE_SOURCE });
  const all = (await page.evaluate(RUN_AXE)) as AxeFinding[];
  return all.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}
