#!/usr/bin/env node
// `npm run build`: bundles everything the app runs into out/ —
//   out/main/electron-main.js  Electron main process
//   out/main/cli.js            the CLI (relaxcert), also the browser server
//   out/main/engine-worker.js  engine worker thread (tfjs)
//   out/main/helper-worker.js  data-parallel helper thread (second core)
//   out/main/float64-worker.js float64 evaluation threads (one per core)
//   out/main/data-worker.js    the host's data reads (inspection, thumbnails)
//   out/preload/preload.cjs    sandboxed preload
//   out/renderer/              the Vue renderer (vite)
// Node-side bundles keep npm packages external: electron-builder ships the production
// node_modules, and tfjs must find its .wasm files and native addon there. The bundled workers
// sit beside the bundle that spawns them, which is where job-manager and data-parallel look.
import { build } from 'esbuild';
import { build as viteBuild } from 'vite';
import { fileURLToPath } from 'node:url';
import { buildPreload } from '../main/electron/build-preload.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));

export const NODE_ENTRIES = {
  'electron-main': 'main/electron/electron-main.ts',
  cli: 'main/cli-main.ts',
  'engine-worker': 'main/jobs/engine-worker.ts',
  'helper-worker': 'main/engine/parallel/helper-worker.ts',
  'float64-worker': 'main/engine/float64-worker.ts',
  'data-worker': 'main/host/data-worker.ts',
};

export async function buildAll({ renderer = true } = {}) {
  await build({
    absWorkingDir: root,
    entryPoints: NODE_ENTRIES,
    outdir: 'out/main',
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    sourcemap: true,
    logLevel: 'warning',
  });
  await buildPreload();
  if (renderer) await viteBuild({ logLevel: 'warn', configFile: `${root}vite.config.ts` });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const started = Date.now();
  await buildAll();
  process.stdout.write(`built out/ in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
}
