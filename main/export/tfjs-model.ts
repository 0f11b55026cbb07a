/**
 * Exports a run's trained network in the TensorFlow.js artefact layout: `model.json` (topology +
 * weights manifest) and `weights.bin` (float32, little-endian, in manifest order). The network
 * is a Lipschitz-bounded stack (dense/conv layers each followed by MinMax, a final dense layer,
 * see shared/config/layer-plan.ts) that has no stock tf.layers equivalent, so the topology
 * is RelaxCert's layer plan; `tf.io.decodeWeights` / `tf.io.loadWeights` read the weights.
 */
import { join } from 'node:path';
import type { DatasetInfo } from '../../shared/api/workbench-api.ts';
import type { ExperimentConfig } from '../../shared/config/experiment.ts';
import { VERSION } from '../../shared/version.ts';
import { buildLayerPlan } from '../../shared/config/layer-plan.ts';
import { requireCheckpoint } from '../store/checkpoint-file.ts';
import { writeFileAtomic } from '../store/atomic-write.ts';

export interface ModelShape {
  inputShape: number[];
  classNames: string[];
}

const WEIGHT_NAME = /^L\d+\.(w|b)$/;

export async function exportModel(
  runDir: string,
  outDir: string,
  config: ExperimentConfig,
  shape: () => Promise<ModelShape | DatasetInfo>,
): Promise<string[]> {
  const checkpoint = await requireCheckpoint(runDir);
  const { inputShape, classNames } = await shape();
  const plan = buildLayerPlan(config.architecture, inputShape, classNames.length);
  // Weights and biases only: the power-iteration iterates (.u) and Adam moments are training
  // state, not part of the function the network computes.
  const weights = checkpoint.arrays.filter((a) => WEIGHT_NAME.test(a.name));
  const total = weights.reduce((s, a) => s + a.data.length, 0);
  const data = new Float32Array(total);
  let at = 0;
  for (const a of weights) {
    data.set(a.data, at);
    at += a.data.length;
  }
  const modelJson = {
    format: 'relaxcert-lipschitz-net',
    generatedBy: `RelaxCert ${VERSION}`,
    convertedBy: null,
    modelTopology: {
      version: 1,
      description:
        'Layers in order; each dense/conv layer L<i> has weights L<i>.w ([in, out] or ' +
        '[kh, kw, cin, cout]) and bias L<i>.b; minmax splits the channels in halves a, b and ' +
        'outputs [min(a, b), max(a, b)]; downsample is a 2x2 space-to-depth. The last layer ' +
        'gives the class logits; the GloRo bottom logit is added at certification time from ' +
        'the K matrix (k-matrix.json).',
      architecture: config.architecture,
      inputShape,
      classNames,
      layers: plan.layers,
      guarantee: config.guarantee,
      epsilon: config.training.epsilon,
      epoch: checkpoint.epoch,
    },
    weightsManifest: [
      {
        paths: ['weights.bin'],
        weights: weights.map((a) => ({ name: a.name, shape: a.shape, dtype: 'float32' })),
      },
    ],
  };
  const modelFile = join(outDir, 'model.json');
  const weightsFile = join(outDir, 'weights.bin');
  await writeFileAtomic(weightsFile, new Uint8Array(data.buffer, 0, data.byteLength));
  await writeFileAtomic(modelFile, `${JSON.stringify(modelJson, null, 2)}\n`);
  return [modelFile, weightsFile];
}
