/**
 * Runs one JobSpec inside an engine worker: loads the data, trains (or resumes) and evaluates,
 * or evaluates a stored checkpoint. Events go out through `emit`; the worker adds the final
 * done / cancelled / failed event.
 */
import type { JobEvent, JobSpec } from './job-messages.ts';
import { loadDataset } from '../data/load-dataset.ts';
import type { LoadedDataset } from '../data/types.ts';
import type { ExperimentConfig } from '../../shared/config/experiment.ts';
import { RelaxCertError } from '../../shared/errors.ts';
import { defaultReplicas, train } from './train/trainer.ts';
import type { BackendChoice } from './backend.ts';

export interface JobContext {
  jobId: string;
  /** Description of the loaded backend, e.g. "wasm (SIMD, 1 thread)". */
  backend: string;
  backendChoice?: BackendChoice;
  emit(event: JobEvent): void;
  isCancelled(): boolean;
  /** Tests may inject data instead of loading `config.dataset`. */
  dataset?: LoadedDataset;
}

async function datasetFor(config: ExperimentConfig, ctx: JobContext): Promise<LoadedDataset> {
  if (ctx.dataset !== undefined) return ctx.dataset;
  const spec = { ...config.dataset };
  if (spec.seed === undefined) spec.seed = config.training.seed;
  return loadDataset(spec);
}

export async function runJob(job: JobSpec, ctx: JobContext): Promise<'done' | 'cancelled'> {
  const { jobId } = ctx;
  const replicas = defaultReplicas(ctx.backendChoice);
  const backend = replicas > 1 ? `${ctx.backend} × ${replicas} replicas` : ctx.backend;
  ctx.emit({ type: 'backend', jobId, backend });
  const dataset = await datasetFor(job.config, ctx);
  if (ctx.isCancelled()) return 'cancelled';
  if (job.type === 'train') {
    const result = await train(
      {
        runId: job.runId,
        runDir: job.runDir,
        config: job.config,
        dataset,
        resume: job.resume,
        replicas,
        backend: ctx.backendChoice,
      },
      {
        progress: (progress) => ctx.emit({ type: 'progress', jobId, progress }),
        epoch: (metrics) => ctx.emit({ type: 'epoch', jobId, metrics }),
        log: (level, message) => ctx.emit({ type: 'log', jobId, level, message }),
        isCancelled: ctx.isCancelled,
      },
    );
    if (result.status === 'cancelled' || result.net === undefined) return 'cancelled';
    try {
      ctx.emit({ type: 'log', jobId, level: 'info', message: 'computing sound Lipschitz bounds' });
      const { evaluateNetwork } = await import('./evaluate.ts');
      await evaluateNetwork(result.net, job.runId, job.runDir, job.config, dataset);
    } finally {
      result.net.dispose();
    }
    return 'done';
  }
  if (job.type === 'evaluate') {
    const { evaluateNetwork, networkFromCheckpoint } = await import('./evaluate.ts');
    const net = await networkFromCheckpoint(job.runDir, job.config, dataset);
    try {
      await evaluateNetwork(net, job.runId, job.runDir, job.config, dataset);
    } finally {
      net.dispose();
    }
    return 'done';
  }
  throw new RelaxCertError('INVALID_INPUT', `unknown job type ${(job as { type: string }).type}`);
}
