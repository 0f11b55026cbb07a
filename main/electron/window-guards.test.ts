/** Window hardening with Electron abstracted: options, navigation, new windows, app protocol, menu. */
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveAppRequest } from './app-protocol.ts';
import { menuTemplate } from './menu.ts';
import { APP_CSP, APP_URL, externalLinkDecision, isAppUrl } from './navigation-policy.ts';
import { guardWebContents } from './web-contents-guards.ts';
import type { GuardedContents, PreventableEvent } from './web-contents-guards.ts';
import { windowOptions } from './window-options.ts';

describe('window options', () => {
  it('isolate the renderer: sandbox, context isolation, no Node', () => {
    const o = windowOptions('/app/preload.cjs').webPreferences;
    expect(o).toMatchObject({
      preload: '/app/preload.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      webviewTag: false,
      allowRunningInsecureContent: false,
    });
  });
});

describe('navigation policy', () => {
  it('knows the app URL and nothing else', () => {
    expect(isAppUrl(APP_URL)).toBe(true);
    expect(isAppUrl('relaxcert://app/runs/1')).toBe(true);
    for (const url of [
      'relaxcert://other/',
      'file:///app/index.html',
      'https://app/',
      'nonsense',
    ]) {
      expect(isAppUrl(url)).toBe(false);
    }
  });

  it('offers only http(s) links without credentials to the browser', () => {
    expect(externalLinkDecision('https://arxiv.org/abs/2106.06624')).toEqual({
      action: 'confirm',
      url: 'https://arxiv.org/abs/2106.06624',
    });
    for (const url of [
      'file:///etc/passwd',
      'javascript:alert(1)',
      'smb://host/share',
      'https://u:p@x.org/',
      '::',
    ]) {
      expect(externalLinkDecision(url)).toEqual({ action: 'deny' });
    }
  });

  it('has a strict CSP: own scripts only, no eval, no plugins, no framing', () => {
    expect(APP_CSP).toContain("default-src 'self'");
    expect(APP_CSP).toContain("script-src 'self' 'wasm-unsafe-eval'");
    expect(APP_CSP).not.toMatch(/'unsafe-eval'|script-src[^;]*'unsafe-inline'/);
    expect(APP_CSP).toContain("object-src 'none'");
    expect(APP_CSP).toContain("frame-ancestors 'none'");
  });
});

class FakeContents implements GuardedContents {
  readonly listeners = new Map<string, (event: PreventableEvent, url: string) => void>();
  openHandler?: (details: { url: string }) => { action: 'deny' };
  on(event: string, listener: (event: PreventableEvent, url: string) => void): this {
    this.listeners.set(event, listener);
    return this;
  }
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void {
    this.openHandler = handler;
  }
  fire(name: string, url = ''): boolean {
    let prevented = false;
    this.listeners.get(name)?.({ preventDefault: () => (prevented = true) }, url);
    return prevented;
  }
}

describe('web contents guards', () => {
  const setup = (answer: boolean) => {
    const contents = new FakeContents();
    const asked: string[] = [];
    const opened: string[] = [];
    guardWebContents(contents, {
      confirmExternal: async (url) => {
        asked.push(url);
        return answer;
      },
      openExternal: async (url) => {
        opened.push(url);
      },
    });
    return { contents, asked, opened };
  };
  const settle = () => new Promise((r) => setTimeout(r, 0));

  it('blocks navigation away from the app and offers http(s) links after confirmation', async () => {
    const { contents, asked, opened } = setup(true);
    expect(contents.fire('will-navigate', 'relaxcert://app/index.html')).toBe(false);
    expect(contents.fire('will-navigate', 'https://example.org/')).toBe(true);
    expect(contents.fire('will-redirect', 'file:///etc/passwd')).toBe(true);
    await settle();
    expect(asked).toEqual(['https://example.org/']);
    expect(opened).toEqual(['https://example.org/']);
  });

  it('opens nothing when the user declines, and never a new window', async () => {
    const { contents, asked, opened } = setup(false);
    expect(contents.openHandler?.({ url: 'https://example.org/x' })).toEqual({ action: 'deny' });
    expect(contents.openHandler?.({ url: 'relaxcert://app/index.html' })).toEqual({
      action: 'deny',
    });
    await settle();
    expect(asked).toEqual(['https://example.org/x']);
    expect(opened).toEqual([]);
    expect(contents.fire('will-attach-webview')).toBe(true);
  });
});

describe('app protocol', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'relaxcert-app-'));
    await mkdir(join(dir, 'renderer', 'assets'), { recursive: true });
    await writeFile(join(dir, 'renderer', 'index.html'), '<title>x</title>');
    await writeFile(join(dir, 'renderer', 'assets', 'a.js'), '1');
    await writeFile(join(dir, 'secret.txt'), 's');
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('serves the renderer with the CSP header and nothing outside it', () => {
    const root = join(dir, 'renderer');
    const page = resolveAppRequest('relaxcert://app/index.html', root);
    expect(page).toMatchObject({ status: 200, file: join(root, 'index.html') });
    expect(page.headers['Content-Security-Policy']).toBe(APP_CSP);
    expect(
      resolveAppRequest('relaxcert://app/assets/a.js', root).headers['Content-Type'],
    ).toContain('javascript');
    expect(resolveAppRequest('relaxcert://app/../secret.txt', root)).not.toHaveProperty(
      'file',
      join(dir, 'secret.txt'),
    );
    expect(resolveAppRequest('relaxcert://app/%2e%2e/secret.txt', root).status).toBe(404);
    expect(resolveAppRequest('relaxcert://evil/index.html', root).status).toBe(404);
    const bare = resolveAppRequest('relaxcert://app/index.html', join(dir, 'none'));
    expect('body' in bare && bare.body).toContain('renderer not built');
  });
});

describe('application menu', () => {
  it('has the usual menus; dev tools only in development', () => {
    const actions = { openRunsFolder() {}, openDocs() {}, showAbout() {} };
    const linux = menuTemplate('linux', actions, { devTools: false });
    expect(linux.map((m) => m.label ?? m.role)).toEqual([
      'File',
      'editMenu',
      'View',
      'windowMenu',
      'help',
    ]);
    const roles = JSON.stringify(linux);
    expect(roles).toContain('"quit"');
    expect(roles).not.toContain('toggleDevTools');
    expect(JSON.stringify(menuTemplate('linux', actions, { devTools: true }))).toContain(
      'toggleDevTools',
    );
    expect(menuTemplate('darwin', actions, { devTools: false })[0].role).toBe('appMenu');
  });
});
