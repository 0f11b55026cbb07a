/**
 * Creating, training and reporting one run from the CLI, shared by `train` and `reproduce`:
 * progress bar on a TTY, one line per epoch, Ctrl-C cancels, and the final figures from the
 * sound certification of the stored artefacts.
 */
import type { EpochMetrics, RunSummary } from '../../shared/api/run-types.ts';
import type { WorkbenchEvent } from '../../shared/api/workbench-api.ts';
import type { ExperimentConfig } from '../../shared/config/experiment.ts';
import { RelaxCertError } from '../../shared/errors.ts';
import type { WorkbenchHost } from '../host/workbench-host.ts';
import { pct, progressBar } from './format.ts';
import { runReport } from './run-report.ts';
import { terminalText } from './terminal-text.ts';
import type { RunReport } from './run-report.ts';

/** One line per epoch; every figure from the power-iteration estimates is marked "est.". */
export function epochLine(m: EpochMetrics, total: number): string {
  const relaxed =
    m.estimatedGuaranteeVra === undefined
      ? ''
      : `  est. guarantee VRA ${pct(m.estimatedGuaranteeVra)}`;
  return (
    `epoch ${m.epoch}/${total}  loss ${m.trainLoss.toFixed(4)}  clean ${pct(m.cleanAccuracy)}  ` +
    `est. standard VRA ${pct(m.estimatedStandardVra)}${relaxed}  ` +
    `est. rejected ${pct(m.estimatedRejectionRate)}  ${m.seconds.toFixed(1)} s\n`
  );
}

export async function trainRun(
  host: WorkbenchHost,
  config: ExperimentConfig,
  options: { json: boolean },
): Promise<{ final: RunSummary; report: RunReport }> {
  const { json } = options;
  const tty = !json && process.stderr.isTTY === true;
  const created = await host.createRun(config);
  const total = created.config.training.epochs;
  if (!json) process.stdout.write(`run ${created.id}: ${terminalText(created.name)}\n`);
  let barShown = false;
  const clearBar = () => {
    if (barShown) process.stderr.write('\r\x1b[K');
    barShown = false;
  };
  const off = host.onEvent((event: WorkbenchEvent) => {
    if (json) return;
    if (event.type === 'progress' && event.progress.runId === created.id && tty) {
      process.stderr.write(`\r\x1b[K${progressBar(event.progress, total)}`);
      barShown = true;
    } else if (event.type === 'epoch' && event.runId === created.id) {
      clearBar();
      process.stdout.write(epochLine(event.metrics, total));
    } else if (
      event.type === 'log' &&
      event.line.runId === created.id &&
      event.line.level !== 'info'
    ) {
      clearBar();
      process.stderr.write(`${event.line.level}: ${event.line.message}\n`);
    }
  });
  let interrupted = false;
  const onSigint = () => {
    if (interrupted) return;
    interrupted = true;
    clearBar();
    process.stderr.write('cancelling…\n');
    void host.cancelRun(created.id).catch(() => {});
  };
  process.on('SIGINT', onSigint);
  let final: RunSummary;
  try {
    await host.startRun(created.id);
    final = await host.settled(created.id);
  } finally {
    process.off('SIGINT', onSigint);
    off();
    clearBar();
  }
  if (final.state === 'cancelled') {
    throw new RelaxCertError(
      'CANCELLED',
      `run ${final.id} cancelled after ${final.epochsDone} epochs (resume it from the workbench)`,
    );
  }
  if (final.state !== 'completed') {
    const record = await host.store.record(final.id);
    const code = record.errorCode ?? 'INTERNAL';
    throw new RelaxCertError(
      code,
      `training failed: ${final.error ?? final.state} (run ${final.id})`,
    );
  }
  const artifacts = await host.getEvalArtifacts(final.id);
  return { final, report: runReport(final, artifacts, host.store.runDir(final.id)) };
}
