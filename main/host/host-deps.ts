/**
 * Everything the host services use, injected: the real wiring is in create-host.ts; tests pass
 * fakes (a crashing job runner, a tiny data set).
 */
import type {
  DatasetInfo,
  EvalArtifacts,
  ExportFormat,
  PresetInfo,
} from '../../shared/api/workbench-api.ts';
import type { GloroHead } from '../export/onnx.ts';
import type { DatasetSpec, ExperimentConfig } from '../../shared/config/experiment.ts';
import type { RunStore } from '../store/run-store.ts';
import type { JobRunner } from './job-runner.ts';

export interface HostData {
  builtin(): DatasetSpec[];
  inspect(spec: DatasetSpec): Promise<DatasetInfo>;
  thumbnail(spec: DatasetSpec, split: 'train' | 'test', index: number): Promise<Uint8Array>;
  /** Stops what reads data (the data worker); the host calls it when it closes. */
  close?(): Promise<void>;
}

export interface HostExporter {
  /** Writes the model of a run into outDir in the format asked; returns the files written. */
  exportModel(runDir: string, outDir: string, request: ModelExportRequest): Promise<string[]>;
}

export interface ModelExportRequest {
  format: ExportFormat;
  /** ONNX: add the GloRo ⊥ output for the run's trained ε, guarantee and sound K. */
  head?: GloroHead;
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
