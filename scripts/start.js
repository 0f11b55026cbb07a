#!/usr/bin/env node
// `npm start`: the Electron window where the Electron binary is present, else the browser server.
// (Filled in by the host work; until then it prints the CLI help.)
import { spawnSync } from 'node:child_process';

const r = spawnSync(
  process.execPath,
  [new URL('../bin/relaxcert.js', import.meta.url).pathname, '--help'],
  {
    stdio: 'inherit',
  },
);
process.exitCode = r.status ?? 1;
