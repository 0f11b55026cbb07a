/**
 * The real wiring of the host services: run store in the workbench home, the engine's job
 * manager (worker threads), the data layer, the shared certification core. Every shell (CLI,
 * browser server, Electron) starts here.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DatasetInfo } from '../../shared/api/workbench-api.ts';
import type { DatasetSpec, ExperimentConfig } from '../../shared/config/experiment.ts';
import { PRESETS } from '../../shared/config/presets.ts';
import { validateExperimentConfig } from '../../shared/config/validate-experiment.ts';
import { RelaxCertError } from '../../shared/errors.ts';
import { builtinDatasets, inspectDataset, loadDataset } from '../data/load-dataset.ts';
import type { LoadedDataset } from '../data/types.ts';
import { JobManager } from '../jobs/job-manager.ts';
import { readEvalArtifacts } from '../store/eval-artifacts.ts';
import { workbenchHome } from '../store/home.ts';
import { RunStore } from '../store/run-store.ts';
import { EVAL_MARKER } from '../store/run-store.ts';
import type { HostDeps } from './host-deps.ts';
import type { JobRunner } from './job-runner.ts';
import { exportModel } from './model-export.ts';
import { WorkbenchHost } from './workbench-host.ts';
import { existsSync } from 'node:fs';

export interface CreateHostOptions {
  shell: HostDeps['shell'];
  /** Default: RELAXCERT_HOME or the platform's app-data folder. */
  home?: string;
  backend?: 'gpu' | 'wasm' | 'cpu';
  /** Tests only: a runner other than the engine's job manager. */
  runner?: JobRunner;
}

/** Loaded image sets stay in memory for the point browser; two at most. */
function datasetCache(limit = 2) {
  const cache = new Map<string, Promise<LoadedDataset>>();
  return (spec: DatasetSpec): Promise<LoadedDataset> => {
    const key = JSON.stringify(spec);
    let hit = cache.get(key);
    if (hit) {
      cache.delete(key);
    } else {
      hit = loadDataset(spec);
      hit.catch(() => cache.delete(key));
    }
    cache.set(key, hit);
    while (cache.size > limit) cache.delete(cache.keys().next().value as string);
    return hit;
  };
}

export async function createWorkbenchHost(options: CreateHostOptions): Promise<WorkbenchHost> {
  const store = await RunStore.open(options.home ?? workbenchHome());
  const runner: JobRunner =
    options.runner ?? new JobManager(options.backend ? { backend: options.backend } : {});
  const load = datasetCache();
  // Generated sets are pure functions of their spec: summarise each once.
  const generated = new Map<string, Promise<DatasetInfo>>();
  const inspectGenerated = (spec: DatasetSpec): Promise<DatasetInfo> => {
    if (spec.kind !== 'blobs-2d' && spec.kind !== 'shapes-32') return inspectDataset(spec);
    const key = JSON.stringify(spec);
    let info = generated.get(key);
    if (!info) {
      info = inspectDataset(spec);
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
    validateConfig: validateExperimentConfig,
    data: {
      builtin: builtinDatasets,
      inspect: (spec) => inspectGenerated(spec),
      async thumbnail(spec, split, index) {
        const dataset = await load(spec);
        if (!dataset.thumbnail) {
          throw new RelaxCertError('INVALID_INPUT', `${dataset.name} has no images to show`, {
            field: 'dataset.kind',
          });
        }
        const n = dataset[split].n;
        if (index >= n) {
          throw new RelaxCertError(
            'INVALID_INPUT',
            `index ${index} is past the end of the ${split} split (${n} points)`,
            { field: 'index' },
          );
        }
        return dataset.thumbnail(split, index);
      },
    },
    readEvalArtifacts,
    exporter: {
      async exportModel(runDir, outDir) {
        const config = JSON.parse(
          await readFile(join(runDir, 'config.json'), 'utf8'),
        ) as ExperimentConfig;
        return exportModel(runDir, outDir, config, async () =>
          existsSync(join(runDir, 'eval', EVAL_MARKER))
            ? readEvalArtifacts(runDir)
            : inspectDataset(config.dataset),
        );
      },
    },
  };
  return new WorkbenchHost(deps);
}
