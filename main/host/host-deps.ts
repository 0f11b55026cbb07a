/**
 * Everything the host services use, injected: the real wiring is in default-deps.ts; tests pass
 * fakes (a crashing job runner, a tiny data set).
 */
import type { DatasetInfo, EvalArtifacts, PresetInfo } from '../../shared/api/workbench-api.ts';
import type { DatasetSpec, ExperimentConfig } from '../../shared/config/experiment.ts';
import type { RunStore } from '../store/run-store.ts';
import type { JobRunner } from './job-runner.ts';

export interface HostData {
  builtin(): DatasetSpec[];
  inspect(spec: DatasetSpec): Promise<DatasetInfo>;
  thumbnail(spec: DatasetSpec, split: 'train' | 'test', index: number): Promise<Uint8Array>;
}

export interface HostExporter {
  /** Writes the model of a run into outDir in the tfjs format; returns the files written. */
  exportModel(runDir: string, outDir: string): Promise<string[]>;
}

export interface HostDeps {
  store: RunStore;
  runner: JobRunner;
  shell: 'electron' | 'browser' | 'cli';
  presets(): PresetInfo[];
  validateConfig(value: unknown): ExperimentConfig;
  data: HostData;
  readEvalArtifacts(runDir: string): Promise<EvalArtifacts>;
  exporter: HostExporter;
}
