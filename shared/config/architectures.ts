/**
 * The catalogue of architectures (PAPER.md, "Experiments"): name, form label and whether the
 * network is convolutional. The `ArchitectureName` type, the validator, the renderer's form and
 * the layer plans read it; the layer plans themselves live in `layer-plan.ts`.
 */

export interface ArchitectureInfo {
  label: string;
  /** Has convolutional layers (decides the input it needs and how replicas are used). */
  convolutional: boolean;
}

export const ARCHITECTURE_CATALOGUE = {
  'dense-small': { label: 'dense-small (MLP)', convolutional: false },
  'dense-3x1000': { label: 'dense-3x1000 (ACAS Xu)', convolutional: false },
  'cnn-c2f2': { label: 'cnn-c2f2 (CIFAR, EuroSAT, Fashion-MNIST)', convolutional: true },
  'cnn-6c2f': { label: 'cnn-6c2f (Tiny-ImageNet)', convolutional: true },
} as const satisfies Record<string, ArchitectureInfo>;

export type ArchitectureName = keyof typeof ARCHITECTURE_CATALOGUE;

export const ARCHITECTURE_NAMES = Object.keys(
  ARCHITECTURE_CATALOGUE,
) as readonly ArchitectureName[];

export function isArchitectureName(value: unknown): value is ArchitectureName {
  return typeof value === 'string' && Object.hasOwn(ARCHITECTURE_CATALOGUE, value);
}
