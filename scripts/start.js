#!/usr/bin/env node
// `npm start`: the Electron window where the Electron binary is present, else the browser
// workbench (`relaxcert serve --open`). The binary is looked up without `require('electron')`,
// which would try to download it.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

/** Path of the Electron executable, or a reason why there is none. */
function electronBinary() {
  let pkgDir;
  try {
    pkgDir = dirname(createRequire(import.meta.url).resolve('electron/package.json'));
  } catch {
    return { reason: 'the electron package is not installed' };
  }
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  const pathFile = join(pkgDir, 'path.txt');
  if (!existsSync(pathFile) && !override) return { reason: 'its binary was not downloaded' };
  const name = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : 'electron';
  const binary = override ? join(override, name) : join(pkgDir, 'dist', name);
  return existsSync(binary) ? { binary } : { reason: `${binary} is missing` };
}

function run(command, args) {
  const env = { ...process.env };
  delete env.ELECTRON_RUN_AS_NODE;
  const child = spawn(command, args, { stdio: 'inherit', cwd: root, env });
  const forward = (signal) => child.kill(signal);
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  child.on('exit', (code, signal) => {
    process.exitCode = code ?? (signal ? 1 : 0);
  });
}

/** Newest modification time of the files under `dir` (0 when it does not exist). */
function newestMtime(dir) {
  if (!existsSync(dir)) return 0;
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) {
      newest = Math.max(newest, statSync(join(entry.parentPath ?? entry.path, entry.name)).mtimeMs);
    }
  }
  return newest;
}

// Both shells show the built renderer: build it when it is missing or older than its sources
// (a fresh clone, or after pulling changes), so `npm install && npm start` just works.
const builtPage = join(root, 'out', 'renderer', 'index.html');
const sources = Math.max(newestMtime(join(root, 'renderer')), newestMtime(join(root, 'shared')));
if (!existsSync(builtPage) || statSync(builtPage).mtimeMs < sources) {
  process.stdout.write('Building the workbench UI (out/renderer)…\n');
  const { build } = await import('vite');
  await build({ configFile: join(root, 'vite.config.ts'), logLevel: 'warn' });
}

const electron = electronBinary();
if ('binary' in electron) {
  const { buildPreload } = await import('../main/electron/build-preload.mjs');
  await buildPreload();
  // package.json's "main": a launcher that runs the TypeScript main process through tsx.
  const entry = join(root, 'out', 'main', 'electron-main.js');
  mkdirSync(dirname(entry), { recursive: true });
  writeFileSync(entry, "import '../../main/electron/launch.mjs';\n");
  run(electron.binary, ['.']);
} else {
  process.stdout.write(
    `Electron is not available (${electron.reason}); starting the browser workbench instead.\n`,
  );
  run(process.execPath, [join(root, 'bin', 'relaxcert.js'), 'serve', '--open']);
}
