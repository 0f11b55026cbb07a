/**
 * The WorkbenchApi: the one contract between every front end (Electron preload, browser
 * client, CLI) and the host services. Components never know which transport they talk to.
 *
 * Transports must carry typed arrays (Float32Array, Int32Array, Uint8Array, Float64Array)
 * intact: Electron IPC does so by structured clone, the WebSocket transport by its codec.
 * Failures reject with a RelaxCertError (rebuilt from ErrorInfo on the client side).
 */
import type {
  DatasetKind,
  DatasetSpec,
  ExperimentConfig,
  Guarantee,
} from '../config/experiment.ts';
import type { PresetInfo } from '../config/presets.ts';
import type { BatchProgress, DamagedRun, EpochMetrics, LogLine, RunSummary } from './run-types.ts';
import type { CertClaim, ClaimErrorBounds } from '../certify/claim.ts';
import type { CertificationSummary } from '../certify/session.ts';
import type { WhatIfSets, WhatIfSetsInput } from './what-if-sets.ts';

export type { WhatIfSets, WhatIfSetsInput } from './what-if-sets.ts';
import type { SweepRequest, SweepSummary } from './sweep-types.ts';

export type { SweepRequest, SweepSummary } from './sweep-types.ts';

/** Presets are config data (shared/config/presets.ts); the API lists them. */
export type { PresetInfo };

export interface WorkbenchInfo {
  version: string;
  /** Where runs are stored. */
  home: string;
  /** 'electron' | 'browser' | 'cli' */
  shell: string;
}

export interface AffinityPresetInfo {
  name: string;
  sets: number[][];
  setNames?: string[];
}

export interface DatasetInfo {
  kind: DatasetKind;
  name: string;
  classNames: string[];
  inputShape: number[];
  trainSize: number;
  testSize: number;
  /** Class counts of the training split, in class order. */
  classCounts: number[];
  /** Class counts of the test split, in class order. */
  testClassCounts: number[];
  affinityPresets: AffinityPresetInfo[];
  hasThumbnails: boolean;
}

/**
 * The model's logits on a regular grid over a 2-D input space, with their rounding-error bounds:
 * what the decision-region map certifies (same K as the test points). Grid point (r, s), row-major
 * r then s, lies at x = xMin + s·(xMax − xMin)/(side − 1), y = yMin + r·(yMax − yMin)/(side − 1).
 */
export interface DecisionGrid {
  side: number;
  xMin: number;
  xMax: number;
  yMin: number;
  yMax: number;
  /** side² × c logits, row-major. */
  logits: Float32Array;
  /** Per grid point, as EvalArtifacts.errorBounds. */
  errorBounds: ClaimErrorBounds;
}

/** Stored certification inputs of an evaluated run: certification is pure arithmetic on these. */
export interface EvalArtifacts {
  runId: string;
  n: number; // test points
  c: number; // classes
  classNames: string[];
  /** n × c logits, row-major. */
  logits: Float32Array;
  /** n labels. */
  labels: Int32Array;
  /** c × c sound upper bounds: lipschitz[j * c + i] bounds the Lipschitz constant of f_j − f_i. */
  lipschitz: Float64Array;
  /** ε the run was trained for; re-certification is meaningful for any ε. */
  trainedEpsilon: number;
  guarantee: Guarantee;
  /** Test inputs when they are small (≤ 16 features per point), e.g. for the 2-D scatter plot. */
  inputs?: Float32Array;
  inputShape: number[];
  /**
   * Per-point bounds on the rounding error of every logit difference, one per claim
   * (shared/certify/claim.ts): err = base[p] + ε·perEpsilon[p] (shared/certify/input.ts). Every
   * certificate is made with the bound of its claim (underClaim); a point's margin must exceed it.
   */
  errorBounds: ClaimErrorBounds;
  /**
   * Set when the artefacts predate the exact claim's own bound: errorBounds.exact is then the
   * float32 claim's bound, which also covers the logits at x (sound, only looser). Evaluating
   * the run again stores the tighter one.
   */
  exactBoundStandIn?: true;
  /** 2-D inputs only: logits and error bounds on a grid over the test inputs (evaluation time). */
  regions?: DecisionGrid;
}

/** Model formats of exportRun: RelaxCert's tfjs layout, ONNX, or .nnet (dense networks). */
export const EXPORT_FORMATS = ['tfjs', 'onnx', 'nnet'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export interface ExportOptions {
  /** Default 'tfjs'. */
  format?: ExportFormat;
  /** ONNX only: a second output `gloro` with the ⊥ logit (needs the run's certification). */
  gloroHead?: boolean;
}

export interface CertifyRequest {
  epsilon?: number; // default: the trained ε
  guarantee?: Guarantee; // default: the trained guarantee
  claim?: CertClaim; // default: DEFAULT_CLAIM ('float32')
}

/** Sound figures of one certification, named by shared/certify/vocabulary.ts. */
export type { CertificationSummary } from '../certify/session.ts';

export type WorkbenchEvent =
  | { type: 'progress'; progress: BatchProgress }
  | { type: 'epoch'; runId: string; metrics: EpochMetrics }
  | { type: 'run-state'; run: RunSummary }
  /** The run's folder is gone (deleted here or by another process). */
  | { type: 'run-deleted'; runId: string }
  /** The run's folder cannot be read as a run (seen damaged, e.g. by the home watcher). */
  | { type: 'run-damaged'; damaged: DamagedRun }
  | { type: 'log'; line: LogLine }
  /** A sweep started, moved on a cell, finished or stopped. */
  | { type: 'sweep-state'; sweep: SweepSummary };

export type Unsubscribe = () => void;

export interface WorkbenchApi {
  getInfo(): Promise<WorkbenchInfo>;
  listPresets(): Promise<PresetInfo[]>;
  /** The built-in data sets (no files needed). */
  listDatasets(): Promise<DatasetInfo[]>;
  inspectDataset(spec: DatasetSpec): Promise<DatasetInfo>;
  /** PNG bytes of one point of an image data set. */
  getThumbnail(spec: DatasetSpec, split: 'train' | 'test', index: number): Promise<Uint8Array>;

  createRun(config: ExperimentConfig): Promise<RunSummary>;
  startRun(runId: string): Promise<RunSummary>;
  cancelRun(runId: string): Promise<RunSummary>;
  resumeRun(runId: string): Promise<RunSummary>;
  deleteRun(runId: string): Promise<void>;
  renameRun(runId: string, name: string): Promise<RunSummary>;
  listRuns(): Promise<RunSummary[]>;
  /** Run folders that cannot be read; deleteRun removes them. */
  listDamagedRuns(): Promise<DamagedRun[]>;
  getRun(runId: string): Promise<RunSummary>;
  getMetrics(runId: string): Promise<EpochMetrics[]>;
  getEvalArtifacts(runId: string): Promise<EvalArtifacts>;
  certifyRun(runId: string, request: CertifyRequest): Promise<CertificationSummary>;
  /**
   * Runs the evaluation job again on a completed run's last checkpoint: proven K, test-set
   * logits and rounding-error bounds, stored as new artefacts (e.g. for artefacts of an older
   * format). Resolves when the job is queued, like startRun.
   */
  evaluateRun(runId: string): Promise<RunSummary>;
  /**
   * The self-contained HTML report of an evaluated run (config, sound figures, curves, VRA vs ε,
   * confusion with ⊥, rejected points explained): one page with no script and nothing to load.
   */
  getReportHtml(runId: string, claim?: CertClaim): Promise<string>;
  /**
   * Writes the model (tfjs layout, ONNX or .nnet), K matrix and certification report into
   * `outDir` (host-side path).
   */
  exportRun(runId: string, outDir: string, options?: ExportOptions): Promise<{ files: string[] }>;
  /**
   * The run's named what-if affinity sets, kept in its folder (`what-if-sets.json`), in the
   * order saved. Valid for the run's class count; a corrupt file rejects with DATA_FORMAT.
   */
  listWhatIfSets(runId: string): Promise<WhatIfSets[]>;
  /**
   * Saves one entry under the run lock, replacing the one of the same name in place (else
   * appended); `savedAt` is kept when given (Undo), else now. Resolves to the new list.
   */
  saveWhatIfSets(runId: string, entry: WhatIfSetsInput): Promise<WhatIfSets[]>;
  /** Removes the entry of that name (NOT_FOUND when there is none); resolves to the new list. */
  deleteWhatIfSets(runId: string, name: string): Promise<WhatIfSets[]>;

  /**
   * "Repeat with N seeds": a sweep of the run's experiment over N training seeds, each a run of
   * its own, trained one after another through the job manager (as `relaxcert sweep`). Resolves
   * once the sweep is recorded; `sweep-state` events follow its progress.
   */
  startSweep(request: SweepRequest): Promise<SweepSummary>;
  /** Continues a stopped sweep where it stopped (also one started by the CLI). */
  resumeSweep(sweepId: string): Promise<SweepSummary>;
  /** Stops a running sweep; its running cell is cancelled and stays resumable. */
  cancelSweep(sweepId: string): Promise<SweepSummary>;
  /** Every sweep of the workbench home, oldest first, with mean ± std once finished. */
  listSweeps(): Promise<SweepSummary[]>;
  getSweep(sweepId: string): Promise<SweepSummary>;

  onEvent(listener: (event: WorkbenchEvent) => void): Unsubscribe;
}

/** The request methods, in one list: the preload exposes exactly these plus `onEvent`. */
export const WORKBENCH_METHODS = [
  'getInfo',
  'listPresets',
  'listDatasets',
  'inspectDataset',
  'getThumbnail',
  'createRun',
  'startRun',
  'cancelRun',
  'resumeRun',
  'deleteRun',
  'renameRun',
  'listRuns',
  'listDamagedRuns',
  'getRun',
  'getMetrics',
  'getEvalArtifacts',
  'certifyRun',
  'evaluateRun',
  'getReportHtml',
  'exportRun',
  'listWhatIfSets',
  'saveWhatIfSets',
  'deleteWhatIfSets',
  'startSweep',
  'resumeSweep',
  'cancelSweep',
  'listSweeps',
  'getSweep',
] as const satisfies ReadonlyArray<Exclude<keyof WorkbenchApi, 'onEvent'>>;

export type WorkbenchMethod = (typeof WORKBENCH_METHODS)[number];
