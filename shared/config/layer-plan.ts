/**
 * Architectures by name (PAPER.md, "Experiments") as a flat list of layers with their shapes.
 * Pure data, no tfjs: the network builder, the sound bounds and the checkpoint format read it.
 */
import type { ArchitectureSpec } from './experiment.ts';
import { ARCHITECTURE_CATALOGUE, isArchitectureName } from './architectures.ts';
import { RelaxCertError } from '../errors.ts';

/** Whether the architecture has convolutional layers (without building its plan). */
export function isConvolutional(arch: ArchitectureSpec): boolean {
  return isArchitectureName(arch.name) && ARCHITECTURE_CATALOGUE[arch.name].convolutional;
}

export type LayerSpec =
  | { kind: 'dense'; inFeatures: number; units: number }
  | {
      kind: 'conv';
      inShape: [number, number, number]; // h, w, cin
      outShape: [number, number, number];
      filters: number;
      kernel: number;
      stride: number;
      padding: 'same' | 'valid';
    }
  | { kind: 'minmax' }
  | { kind: 'downsample'; inShape: [number, number, number] }
  | { kind: 'flatten'; inShape: number[] };

export interface LayerPlan {
  inputShape: number[];
  numClasses: number;
  layers: LayerSpec[];
}

type Block =
  | { conv: number; kernel: number; stride: number; padding: 'same' | 'valid' }
  | { downsample: true }
  | { dense: number };

function blocksFor(arch: ArchitectureSpec): Block[] {
  const conv = (c: number, kernel = 3, stride = 1): Block => ({
    conv: c,
    kernel,
    stride,
    padding: 'same',
  });
  switch (arch.name) {
    case 'dense-small': {
      const width = arch.width ?? 64;
      return Array.from({ length: arch.depth ?? 2 }, () => ({ dense: width }));
    }
    case 'dense-3x1000': {
      const width = arch.width ?? 1000;
      return Array.from({ length: arch.depth ?? 3 }, () => ({ dense: width }));
    }
    case 'cnn-c2f2': {
      const w = arch.width ?? 32;
      const dense = Array.from({ length: arch.depth ?? 2 }, () => ({ dense: 256 }));
      return [conv(w), { downsample: true }, conv(2 * w), { downsample: true }, ...dense];
    }
    case 'cnn-6c2f': {
      const w = arch.width ?? 64;
      const dense = Array.from({ length: arch.depth ?? 2 }, () => ({ dense: 512 }));
      return [
        conv(w),
        conv(w),
        conv(w),
        conv(w, 4, 2),
        conv(2 * w),
        conv(2 * w),
        conv(2 * w),
        conv(2 * w, 4, 2),
        conv(4 * w),
        conv(4 * w, 4, 2),
        ...dense,
      ];
    }
    default:
      throw new RelaxCertError(
        'INVALID_CONFIG',
        `unknown architecture '${String((arch as { name: unknown }).name)}'`,
        { field: 'architecture.name' },
      );
  }
}

function outSize(size: number, k: number, s: number, padding: 'same' | 'valid'): number {
  return padding === 'same' ? Math.ceil(size / s) : Math.floor((size - k) / s) + 1;
}

/** Hidden layers each followed by MinMax; a final dense layer with one unit per class. */
export function buildLayerPlan(
  arch: ArchitectureSpec,
  inputShape: number[],
  numClasses: number,
): LayerPlan {
  const fail = (field: string, message: string): never => {
    throw new RelaxCertError('INVALID_CONFIG', message, { field });
  };
  if (numClasses < 2) fail('dataset', `a classifier needs at least 2 classes (got ${numClasses})`);
  if (
    arch.width !== undefined &&
    (!Number.isInteger(arch.width) || arch.width < 2 || arch.width % 2)
  ) {
    fail('architecture.width', `width must be an even integer ≥ 2 (got ${arch.width})`);
  }
  if (arch.depth !== undefined && (!Number.isInteger(arch.depth) || arch.depth < 0)) {
    fail('architecture.depth', `depth must be a non-negative integer (got ${arch.depth})`);
  }
  const blocks = blocksFor(arch);
  const layers: LayerSpec[] = [];
  let shape = [...inputShape];
  const flat = (): number => shape.reduce((a, b) => a * b, 1);
  for (const block of blocks) {
    if ('conv' in block) {
      if (shape.length !== 3) {
        fail(
          'architecture.name',
          `${arch.name} needs image inputs [h, w, c] (got [${inputShape}])`,
        );
      }
      const [h, w, c] = shape;
      const oh = outSize(h, block.kernel, block.stride, block.padding);
      const ow = outSize(w, block.kernel, block.stride, block.padding);
      if (oh < 1 || ow < 1) fail('architecture.name', `input ${h}×${w} too small for ${arch.name}`);
      layers.push({
        kind: 'conv',
        inShape: [h, w, c],
        outShape: [oh, ow, block.conv],
        filters: block.conv,
        kernel: block.kernel,
        stride: block.stride,
        padding: block.padding,
      });
      layers.push({ kind: 'minmax' });
      shape = [oh, ow, block.conv];
    } else if ('downsample' in block) {
      const [h, w, c] = shape;
      if (h % 2 || w % 2)
        fail('architecture.name', `downsampling needs even sizes (got ${h}×${w})`);
      layers.push({ kind: 'downsample', inShape: [h, w, c] });
      shape = [h / 2, w / 2, 4 * c];
    } else {
      if (shape.length !== 1) {
        layers.push({ kind: 'flatten', inShape: [...shape] });
        shape = [flat()];
      }
      layers.push({ kind: 'dense', inFeatures: shape[0], units: block.dense });
      layers.push({ kind: 'minmax' });
      shape = [block.dense];
    }
  }
  if (shape.length !== 1) {
    layers.push({ kind: 'flatten', inShape: [...shape] });
    shape = [flat()];
  }
  layers.push({ kind: 'dense', inFeatures: shape[0], units: numClasses });
  return { inputShape: [...inputShape], numClasses, layers };
}
