/**
 * The one place where stores obtain the WorkbenchApi. The shell (main.ts) installs the real
 * transport once at start-up; unit tests install a fake. Stores never import a transport.
 */
import type { WorkbenchApi } from '../../../shared/api/workbench-api.ts';

let current: WorkbenchApi | undefined;

export function setWorkbenchApi(api: WorkbenchApi): void {
  current = api;
}

export function useWorkbenchApi(): WorkbenchApi {
  if (!current) throw new Error('WorkbenchApi not installed: call setWorkbenchApi() first');
  return current;
}
