/** Test support without tfjs, so that main-thread suites (the job manager's) can use it too. */
import { createRequire } from 'node:module';

/** Whether a package resolves from here, e.g. the optional tfjs-node-gpu (usually absent). */
export function packageInstalled(name: string): boolean {
  try {
    createRequire(import.meta.url).resolve(name);
    return true;
  } catch {
    return false;
  }
}
