/** The host as the CLI uses it: the real wiring, closed on exit. */
import { createWorkbenchHost } from '../host/create-host.ts';
import type { WorkbenchHost } from '../host/workbench-host.ts';

export async function withHost<T>(work: (host: WorkbenchHost) => Promise<T>): Promise<T> {
  const host = await createWorkbenchHost({ shell: 'cli' });
  try {
    return await work(host);
  } finally {
    await host.close();
  }
}
