/**
 * The real wiring of the host services: run store in the workbench home, the engine's job
 * manager (worker threads), the data layer, the shared certification core. Every shell (CLI,
 * browser server, Electron) starts here.
 */
import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { DatasetInfo } from '../../shared/api/workbench-api.ts';
import type { DatasetSpec, ExperimentConfig } from '../../shared/config/experiment.ts';
import { PRESETS } from '../../shared/config/presets.ts';
import { builtinDatasets } from '../data/load-dataset.ts';
import { JobManager } from '../jobs/job-manager.ts';
import { evalArtifactsPath, readEvalArtifacts } from '../store/eval-artifacts.ts';
import { workbenchHome } from '../store/home.ts';
import { RunStore } from '../store/run-store.ts';
import { DataReader } from './data-reader.ts';
import type { HostDeps } from './host-deps.ts';
import type { JobRunner } from './job-runner.ts';
import { exportModel } from '../export/tfjs-model.ts';
import { WorkbenchHost } from './workbench-host.ts';
import { existsSync } from 'node:fs';
import type { BackendChoice } from '../../shared/config/backends.ts';
import { isGeneratorKind } from '../../shared/config/dataset-kinds.ts';

export interface CreateHostOptions {
  shell: HostDeps['shell'];
  /** Default: RELAXCERT_HOME or the platform's app-data folder. */
  home?: string;
  backend?: BackendChoice;
  /** Tests only: a runner other than the engine's job manager. */
  runner?: JobRunner;
  /**
   * Announce other processes' changes to the home live (home-watcher.ts). Default: on for the
   * window and the browser server, off for the CLI, which lives as long as one command.
   */
  watchHome?: boolean;
}

export async function createWorkbenchHost(options: CreateHostOptions): Promise<WorkbenchHost> {
  const store = await RunStore.open(options.home ?? workbenchHome());
  const runner: JobRunner =
    options.runner ?? new JobManager(options.backend ? { backend: options.backend } : {});
  // Data files are read in a worker thread only: a FIFO or a huge file must not stall the server.
  const reader = new DataReader();
  // Generated sets are pure functions of their spec: summarise each once.
  const generated = new Map<string, Promise<DatasetInfo>>();
  const inspectGenerated = (spec: DatasetSpec): Promise<DatasetInfo> => {
    if (!isGeneratorKind(spec.kind)) return reader.inspect(spec);
    const key = JSON.stringify(spec);
    let info = generated.get(key);
    if (!info) {
      info = reader.inspect(spec);
      info.catch(() => generated.delete(key));
      generated.set(key, info);
    }
    return info;
  };
  const deps: HostDeps = {
    store,
    runner,
    shell: options.shell,
    presets: () => PRESETS,
    data: {
      builtin: builtinDatasets,
      inspect: (spec) => inspectGenerated(spec),
      thumbnail: (spec, split, index) => reader.thumbnail(spec, split, index),
      close: () => reader.close(),
    },
    exporter: {
      async exportModel(runDir, outDir, request) {
        const config = JSON.parse(
          await readFile(join(runDir, 'config.json'), 'utf8'),
        ) as ExperimentConfig;
        const shape = async () =>
          existsSync(evalArtifactsPath(runDir))
            ? readEvalArtifacts(runDir)
            : reader.inspect(config.dataset);
        if (request.format === 'tfjs') return exportModel(runDir, outDir, config, shape);
        // Loaded on demand: the ONNX schema and the .nnet rewrite are not needed to start.
        const { exportInterop } = await import('../export/run-export.ts');
        return exportInterop(
          runDir,
          outDir,
          {
            format: request.format,
            config,
            runId: basename(runDir),
            ...(request.head ? { head: request.head } : {}),
          },
          shape,
        );
      },
    },
  };
  const host = new WorkbenchHost(deps);
  if (options.watchHome ?? options.shell !== 'cli') await host.watchHome();
  return host;
}
