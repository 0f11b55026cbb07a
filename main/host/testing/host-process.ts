/**
 * A second workbench process for the cross-process tests: the real host wiring on a given home
 * with the scripted runner (no tfjs), which waits until an agreed instant, calls one host
 * method on a run, prints the outcome as one JSON line and, after a start or resume, stays
 * until the run's job is over. Run as `node --import tsx host-process.ts HOME RUN OP AT [SCRIPT]`;
 * OP `train` creates a new run itself (RUN is ignored) and prints its id; OP `sweep` creates a
 * run and repeats it with 3 seeds through the API, prints the sweep's id and drives it until
 * the sweep ends or the process is killed.
 */
import { toErrorInfo } from '../../../shared/errors.ts';
import { createWorkbenchHost } from '../create-host.ts';
import { RunStore } from '../../store/run-store.ts';
import { WorkbenchHost } from '../workbench-host.ts';
import { fakeConfig, fakeDeps, ScriptedRunner } from './fake-deps.ts';
import type { JobScript } from './fake-deps.ts';

const [home, runId, op, at, script] = process.argv.slice(2);
const scripts: JobScript[] =
  script === 'hang' ? [{ kind: 'hang' }] : [{ kind: 'train', epochs: 4, stepMs: 100 }];
if (op === 'sweep') {
  // The scripted runner's evaluation is a marker that only the fake reader (fakeDeps) reads.
  // Epochs long enough for a cancel request (polled twice a second) to land within a cell.
  const slow = new ScriptedRunner([{ kind: 'train', epochs: 4, stepMs: 400 }]);
  const sweeper = new WorkbenchHost(fakeDeps(await RunStore.open(home), slow));
  const run = await sweeper.createRun(fakeConfig('repeated in another process', 4));
  const sweep = await sweeper.startSweep({ runId: run.id, seeds: 3 });
  process.stdout.write(`${JSON.stringify({ ok: true, pid: process.pid, sweepId: sweep.id })}\n`);
  await sweeper.sweepSettled(sweep.id);
  await sweeper.close();
  process.exit(0);
}
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
