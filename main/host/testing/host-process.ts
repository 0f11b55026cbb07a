/**
 * A second workbench process for the cross-process tests: the real host wiring on a given home
 * with the scripted runner (no tfjs), which waits until an agreed instant, calls one host
 * method on a run, prints the outcome as one JSON line and, after a start or resume, stays
 * until the run's job is over. Run as `node --import tsx host-process.ts HOME RUN OP AT [SCRIPT]`;
 * OP `train` creates a new run itself (RUN is ignored) and prints its id.
 */
import { toErrorInfo } from '../../../shared/errors.ts';
import { createWorkbenchHost } from '../create-host.ts';
import { fakeConfig, ScriptedRunner } from './fake-deps.ts';
import type { JobScript } from './fake-deps.ts';

const [home, runId, op, at, script] = process.argv.slice(2);
const scripts: JobScript[] =
  script === 'hang' ? [{ kind: 'hang' }] : [{ kind: 'train', epochs: 4, stepMs: 100 }];
const host = await createWorkbenchHost({ shell: 'cli', home, runner: new ScriptedRunner(scripts) });
await new Promise((resolve) => setTimeout(resolve, Math.max(0, Number(at) - Date.now())));
try {
  if (op === 'train') {
    // A new run trained from start to end, as `relaxcert train` does.
    const run = await host.createRun(fakeConfig('from another process', 4));
    await host.startRun(run.id);
    process.stdout.write(`${JSON.stringify({ ok: true, pid: process.pid, runId: run.id })}\n`);
    await host.settled(run.id);
    await host.close();
    process.exit(0);
  }
  if (op === 'resume') await host.resumeRun(runId);
  else if (op === 'start') await host.startRun(runId);
  else if (op === 'cancel') await host.cancelRun(runId);
  else if (op === 'delete') await host.deleteRun(runId);
  else throw new Error(`unknown op ${op}`);
  process.stdout.write(`${JSON.stringify({ ok: true, pid: process.pid })}\n`);
  if (op === 'resume' || op === 'start') await host.settled(runId);
} catch (error) {
  process.stdout.write(
    `${JSON.stringify({ ok: false, pid: process.pid, ...toErrorInfo(error) })}\n`,
  );
}
await host.close();
