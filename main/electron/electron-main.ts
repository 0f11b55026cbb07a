/**
 * Electron main process: one window on the app protocol, the host services behind IPC, the
 * guards of web-contents-guards.ts, and a clean shutdown (runs still training become
 * interrupted). Started by launch.mjs (which registers tsx) or from a bundle.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { app, BrowserWindow, dialog, ipcMain, Menu, protocol, session, shell } from 'electron';
import { VERSION } from '../../shared/version.ts';
import { createWorkbenchHost } from '../host/create-host.ts';
import type { WorkbenchHost } from '../host/workbench-host.ts';
import { defaultStaticDir } from '../server/static-files.ts';
import { resolveAppRequest } from './app-protocol.ts';
import { bindWorkbenchIpc } from './ipc-binding.ts';
import { menuTemplate } from './menu.ts';
import { APP_SCHEME, APP_URL, isAppUrl } from './navigation-policy.ts';
import { guardWebContents, offerExternal } from './web-contents-guards.ts';
import type { GuardActions } from './web-contents-guards.ts';
import { windowOptions } from './window-options.ts';

const DOCS_URL = 'https://github.com/klasleino/gloro';
const preloadPath = fileURLToPath(new URL('../../out/preload/preload.cjs', import.meta.url));
const staticDir = process.env.RELAXCERT_RENDERER_DIR ?? defaultStaticDir();

let mainWindow: BrowserWindow | undefined;
let host: WorkbenchHost | undefined;
let closed = false;

// Every renderer sandboxed, whatever its options say.
app.enableSandbox();
protocol.registerSchemesAsPrivileged([
  { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
]);

const guardActions: GuardActions = {
  async confirmExternal(url) {
    const options = {
      type: 'question' as const,
      buttons: ['Open in Browser', 'Cancel'],
      defaultId: 1,
      cancelId: 1,
      message: 'Open this link in your web browser?',
      detail: url,
    };
    const result = mainWindow
      ? await dialog.showMessageBox(mainWindow, options)
      : await dialog.showMessageBox(options);
    return result.response === 0;
  },
  openExternal: (url) => shell.openExternal(url),
};

function createWindow(): BrowserWindow {
  const win = new BrowserWindow(windowOptions(preloadPath));
  win.once('ready-to-show', () => win.show());
  win.on('closed', () => {
    if (mainWindow === win) mainWindow = undefined;
  });
  void win.loadURL(APP_URL);
  return win;
}

async function start(): Promise<void> {
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }
  app.on('second-instance', () => {
    if (mainWindow) {
      if (mainWindow.isMinimized()) mainWindow.restore();
      mainWindow.focus();
    }
  });
  app.on('web-contents-created', (_event, contents) => guardWebContents(contents, guardActions));

  await app.whenReady();
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) =>
    callback(false),
  );
  session.defaultSession.setPermissionCheckHandler(() => false);
  protocol.handle(APP_SCHEME, async (request) => {
    const r = resolveAppRequest(request.url, staticDir);
    const body = 'file' in r ? await readFile(r.file) : r.body;
    return new Response(body, { status: r.status, headers: r.headers });
  });

  host = await createWorkbenchHost({ shell: 'electron' });
  const workbench = host;
  bindWorkbenchIpc({
    ipcMain,
    api: workbench,
    target: () => mainWindow?.webContents,
    isAppUrl,
  });

  Menu.setApplicationMenu(
    Menu.buildFromTemplate(
      menuTemplate(
        process.platform,
        {
          openRunsFolder: () => void shell.openPath(workbench.store.runsDir),
          openDocs: () => offerExternal(DOCS_URL, guardActions),
          showAbout: () =>
            void dialog.showMessageBox({
              type: 'info',
              title: 'About RelaxCert',
              message: `RelaxCert ${VERSION}`,
              detail: `Runs are stored in ${workbench.store.home}`,
            }),
        },
        { devTools: !app.isPackaged },
      ),
    ),
  );

  mainWindow = createWindow();
  app.on('activate', () => {
    if (!mainWindow) mainWindow = createWindow();
  });
}

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});

// Close the host before quitting so training runs are recorded as interrupted.
app.on('before-quit', (event) => {
  if (closed || host === undefined) return;
  event.preventDefault();
  const closing = host;
  host = undefined;
  void closing.close().finally(() => {
    closed = true;
    app.quit();
  });
});

start().catch((error: unknown) => {
  dialog.showErrorBox(
    'RelaxCert could not start',
    error instanceof Error ? (error.stack ?? error.message) : String(error),
  );
  app.exit(2);
});
