/**
 * Loads the optional native CPU kernels (native/, built by `npm install` when a C++ compiler is
 * present). Absent or broken → undefined, and the engine runs on tfjs alone.
 * RELAXCERT_NATIVE=0 turns them off; RELAXCERT_NATIVE_THREADS caps their threads.
 */
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface NativeInfo {
  /** Microkernel instruction set: 'AVX-512', 'AVX2' or 'generic'. */
  isa: string;
  threads: number;
  hardwareThreads: number;
}

export interface NativeKernels {
  /**
   * C = op(A)·op(B) (+ bias) (+ C if accumulate), row-major float32; op(A) is m×k (A stored k×m
   * when transA), op(B) is k×n (B stored n×k when transB). Arrays are used in place.
   */
  sgemm(
    transA: boolean,
    transB: boolean,
    m: number,
    n: number,
    k: number,
    a: Float32Array,
    b: Float32Array,
    c: Float32Array,
    bias: Float32Array | null,
    accumulate: boolean,
  ): void;
  /**
   * MinMax on rows of `channels` values (ops/minmax.ts' pairing); firstIsMin (rows·channels/2
   * bytes) records for the gradient which element of each pair was the smaller.
   */
  minMax(
    x: Float32Array,
    rows: number,
    channels: number,
    out: Float32Array,
    firstIsMin: Uint8Array | null,
  ): void;
  minMaxGrad(
    dy: Float32Array,
    rows: number,
    channels: number,
    firstIsMin: Uint8Array,
    dx: Float32Array,
  ): void;
  /**
   * NHWC convolution by im2col + SGEMM, or by Winograd's F(4×4, 3×3) for 3×3 stride-1 'same'
   * layers with ≥ 16 channels in and out, ≥ 512 outputs and at most about 480 × 480 channels
   * (convAlgorithm says which). `shape` =
   * [n, h, w, cin, kh, kw, cout, stride, padTop, padLeft, outH, outW]; filters are
   * [kh, kw, cin, cout].
   */
  conv2d(
    x: Float32Array,
    filter: Float32Array,
    bias: Float32Array | null,
    y: Float32Array,
    shape: number[],
  ): void;
  conv2dGradInput(dy: Float32Array, filter: Float32Array, dx: Float32Array, shape: number[]): void;
  conv2dGradFilter(x: Float32Array, dy: Float32Array, dFilter: Float32Array, shape: number[]): void;
  /**
   * 2×2 space-to-depth of `from` (n × h × w × c, h and w even) into `to` (n × h/2 × w/2 × 4c),
   * as ops/space-to-depth.ts orders it; `inverse`: from the second layout to the first.
   * Absent from addons built before it.
   */
  spaceToDepth2?(
    from: Float32Array,
    n: number,
    h: number,
    w: number,
    c: number,
    to: Float32Array,
    inverse: boolean,
  ): void;
  /** The algorithm of the three conv passes for `shape`. Absent from addons built before it. */
  convAlgorithm?(shape: number[]): 'winograd' | 'im2col';
  /**
   * Adam.updateCombined's loop over params[lo, hi) (train/adam.ts), bit for bit; g1 null: the
   * gradient is w0·g0. coefficients: [w0, w1, beta1, beta2, stepSize, epsilon]. `out` (optional,
   * at least hi − lo values) receives the updated params[lo, hi) in the same pass.
   */
  adam(
    params: Float32Array,
    m: Float32Array,
    v: Float32Array,
    g0: Float32Array,
    g1: Float32Array | null,
    coefficients: Float64Array,
    lo: number,
    hi: number,
    out?: Float32Array | null,
  ): void;
  /**
   * The float64 evaluation's products (float64-pass.ts): for output j and row r,
   * y[r·outputs + j] = bias_j + w_j·src_r and c[…] = |bias_j| + absW_j·abs_r; w and absW are
   * outputs × fanIn, src and abs rows × fanIn. Absent from addons built before it existed.
   */
  dualDots?(
    w: Float64Array,
    absW: Float64Array,
    bias: Float32Array,
    src: Float64Array,
    abs: Float64Array,
    rows: number,
    fanIn: number,
    outputs: number,
    y: Float64Array,
    c: Float64Array,
  ): void;
  setThreads(threads: number): void;
  info(): NativeInfo;
}

const ADDON = join('native', 'build', 'Release', 'relaxcert_kernels.node');

/** The addon's path: beside the repository root (sources) or the app root (bundles, asar). */
export function findAddon(): string | undefined {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let up = 0; up < 5; up++) {
    for (const base of [dir, dir.replace(/\.asar(?=$|[\\/])/, '.asar.unpacked')]) {
      const candidate = join(base, ADDON);
      if (existsSync(candidate)) return candidate;
    }
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return undefined;
}

let cached: { kernels: NativeKernels | undefined; error?: string } | undefined;

/**
 * Whether adam() writes its `out` array. An addon built before adam() took `out` (a checkout
 * updated without `npm install`) ignores it, and Adam.apply would then give the variables
 * memory that nothing wrote.
 */
function writesAdamOutput(kernels: NativeKernels): boolean {
  const out = Float32Array.of(Number.NaN);
  const coefficients = Float64Array.of(1, 0, 0.9, 0.999, 1e-3, 1e-7);
  const one = (): Float32Array => Float32Array.of(1);
  kernels.adam(
    one(),
    new Float32Array(1),
    new Float32Array(1),
    one(),
    null,
    coefficients,
    0,
    1,
    out,
  );
  return !Number.isNaN(out[0]);
}

function load(): { kernels: NativeKernels | undefined; error?: string } {
  const path = findAddon();
  if (path === undefined) return { kernels: undefined, error: `${ADDON} not found` };
  try {
    const kernels = createRequire(import.meta.url)(path) as NativeKernels;
    if (typeof kernels.sgemm !== 'function') throw new Error('no sgemm export');
    if (!writesAdamOutput(kernels)) {
      throw new Error(`${path} was built from older sources: run npm install to rebuild it`);
    }
    return { kernels };
  } catch (error) {
    return { kernels: undefined, error: error instanceof Error ? error.message : String(error) };
  }
}

/** The loaded kernels, or undefined when they are absent, fail to load, or RELAXCERT_NATIVE=0. */
export function nativeKernels(): NativeKernels | undefined {
  if (process.env.RELAXCERT_NATIVE === '0') return undefined;
  cached ??= load();
  return cached.kernels;
}

/**
 * Replaces the loaded kernels by `wrap(kernels)` (the addon's own exports are read-only): the
 * step profile (bench/profile-step.ts) times every call this way. No effect without them.
 */
export function wrapNativeKernels(wrap: (kernels: NativeKernels) => NativeKernels): void {
  cached ??= load();
  if (cached.kernels !== undefined) cached = { kernels: wrap(cached.kernels) };
}

/**
 * Gives this thread's kernels their share of the cores when `replicas` threads each run them
 * (data-parallel training: cores ÷ replicas each, at least 1; 1 restores all of them).
 * RELAXCERT_NATIVE_THREADS still caps the total. Results do not depend on the thread count.
 * One thread per replica on 2 cores trained cnn-c2f2 faster than two each (4 threads on 2
 * cores; docs/PERFORMANCE.md, "Where the time goes").
 */
export function shareNativeThreads(replicas: number): void {
  const k = nativeKernels();
  if (k === undefined) return;
  const cap = Number(process.env.RELAXCERT_NATIVE_THREADS);
  const hardware = Math.max(1, k.info().hardwareThreads);
  const all = Number.isInteger(cap) && cap >= 1 ? Math.min(cap, hardware) : hardware;
  k.setThreads(Math.max(1, Math.floor(all / Math.max(1, replicas))));
}

/** Why nativeKernels() is undefined (for logs), or undefined when they loaded. */
export function nativeUnavailableReason(): string | undefined {
  if (process.env.RELAXCERT_NATIVE === '0') return 'RELAXCERT_NATIVE=0';
  cached ??= load();
  return cached.error;
}

/** e.g. "native kernels (AVX-512, 2 threads)", or undefined without them. */
export function describeNative(): string | undefined {
  const k = nativeKernels();
  if (k === undefined) return undefined;
  const { isa, threads } = k.info();
  return `native kernels (${isa}, ${threads} thread${threads === 1 ? '' : 's'})`;
}
