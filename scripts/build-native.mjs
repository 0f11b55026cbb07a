#!/usr/bin/env node
// `npm install` hook: builds the optional native CPU kernels (native/, an N-API addon) with
// node-gyp. On a user's machine it never fails the install: without a C++ toolchain (or Node
// headers) it prints one line and the engine runs on tfjs' WASM backend alone. Under CI=true a
// failed build fails the install, so CI cannot pass the native tests by skipping them (.ci/run
// installs the compiler). RELAXCERT_SKIP_NATIVE=1 skips it, also under CI.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const nativeDir = join(root, 'native');

function nodeGypCommand() {
  // npm tells lifecycle scripts where its bundled node-gyp is; else npm's own copy or npx.
  const fromNpm = process.env.npm_config_node_gyp;
  if (fromNpm && existsSync(fromNpm)) return [process.execPath, [fromNpm]];
  const bundled = join(
    dirname(process.execPath),
    '..',
    'lib',
    'node_modules',
    'npm',
    'node_modules',
    'node-gyp',
    'bin',
    'node-gyp.js',
  );
  if (existsSync(bundled)) return [process.execPath, [bundled]];
  return [process.platform === 'win32' ? 'npx.cmd' : 'npx', ['--no-install', 'node-gyp']];
}

function nodeDirArgs() {
  // Use the running Node's own headers when it has them (offline builds); else node-gyp
  // fetches them.
  const prefix = join(dirname(process.execPath), '..');
  return existsSync(join(prefix, 'include', 'node', 'node_api.h')) ? [`--nodedir=${prefix}`] : [];
}

const ci = process.env.CI === 'true' || process.env.CI === '1';

function unavailable(why, required = ci) {
  if (required) {
    console.error(`relaxcert: native kernels failed to build under CI (${why}).`);
    process.exitCode = 1;
  } else {
    console.log(`relaxcert: native kernels unavailable (${why}); the engine will use WASM.`);
  }
}

if (process.env.RELAXCERT_SKIP_NATIVE === '1') {
  unavailable('RELAXCERT_SKIP_NATIVE=1', false);
} else {
  const [cmd, pre] = nodeGypCommand();
  const r = spawnSync(cmd, [...pre, 'rebuild', ...nodeDirArgs()], {
    cwd: nativeDir,
    encoding: 'utf8',
    shell: process.platform === 'win32',
  });
  if (r.error) unavailable(r.error.message);
  else if (r.status !== 0) {
    const lines = `${r.stdout}\n${r.stderr}`.split('\n').filter((l) => /error/i.test(l));
    unavailable(`node-gyp exited with ${r.status}${lines.length ? `: ${lines[0].trim()}` : ''}`);
  } else console.log('relaxcert: native kernels built (native/build/Release).');
}
