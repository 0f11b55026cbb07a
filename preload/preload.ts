/**
 * Preload of the RelaxCert window (sandboxed, context-isolated): exposes `window.relaxcert`.
 * Bundled into one CommonJS file (out/preload/preload.cjs) because sandboxed preloads can
 * require only 'electron' and a few built-ins.
 */
import { contextBridge, ipcRenderer } from 'electron';
import { buildBridge } from './bridge.ts';

contextBridge.exposeInMainWorld('relaxcert', buildBridge(ipcRenderer));
