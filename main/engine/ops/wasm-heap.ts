/**
 * Zero-copy reads of tensor memory on the WASM backend (tfjs-backend-wasm 4.22 API:
 * `typedArrayFromHeap` of BackendWasm): dataSync() copies the heap into a new array, which for
 * the 8 MB of gradients data-parallel training downloads every batch is a needless copy. Falls
 * back to dataSync() on other backends.
 */
import * as tf from '@tensorflow/tfjs-core';

interface WasmBackendApi {
  typedArrayFromHeap(t: { shape: number[]; dtype: tf.DataType; dataId: object }): ArrayBufferView;
}

function wasmApi(): WasmBackendApi | undefined {
  if (tf.getBackend() !== 'wasm') return undefined;
  const b = tf.backend() as unknown as Partial<WasmBackendApi>;
  return typeof b.typedArrayFromHeap === 'function' ? (b as WasmBackendApi) : undefined;
}

/** A float32 tensor's values: a view of the WASM heap (valid until the next allocation) or a copy. */
export function valuesOf(t: tf.Tensor): Float32Array {
  const api = wasmApi();
  if (api !== undefined && t.dtype === 'float32') {
    return api.typedArrayFromHeap({
      shape: t.shape,
      dtype: t.dtype,
      dataId: t.dataId,
    }) as Float32Array;
  }
  return t.dataSync() as Float32Array;
}

/**
 * Sets a variable's values with assign(). Never in place: the WASM kernels cache XNNPACK
 * operators with the weights packed, keyed by the tensor, and an in-place write would leave
 * them stale (measured: training silently went wrong). assign() gives the variable new memory.
 */
export function setValues(v: tf.Variable, values: Float32Array): void {
  // The CPU backend keeps a reference to the array it is given: give it a copy.
  tf.tidy(() => v.assign(tf.tensor(tf.getBackend() === 'cpu' ? values.slice() : values, v.shape)));
}
