/**
 * `npm run bench` entry of bench/epoch-28px.ts: runs it in a child process (its peak resident
 * memory must be the epoch's, not the earlier benchmarks') and relays its lines.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export default async function epochBench(): Promise<void> {
  const script = fileURLToPath(new URL('./epoch-28px.ts', import.meta.url));
  const child = spawnSync(process.execPath, ['--import', 'tsx', script], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  process.stdout.write(child.stdout);
  if (child.status !== 0) throw new Error(`epoch-28px.ts exited with ${child.status}`);
}
