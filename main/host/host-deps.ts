/**
 * What the host services use that is slow or has several forms, injected: the real wiring is in
 * create-host.ts; tests pass fakes (a crashing job runner, a tiny data set). Cheap pure code
 * (config validation, the artefact codec) is not injected: the host and its tests run the real one.
 */
import type { DatasetInfo, ExportFormat, PresetInfo } from '../../shared/api/workbench-api.ts';
import type { GloroHead } from '../export/onnx.ts';
import type { DatasetSpec } from '../../shared/config/experiment.ts';
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
  data: HostData;
  exporter: HostExporter;
}
