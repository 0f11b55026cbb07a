/**
 * Zero-copy reads of tensor memory on the WASM backend (tfjs-backend-wasm 4.22 API:
 * `typedArrayFromHeap` of BackendWasm): dataSync() copies the heap into a new array, which for
 * the 8 MB of gradients data-parallel training downloads every batch is a needless copy. Falls
 * back to dataSync() on other backends.
 */
import * as tf from '@tensorflow/tfjs-core';

interface TensorInfoLike {
  shape: number[];
  dtype: tf.DataType;
  dataId: object;
}

interface WasmBackendApi {
  typedArrayFromHeap(t: TensorInfoLike): ArrayBufferView;
  /** Allocates heap memory for a new tensor, uninitialised when no values are given. */
  makeOutput(shape: number[], dtype: tf.DataType): TensorInfoLike;
}

interface EngineApi {
  makeTensorFromTensorInfo(info: TensorInfoLike): tf.Tensor;
}

function wasmApi(): WasmBackendApi | undefined {
  if (tf.getBackend() !== 'wasm') return undefined;
  const b = tf.backend() as unknown as Partial<WasmBackendApi>;
  return typeof b.typedArrayFromHeap === 'function' && typeof b.makeOutput === 'function'
    ? (b as WasmBackendApi)
    : undefined;
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
 * A new float32 tensor whose values `fill` writes, every one of them. On WASM the tensor is
 * allocated first and `fill` writes straight into its heap memory (no array to allocate and
 * copy in, which cost more than the MinMax pass itself); `fill` must take any other heap views
 * (valuesOf) itself, after this allocation. A tensor nothing has read yet can be written in
 * place safely (the XNNPACK caches concern operands already used).
 */
export function tensorFilledBy(shape: number[], fill: (out: Float32Array) => void): tf.Tensor {
  const api = wasmApi();
  if (api === undefined) {
    const out = new Float32Array(shape.reduce((a, b) => a * b, 1));
    fill(out);
    return tf.tensor(out, shape);
  }
  const info = api.makeOutput(shape, 'float32');
  const t = (tf.engine() as unknown as EngineApi).makeTensorFromTensorInfo(info);
  try {
    fill(api.typedArrayFromHeap(info) as Float32Array);
  } catch (error) {
    t.dispose();
    throw error;
  }
  return t;
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
