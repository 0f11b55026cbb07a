/**
 * electron-builder configuration. `npm run dist` builds out/ (scripts/build.mjs) and packages it
 * with this config (scripts/dist.ts). What the app needs at run time:
 * - out/main/*.js: main process, CLI, engine, helper and data worker bundles (npm packages external);
 * - out/preload/preload.cjs and out/renderer/**;
 * - production node_modules: @tensorflow/tfjs (+ its backends), tfjs-backend-wasm's .wasm files,
 *   ws, jpeg-js, pngjs, and @tensorflow/tfjs-node-gpu where it was installed (optional).
 * - native/build/Release/*.node: the optional native kernels (main/engine/native), where
 *   `npm install` could build them.
 * Worker scripts, .wasm files and the native addons (ours and tfjs-node-gpu's) are unpacked
 * from the asar archive: worker threads and WebAssembly.compile read real files, and native
 * addons cannot be loaded from inside an archive.
 */
import type { Configuration } from 'electron-builder';

export const RUNTIME_FILES = [
  'out/main/electron-main.js',
  'out/main/cli.js',
  'out/main/engine-worker.js',
  'out/main/helper-worker.js',
  'out/main/float64-worker.js',
  'out/main/data-worker.js',
  'out/preload/preload.cjs',
  'out/renderer/index.html',
] as const;

/** The native kernels' addon (optional: absent where no compiler built it). */
export const NATIVE_ADDON = 'native/build/Release/*.node';

export const WASM_FILES = [
  'node_modules/@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm',
  'node_modules/@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm',
  'node_modules/@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm',
] as const;

const config: Configuration = {
  appId: 'org.relaxcert.workbench',
  productName: 'RelaxCert',
  copyright: 'Copyright © 2026 the RelaxCert authors',
  directories: { output: 'release', buildResources: 'resources' },
  icon: 'resources/icon.png',
  files: ['out/**/*', '!out/**/*.map', 'package.json', 'resources/**/*', NATIVE_ADDON],
  extraMetadata: { main: 'out/main/electron-main.js' },
  asar: true,
  asarUnpack: [
    'out/main/engine-worker.js',
    'out/main/helper-worker.js',
    'out/main/float64-worker.js',
    'out/main/data-worker.js',
    'node_modules/@tensorflow/tfjs-backend-wasm/dist/*.wasm',
    'node_modules/@tensorflow/tfjs-node-gpu/**/*',
    NATIVE_ADDON,
  ],
  // tfjs-node-gpu is optional and platform-specific: never rebuild it against Electron's headers
  // here; it loads through N-API on the user's machine or the engine falls back to WASM.
  npmRebuild: false,
  linux: {
    target: ['AppImage', 'deb'],
    category: 'Science',
    synopsis: 'Train and certify neural networks under relaxed local robustness',
  },
  deb: { depends: ['libnss3', 'libgtk-3-0'] },
  win: { target: ['nsis'] },
  nsis: { oneClick: false, allowToChangeInstallationDirectory: true },
  mac: { target: ['dmg'], category: 'public.app-category.developer-tools' },
};

export default config;
