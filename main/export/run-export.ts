/**
 * Writes a run's network for other tools: `model.onnx` (every architecture) or `model.nnet`
 * (dense networks). The tfjs layout is tfjs-model.ts.
 */
import { join } from 'node:path';
import type { ExportFormat } from '../../shared/api/workbench-api.ts';
import type { ExperimentConfig } from '../../shared/config/experiment.ts';
import { buildLayerPlan } from '../../shared/config/layer-plan.ts';
import { RelaxCertError } from '../../shared/errors.ts';
import { VERSION } from '../../shared/version.ts';
import { writeFileAtomic } from '../store/atomic-write.ts';
import { requireCheckpoint } from '../store/checkpoint-file.ts';
import type { ModelShape } from './tfjs-model.ts';
import { nnetInputsFor } from './nnet-inputs.ts';
import { encodeNnet } from './nnet.ts';
import { encodeOnnxModel } from './onnx.ts';
import type { GloroHead } from './onnx.ts';

export interface InteropExport {
  format: Exclude<ExportFormat, 'tfjs'>;
  config: ExperimentConfig;
  runId: string;
  /** ONNX only: the GloRo ⊥ output. */
  head?: GloroHead;
}

export async function exportInterop(
  runDir: string,
  outDir: string,
  request: InteropExport,
  shape: () => Promise<ModelShape>,
): Promise<string[]> {
  const checkpoint = await requireCheckpoint(runDir);
  const { config } = request;
  const { inputShape, classNames } = await shape();
  const plan = buildLayerPlan(config.architecture, inputShape, classNames.length);
  if (request.format === 'onnx') {
    const file = join(outDir, 'model.onnx');
    const bytes = encodeOnnxModel({
      plan,
      weights: checkpoint.arrays,
      name: `relaxcert-${request.runId}`,
      producerVersion: VERSION,
      ...(request.head ? { head: request.head } : {}),
    });
    await writeFileAtomic(file, bytes);
    return [file];
  }
  if (request.head !== undefined) {
    throw new RelaxCertError(
      'INVALID_INPUT',
      'export: the ⊥ head is an ONNX output (.nnet networks are ReLU stacks with linear outputs)',
      { field: 'gloroHead' },
    );
  }
  const inputs = await nnetInputsFor(config.dataset);
  const acas = config.dataset.kind === 'acasxu';
  const file = join(outDir, 'model.nnet');
  await writeFileAtomic(
    file,
    encodeNnet({
      plan,
      weights: checkpoint.arrays,
      inputs,
      negateOutputs: acas,
      comments: [
        `RelaxCert ${VERSION}: run ${request.runId} (${config.name}), ${config.architecture.name}, epoch ${checkpoint.epoch}`,
        'MinMax rewritten exactly with ReLU: per unit pair (a, b) the neurons relu(a), relu(-a), relu(b), relu(-b), relu(a-b)',
        inputs.note,
        acas
          ? `outputs: costs = -logits (${classNames.join(', ')}); the advisory is the smallest, as in the original network`
          : `outputs: the logits of ${classNames.join(', ')}; the predicted class is the largest`,
      ],
    }),
  );
  return [file];
}
