/**
 * The evaluation job: proven per-layer upper bounds (main/engine/bounds, not the training-time
 * power-iteration estimates) → the C×C matrix K, the test-set logits and labels, and each
 * point's rounding-error bounds, one per claim (bounds/float-error.ts), stored by
 * main/store/eval-artifacts.ts; for 2-D inputs also the decision-region grid (decision-grid.ts).
 * Certification under any ε or guarantee is then arithmetic in
 * shared/certify.
 */
import type { ExperimentConfig } from '../../shared/config/experiment.ts';
import { RelaxCertError } from '../../shared/errors.ts';
import type { EvalArtifacts } from '../../shared/api/workbench-api.ts';
import { rowsOf } from '../data/inputs.ts';
import type { LoadedDataset } from '../data/types.ts';
import { writeEvalArtifacts } from '../store/eval-artifacts.ts';
import {
  conv2dSpectralUpperBound,
  denseSpectralUpperBound,
  errorNetworkSpec,
  roundingErrorBounds,
  lipschitzMatrix,
} from './bounds/index.ts';
import type { ErrorNetworkSpec } from './bounds/index.ts';
import { layerWeights } from './float64-pass.ts';
import { exactLogitsInParallel } from './float64-parallel.ts';
import { decisionGrid } from './decision-grid.ts';
import { buildLayerPlan } from '../../shared/config/layer-plan.ts';
import type { LayerPlan } from '../../shared/config/layer-plan.ts';
import { Network } from './model/network.ts';
import type { NamedArray } from './model/network.ts';
import { requireCheckpoint } from '../store/checkpoint-file.ts';
import { planKey } from './train/trainer.ts';

export interface SoundLipschitz {
  /** c×c, [j*c+i] bounds Lip(f_j − f_i). */
  k: Float64Array;
  /** Proven bounds of the hidden linear layers, in order. */
  layerBounds: number[];
  /** The network constants of the rounding-error bounds. */
  errorSpec: ErrorNetworkSpec;
}

/** Proven Lipschitz bounds of the network whose weights are `arrays` (Network.exportArrays). */
export function soundLipschitz(plan: LayerPlan, arrays: NamedArray[]): SoundLipschitz {
  const byName = new Map(arrays.map((a) => [a.name, a]));
  const weights = (index: number): Float32Array => {
    const a = byName.get(`L${index}.w`);
    if (a === undefined) throw new RelaxCertError('INTERNAL', `no weights for layer ${index}`);
    return a.data;
  };
  const linear = plan.layers
    .map((spec, index) => ({ spec, index }))
    .filter(({ spec }) => spec.kind === 'dense' || spec.kind === 'conv');
  const layerBounds: number[] = [];
  let prefix = 1;
  linear.forEach(({ spec, index }, n) => {
    const last = n === linear.length - 1;
    if (spec.kind === 'dense') {
      if (last) return;
      const b = denseSpectralUpperBound(weights(index), spec.inFeatures, spec.units);
      layerBounds.push(b);
      prefix *= b;
    } else if (spec.kind === 'conv') {
      const [h, w, cin] = spec.inShape;
      const b = conv2dSpectralUpperBound(
        weights(index),
        { kh: spec.kernel, kw: spec.kernel, cin, cout: spec.filters },
        { h, w },
        { stride: spec.stride, padding: spec.padding },
      );
      layerBounds.push(b);
      prefix *= b;
    }
  });
  const lastLayer = linear[linear.length - 1];
  if (lastLayer === undefined || lastLayer.spec.kind !== 'dense') {
    throw new RelaxCertError('INTERNAL', 'the last layer must be dense');
  }
  const k = lipschitzMatrix(
    weights(lastLayer.index),
    lastLayer.spec.inFeatures,
    lastLayer.spec.units,
    prefix,
  );
  const maxK = k.reduce((a, b) => Math.max(a, b), 0);
  const errorSpec = errorNetworkSpec(plan, weights, layerBounds, maxK);
  return { k: Float64Array.from(k), layerBounds, errorSpec };
}

export async function networkFromCheckpoint(
  runDir: string,
  config: ExperimentConfig,
  dataset: LoadedDataset,
): Promise<Network> {
  const ck = await requireCheckpoint(runDir);
  if (ck.planKey !== planKey(config, dataset)) {
    throw new RelaxCertError(
      'CONFLICT',
      'the checkpoint belongs to another architecture or dataset',
      {
        file: `${runDir}/checkpoints/latest.ckpt`,
      },
    );
  }
  const plan = buildLayerPlan(config.architecture, dataset.inputShape, dataset.classNames.length);
  const net = new Network(plan, config.training.seed);
  try {
    net.importArrays(ck.arrays);
  } catch (error) {
    net.dispose();
    throw new RelaxCertError('DATA_FORMAT', `checkpoint does not fit the model: ${String(error)}`, {
      file: `${runDir}/checkpoints/latest.ckpt`,
    });
  }
  return net;
}

/** Test-set logits, sound K and per-point rounding-error bounds (one per claim) of `net`, ready to store. */
export async function evaluationArtifacts(
  net: Network,
  runId: string,
  config: ExperimentConfig,
  dataset: LoadedDataset,
): Promise<EvalArtifacts> {
  const plan = net.plan;
  const arrays = await net.exportArrays();
  const sound = soundLipschitz(plan, arrays);
  const test = dataset.test;
  const c = plan.numClasses;
  const weights = layerWeights(arrays);
  const measured = await exactLogitsInParallel(plan, weights, test, sound.errorSpec);
  const logits = measured.logits;
  const features = plan.inputShape.reduce((a, b) => a * b, 1);
  const artifacts: EvalArtifacts = {
    runId,
    n: test.n,
    c,
    classNames: [...dataset.classNames],
    logits,
    labels: Int32Array.from(test.y),
    lipschitz: sound.k,
    trainedEpsilon: config.training.epsilon,
    guarantee: config.guarantee,
    inputShape: [...plan.inputShape],
    errorBounds: roundingErrorBounds(sound.errorSpec, measured, test.n, c),
  };
  if (features <= 16) artifacts.inputs = rowsOf(test, 0, test.n, features).slice();
  if (artifacts.inputs !== undefined && plan.inputShape.length === 1 && features === 2) {
    artifacts.regions = decisionGrid(plan, weights, artifacts.inputs, sound.errorSpec);
  }
  return artifacts;
}

export async function evaluateNetwork(
  net: Network,
  runId: string,
  runDir: string,
  config: ExperimentConfig,
  dataset: LoadedDataset,
): Promise<EvalArtifacts> {
  const artifacts = await evaluationArtifacts(net, runId, config, dataset);
  await writeEvalArtifacts(runDir, artifacts);
  return artifacts;
}
