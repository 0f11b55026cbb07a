/** Custom gradients with typed arguments, for ops with one output (tf.customGrad) or several. */
import * as tf from '@tensorflow/tfjs-core';

export type CustomGradBody = (
  inputs: tf.Tensor[],
  save: tf.GradSaveFunc,
) => { value: tf.Tensor; gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.Tensor | tf.Tensor[] };

/** tf.customGrad (tfjs types every argument as Tensor | GradSaveFunc). */
export function customGrad(body: CustomGradBody): (...inputs: tf.Tensor[]) => tf.Tensor {
  const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const save = args[args.length - 1] as tf.GradSaveFunc;
    return body(args.slice(0, -1) as tf.Tensor[], save);
  });
  return (...inputs) => op(...inputs);
}

/** An op with several outputs: gradFunc gets one gradient per output, returns one per input. */
export type MultiOutputBody = (inputs: tf.Tensor[]) => {
  values: tf.Tensor[];
  gradFunc: (dys: tf.Tensor[]) => tf.Tensor[];
};

/**
 * The part of tfjs-core 4.22's engine that records ops with several outputs on the gradient
 * tape; tf.customGrad itself calls it with one. Not in tfjs' public typings.
 */
interface KernelFuncEngine {
  runKernelFunc(params: {
    forwardFunc: () => tf.Tensor[];
    backwardsFunc: (dys: tf.Tensor | tf.Tensor[]) => Record<string, () => tf.Tensor>;
    inputs: Record<string, tf.Tensor>;
  }): tf.Tensor[];
}

/**
 * A custom gradient for an op with several outputs (tf.customGrad allows one). Outputs nothing
 * differentiates get zero gradients from tfjs, as with its own kernels.
 */
export function customGradMulti(body: MultiOutputBody): (...inputs: tf.Tensor[]) => tf.Tensor[] {
  return (...inputs) => {
    const engine = tf.engine() as unknown as Partial<KernelFuncEngine>;
    if (typeof engine.runKernelFunc !== 'function') {
      throw new Error(
        'customGradMulti: this tfjs-core has no engine.runKernelFunc (written for 4.22)',
      );
    }
    let gradFunc: ((dys: tf.Tensor[]) => tf.Tensor[]) | undefined;
    return engine.runKernelFunc({
      forwardFunc: () => {
        const res = body(inputs);
        gradFunc = res.gradFunc;
        return res.values;
      },
      backwardsFunc: (dys) => {
        const grads = (gradFunc as (dys: tf.Tensor[]) => tf.Tensor[])(
          Array.isArray(dys) ? dys : [dys],
        );
        if (grads.length !== inputs.length) {
          throw new Error(`customGradMulti: ${grads.length} gradients for ${inputs.length} inputs`);
        }
        return Object.fromEntries(grads.map((g, i) => [String(i), () => g]));
      },
      inputs: Object.fromEntries(inputs.map((t, i) => [String(i), t])),
    });
  };
}
