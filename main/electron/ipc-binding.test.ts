/**
 * The Electron IPC binding with Electron abstracted: a fake ipcMain and webContents, and the
 * real preload bridge on a fake ipcRenderer wired to them, in front of the real host.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { IPC_EVENT_CHANNEL } from '../../shared/api/ipc-channels.ts';
import { WORKBENCH_METHODS } from '../../shared/api/workbench-api.ts';
import type { WorkbenchApi, WorkbenchEvent } from '../../shared/api/workbench-api.ts';
import { buildBridge } from '../../preload/bridge.ts';
import type { IpcRendererLike } from '../../preload/bridge.ts';
import { fakeConfig, fakeDeps } from '../host/testing/fake-deps.ts';
import { WorkbenchHost } from '../host/workbench-host.ts';
import { RunStore } from '../store/run-store.ts';
import { bindWorkbenchIpc } from './ipc-binding.ts';
import type { FrameLike, InvokeEventLike, IpcMainLike, WebContentsLike } from './ipc-binding.ts';
import { APP_URL, isAppUrl } from './navigation-policy.ts';

type Handler = (event: InvokeEventLike, ...args: unknown[]) => unknown;

class FakeIpcMain implements IpcMainLike {
  readonly handlers = new Map<string, Handler>();
  handle(channel: string, listener: Handler): void {
    if (this.handlers.has(channel)) throw new Error(`second handler for ${channel}`);
    this.handlers.set(channel, listener);
  }
  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }
}

class FakeContents implements WebContentsLike {
  destroyed = false;
  readonly sent: [string, unknown[]][] = [];
  readonly mainFrame: FrameLike;
  constructor(
    readonly id: number,
    url = APP_URL,
  ) {
    this.mainFrame = { url, processId: 7, routingId: 1 };
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  send(channel: string, ...args: unknown[]): void {
    this.sent.push([channel, args]);
  }
}

/** A renderer-side ipc whose invokes arrive at the fake main as coming from `event`. */
function rendererIpc(
  main: FakeIpcMain,
  event: () => InvokeEventLike,
): IpcRendererLike & {
  emit(channel: string, payload: unknown): void;
} {
  const listeners = new Map<string, Set<(e: unknown, ...a: unknown[]) => void>>();
  return {
    async invoke(channel, ...args) {
      const handler = main.handlers.get(channel);
      if (!handler) throw new Error(`No handler registered for '${channel}'`);
      // Structured clone, as Electron does.
      return structuredClone(await handler(event(), ...structuredClone(args)));
    },
    on(channel, listener) {
      if (!listeners.has(channel)) listeners.set(channel, new Set());
      listeners.get(channel)?.add(listener);
    },
    removeListener(channel, listener) {
      listeners.get(channel)?.delete(listener);
    },
    emit(channel, payload) {
      for (const l of listeners.get(channel) ?? []) l({}, payload);
    },
  };
}

describe('Electron IPC binding', () => {
  let home: string;
  let host: WorkbenchHost;
  let ipcMain: FakeIpcMain;
  let win: FakeContents;
  let unbind: () => void;

  beforeEach(async () => {
    home = await mkdtemp(join(tmpdir(), 'relaxcert-ipc-'));
    host = new WorkbenchHost(fakeDeps(await RunStore.open(home)));
    ipcMain = new FakeIpcMain();
    win = new FakeContents(3);
    unbind = bindWorkbenchIpc({ ipcMain, api: host, target: () => win, isAppUrl });
  });

  afterEach(async () => {
    unbind();
    await host.close();
    await rm(home, { recursive: true, force: true });
  });

  const fromWindow = (): InvokeEventLike => ({
    sender: { id: win.id },
    senderFrame: win.mainFrame,
  });

  it('registers exactly one channel per WorkbenchApi method', () => {
    expect([...ipcMain.handlers.keys()].sort()).toEqual(
      WORKBENCH_METHODS.map((m) => `relaxcert:${m}`).sort(),
    );
    unbind();
    expect(ipcMain.handlers.size).toBe(0);
    unbind = () => {};
  });

  it('serves calls from our window through the preload bridge, errors with their code', async () => {
    const api = buildBridge(rendererIpc(ipcMain, fromWindow));
    const run = await api.createRun(fakeConfig('via ipc'));
    expect((await api.getRun(run.id)).name).toBe('via ipc');
    const error = await api.getRun('20200101-000000-abcdef').catch((e: unknown) => e);
    expect(error).not.toBeInstanceOf(Error);
    expect(error).toMatchObject({ name: 'RelaxCertError', code: 'NOT_FOUND', field: 'runId' });
  });

  const refused: [string, () => InvokeEventLike][] = [
    ['another window', () => ({ sender: { id: 99 }, senderFrame: win.mainFrame })],
    [
      'an iframe',
      () => ({ sender: { id: win.id }, senderFrame: { ...win.mainFrame, routingId: 2 } }),
    ],
    [
      'a frame of another process',
      () => ({ sender: { id: win.id }, senderFrame: { ...win.mainFrame, processId: 8 } }),
    ],
    [
      'a page that navigated away',
      () => ({
        sender: { id: win.id },
        senderFrame: { ...win.mainFrame, url: 'https://evil.example/' },
      }),
    ],
    [
      'a file: page',
      () => ({
        sender: { id: win.id },
        senderFrame: { ...win.mainFrame, url: 'file:///etc/passwd' },
      }),
    ],
    ['a disposed frame', () => ({ sender: { id: win.id }, senderFrame: null })],
  ];

  it.each(refused)('refuses calls from %s', async (_what, event) => {
    const api = buildBridge(rendererIpc(ipcMain, event));
    await expect(api.listRuns()).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    await expect(api.createRun(fakeConfig())).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    expect(await host.listRuns()).toEqual([]);
  });

  it('refuses everything once the window is gone', async () => {
    const api = buildBridge(rendererIpc(ipcMain, fromWindow));
    win.destroyed = true;
    await expect(api.getInfo()).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
  });

  it('refuses calls to a main frame whose URL is not our app, even in our window', async () => {
    win = new FakeContents(4, 'https://evil.example/');
    const api = buildBridge(rendererIpc(ipcMain, fromWindow));
    await expect(api.getInfo()).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
  });

  it('pushes host events to the window only, and the bridge delivers them', async () => {
    const ipc = rendererIpc(ipcMain, fromWindow);
    const api: WorkbenchApi = buildBridge(ipc);
    const got: WorkbenchEvent[] = [];
    const off = api.onEvent((e) => got.push(e));
    const run = await host.createRun(fakeConfig('evented'));
    const pushed = win.sent.filter(([c]) => c === IPC_EVENT_CHANNEL);
    expect(pushed).toHaveLength(1);
    const event = pushed[0][1][0] as WorkbenchEvent;
    expect(event.type === 'run-state' && event.run.id).toBe(run.id);
    ipc.emit(IPC_EVENT_CHANNEL, event);
    off();
    ipc.emit(IPC_EVENT_CHANNEL, event);
    expect(got).toEqual([event]);
  });
});

describe('preload bridge', () => {
  it('exposes exactly the WorkbenchApi methods and onEvent, frozen', () => {
    const calls: string[] = [];
    const bridge = buildBridge({
      invoke: async (channel) => {
        calls.push(channel);
        return { ok: true, result: 1 };
      },
      on: () => {},
      removeListener: () => {},
    });
    expect(Object.keys(bridge).sort()).toEqual([...WORKBENCH_METHODS, 'onEvent'].sort());
    expect(Object.isFrozen(bridge)).toBe(true);
    for (const key of Object.keys(bridge)) {
      expect(typeof (bridge as unknown as Record<string, unknown>)[key]).toBe('function');
    }
  });
});
