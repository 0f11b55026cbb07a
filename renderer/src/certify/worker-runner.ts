/** The Web Worker runner of the app (kept apart so unit tests never construct a Worker). */
import { workerRunner, type CertRunner } from './cert-runner.ts';

export function createWorkerRunner(): CertRunner {
  return workerRunner(
    new Worker(new URL('../workers/certify.worker.ts', import.meta.url), { type: 'module' }),
  );
}
