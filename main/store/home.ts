/**
 * Where the workbench keeps its runs: `RELAXCERT_HOME` when set, else the platform's app-data
 * folder (the same place Electron's `app.getPath('userData')` would choose for "RelaxCert").
 */
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

export function workbenchHome(env: NodeJS.ProcessEnv = process.env): string {
  if (env.RELAXCERT_HOME) return resolve(env.RELAXCERT_HOME);
  const home = homedir();
  switch (process.platform) {
    case 'win32':
      return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), 'RelaxCert');
    case 'darwin':
      return join(home, 'Library', 'Application Support', 'RelaxCert');
    default:
      return join(env.XDG_DATA_HOME ?? join(home, '.local', 'share'), 'relaxcert');
  }
}
