/**
 * Start-up wiring of the Electron main process with the 'electron' module replaced by fakes
 * (the binary cannot run here): app protocol with CSP, one hardened window on the app URL,
 * IPC served to that window only, permissions refused, and the host closed before quitting.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { IpcReply } from '../../shared/api/ipc-channels.ts';
import { WORKBENCH_METHODS } from '../../shared/api/workbench-api.ts';
import { APP_CSP, APP_URL } from './navigation-policy.ts';

type Listener = (...args: unknown[]) => unknown;

const fake = vi.hoisted(() => {
  const appListeners = new Map<string, Listener[]>();
  const state = {
    appListeners,
    windows: [] as { options: Record<string, unknown>; url?: string; webContents: unknown }[],
    protocolHandler: undefined as undefined | ((request: { url: string }) => Promise<Response>),
    privileged: [] as unknown[],
    handlers: new Map<string, Listener>(),
    permission: undefined as undefined | Listener,
    quitCalls: 0,
    menuSet: false,
    sandboxed: false,
  };
  class BrowserWindow {
    webContents = {
      id: 11,
      mainFrame: { url: 'relaxcert://app/index.html', processId: 5, routingId: 1 },
      isDestroyed: () => false,
      send: () => {},
    };
    constructor(options: Record<string, unknown>) {
      state.windows.push({ options, webContents: this.webContents });
    }
    once() {}
    on() {}
    async loadURL(url: string) {
      state.windows[state.windows.length - 1].url = url;
    }
    isMinimized() {
      return false;
    }
    restore() {}
    focus() {}
  }
  const electron = {
    app: {
      enableSandbox: () => {
        state.sandboxed = true;
      },
      requestSingleInstanceLock: () => true,
      whenReady: async () => {},
      isPackaged: false,
      on(event: string, listener: Listener) {
        appListeners.set(event, [...(appListeners.get(event) ?? []), listener]);
      },
      quit: () => {
        state.quitCalls++;
      },
      exit: () => {},
    },
    BrowserWindow,
    dialog: { showMessageBox: async () => ({ response: 1 }), showErrorBox: () => {} },
    ipcMain: {
      handle: (channel: string, listener: Listener) => state.handlers.set(channel, listener),
      removeHandler: (channel: string) => state.handlers.delete(channel),
    },
    Menu: {
      buildFromTemplate: (t: unknown) => t,
      setApplicationMenu: () => (state.menuSet = true),
    },
    protocol: {
      registerSchemesAsPrivileged: (s: unknown[]) => state.privileged.push(...s),
      handle: (_scheme: string, h: (request: { url: string }) => Promise<Response>) => {
        state.protocolHandler = h;
      },
    },
    session: {
      defaultSession: {
        setPermissionRequestHandler: (h: Listener) => (state.permission = h),
        setPermissionCheckHandler: () => {},
      },
    },
    shell: { openExternal: async () => {}, openPath: async () => '' },
  };
  return { state, electron };
});

vi.mock('electron', () => ({ ...fake.electron, default: fake.electron }));

describe('Electron main wiring (electron faked)', () => {
  let home = '';
  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'relaxcert-electron-'));
    await mkdir(join(home, 'renderer'));
    await writeFile(join(home, 'renderer', 'index.html'), '<title>app</title>');
    process.env.RELAXCERT_HOME = join(home, 'store');
    process.env.RELAXCERT_RENDERER_DIR = join(home, 'renderer');
    await import('./electron-main.ts');
    for (let i = 0; i < 200 && fake.state.windows.length === 0; i++) {
      await new Promise((r) => setTimeout(r, 10));
    }
  });
  afterAll(async () => {
    delete process.env.RELAXCERT_HOME;
    delete process.env.RELAXCERT_RENDERER_DIR;
    await rm(home, { recursive: true, force: true });
  });

  it('opens one sandboxed, isolated window on the app URL with the menu set', () => {
    const { state } = fake;
    expect(state.sandboxed).toBe(true);
    expect(state.windows).toHaveLength(1);
    expect(state.windows[0].url).toBe(APP_URL);
    expect(state.windows[0].options.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
    });
    expect(state.menuSet).toBe(true);
  });

  it('serves the app protocol with the CSP header', async () => {
    const response = await fake.state.protocolHandler?.({ url: 'relaxcert://app/index.html' });
    expect(response?.status).toBe(200);
    expect(response?.headers.get('content-security-policy')).toBe(APP_CSP);
    expect(APP_CSP).toContain("default-src 'self'");
    expect(APP_CSP).toContain("connect-src 'self';"); // no sockets: IPC only
    expect(await response?.text()).toContain('<title>app</title>');
    expect(fake.state.privileged).toMatchObject([
      { scheme: 'relaxcert', privileges: { standard: true, secure: true } },
    ]);
  });

  it('refuses every permission request', () => {
    let granted: boolean | undefined;
    fake.state.permission?.({}, 'media', (ok: boolean) => (granted = ok));
    expect(granted).toBe(false);
  });

  it('answers IPC from its window and refuses other senders', async () => {
    const { handlers, windows } = fake.state;
    expect([...handlers.keys()].sort()).toEqual(
      WORKBENCH_METHODS.map((m) => `relaxcert:${m}`).sort(),
    );
    const contents = windows[0].webContents as { id: number; mainFrame: object };
    const getInfo = handlers.get('relaxcert:getInfo') as Listener;
    const ok = (await getInfo({ sender: contents, senderFrame: contents.mainFrame })) as IpcReply;
    expect(ok).toMatchObject({
      ok: true,
      result: { shell: 'electron', home: join(home, 'store') },
    });
    const refused = (await getInfo({
      sender: { id: 99 },
      senderFrame: contents.mainFrame,
    })) as IpcReply;
    expect(refused).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
  });

  it('closes the host before quitting', async () => {
    const [beforeQuit] = fake.state.appListeners.get('before-quit') ?? [];
    let prevented = false;
    beforeQuit({ preventDefault: () => (prevented = true) });
    expect(prevented).toBe(true);
    for (let i = 0; i < 200 && fake.state.quitCalls === 0; i++) {
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(fake.state.quitCalls).toBe(1);
    // The second before-quit (from that app.quit()) lets the quit through.
    let preventedAgain = false;
    beforeQuit({ preventDefault: () => (preventedAgain = true) });
    expect(preventedAgain).toBe(false);
  });
});
