/**
 * The browser lookup, as on a machine without a system Chromium: a missing system path falls
 * through to the npm-shipped one, which really starts and renders a page.
 */
import { describe, expect, it } from 'vitest';
import { launchChromium } from './browser.ts';

const MISSING = '/nonexistent/relaxcert/chromium';

describe('Chromium lookup', () => {
  // @sparticuz/chromium ships a Linux binary only; elsewhere a system browser is the way.
  it.skipIf(process.platform !== 'linux')(
    'without a system browser, starts the Chromium shipped in @sparticuz/chromium (Linux)',
    async () => {
      const launched = await launchChromium({ env: {}, systemPaths: [MISSING] });
      if ('reason' in launched) throw new Error(launched.reason);
      try {
        expect(launched.candidate.source).toBe('@sparticuz/chromium');
        expect(launched.candidate.args).not.toContain('--disable-web-security');
        const page = await launched.context.newPage();
        await page.setContent('<p id="x">rendered</p>');
        expect(await page.textContent('#x')).toBe('rendered');
      } finally {
        await launched.close();
      }
    },
    60_000,
  );

  it('names every place it looked when nothing can start', async () => {
    const result = await launchChromium({
      env: { RELAXCERT_CHROMIUM: MISSING },
      systemPaths: [MISSING],
      packaged: false,
    });
    expect(result).toEqual({
      reason: `no Chromium could start: RELAXCERT_CHROMIUM=${MISSING} does not exist; no system Chromium or Chrome`,
    });
  });

  it.skipIf(process.platform !== 'linux')(
    'RELAXCERT_CHROMIUM comes first, and a binary that does not start is passed over (Linux)',
    async () => {
      // /bin/true exists but is no browser: the lookup says so and moves on to the next one.
      const result = await launchChromium({
        env: { RELAXCERT_CHROMIUM: '/bin/true' },
        systemPaths: [MISSING],
      });
      if ('reason' in result) throw new Error(result.reason);
      try {
        expect(result.candidate.source).toBe('@sparticuz/chromium');
      } finally {
        await result.close();
      }
    },
    60_000,
  );
});
