/**
 * Floating-point operations of one training step (a multiply-add counts 2), for the bench's
 * achieved GFLOP/s. Counts the useful products only: each linear layer's forward pass, its
 * weight gradient, and its input gradient except for the first layer (nothing needs the
 * gradient of the data); plus, per hidden layer, the power iterations (two products each) and
 * the Lipschitz estimate ‖W u‖ with its weight gradient (two more). MinMax, the head, Adam and
 * the bias gradients are O(size) and not counted.
 *
 * Convolutions are counted as direct products (im2col's), whichever algorithm runs them: the
 * native kernels compute 3×3 stride-1 layers by Winograd's F(4×4, 3×3), with 1/4 of those
 * multiplications. For a net with such layers the rate is therefore a direct-equivalent one
 * (what a direct convolution would have to reach for the same time), not what the cores did,
 * and can exceed the SGEMM peak; `flopsQualifier` says so in every line that prints it.
 */
import type { LayerPlan } from '../shared/config/layer-plan.ts';

/** Multiply-adds of one linear layer on one point. */
function macsPerPoint(spec: LayerPlan['layers'][number]): number {
  if (spec.kind === 'dense') return spec.inFeatures * spec.units;
  if (spec.kind === 'conv') {
    const [oh, ow] = spec.outShape;
    return oh * ow * spec.kernel * spec.kernel * spec.inShape[2] * spec.filters;
  }
  return 0;
}

export function trainStepFlops(plan: LayerPlan, batch: number, powerIterations: number): number {
  const linear = plan.layers.filter((l) => l.kind === 'dense' || l.kind === 'conv');
  let macs = 0;
  linear.forEach((spec, i) => {
    const perPoint = macsPerPoint(spec);
    macs += batch * perPoint * (i === 0 ? 2 : 3);
    // Hidden layers only: the last layer's norm enters through its rows (lipschitzMatrix).
    if (i < linear.length - 1) macs += perPoint * (2 * powerIterations + 2);
  });
  return 2 * macs;
}

/**
 * What every figure derived from trainStepFlops for `plan` must say after its unit (see above):
 * ' (convolutions counted as direct products)' for a net with convolutions, else nothing.
 */
export function flopsQualifier(plan: LayerPlan): string {
  return plan.layers.some((l) => l.kind === 'conv')
    ? ' (convolutions counted as direct products)'
    : '';
}
