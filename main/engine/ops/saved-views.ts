/**
 * The tensors a custom gradient reads in its backward pass, kept without a copy.
 *
 * tfjs' own `save()` keeps a clone of each tensor, and on WASM a clone (the Identity kernel)
 * copies the whole buffer: about 50 MB a step for cnn-c2f2 on 28×28×1 (the second conv
 * layer's input, the first dense layer's input and its 12,544 × 256 weights), all of it live
 * until the backward pass. A same-shape reshape shares the buffer instead (the WASM and CPU
 * backends implement Reshape with a reference count), and tf.keep lets it outlive the tidy
 * scope tf.variableGrads runs the forward pass in (which disposes the activations before the
 * backward pass: why anything has to be kept at all).
 *
 * A view is kept only while a gradient tape records the op (as tfjs' own save() does: without a
 * backward pass nothing would release it). The backward pass releases its views;
 * releaseSavedViews() releases any whose backward pass never ran (an error in between), and
 * lossGradients calls it after every gradient.
 */
import * as tf from '@tensorflow/tfjs-core';

const live = new Set<tf.Tensor>();

/**
 * Whether the custom op now running its forward pass is being recorded on a gradient tape:
 * tfjs records an op when a tape is open and the op was called outside any kernel; inside the
 * op's forward pass the kernel depth is then 1.
 */
function recording(): boolean {
  const state = tf.engine().state;
  return state.gradientDepth > 0 && state.kernelDepth === 1;
}

/**
 * Views of `tensors` for the backward pass of the custom op whose forward pass calls this, or
 * undefined when no tape records the op. Pass them to releaseViews once read.
 */
export function keepForBackward(tensors: tf.Tensor[]): tf.Tensor[] | undefined {
  if (!recording()) return undefined;
  return tensors.map((t) => {
    const view = tf.keep(tf.reshape(t, t.shape));
    live.add(view);
    return view;
  });
}

/** Disposes views kept by keepForBackward. */
export function releaseViews(views: tf.Tensor[]): void {
  for (const v of views) {
    live.delete(v);
    v.dispose();
  }
}

/** Disposes every view still kept (their backward passes did not run). */
export function releaseSavedViews(): void {
  releaseViews([...live]);
}

/** How many views are kept now (tests). */
export function savedViewCount(): number {
  return live.size;
}

/** The views a backward pass reads (kept by keepForBackward, which only a taped op runs). */
export function backwardViews(views: tf.Tensor[] | undefined): tf.Tensor[] {
  if (views === undefined) throw new Error('a backward pass ran for an op no tape recorded');
  return views;
}
