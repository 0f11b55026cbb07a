/**
 * Test support: the native-kernel suites skip where the addon is not built (a contributor's
 * machine without a compiler), but under CI=true a missing addon fails them, so a CI machine
 * without a toolchain cannot pass them by not running them (.ci/run installs the compiler).
 */
import { expect, it } from 'vitest';
import { nativeKernels, nativeUnavailableReason } from '../native/load.ts';
import type { NativeKernels } from '../native/load.ts';

/** CI services set CI=true (some CI=1); anything else is a local run. */
export function nativeRequired(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.CI === 'true' || env.CI === '1';
}

/** Registers, under CI, a test that fails when the addon did not load, naming why. */
export function requireNativeUnderCi(built: boolean, why: string | undefined): void {
  it.runIf(nativeRequired())('the native addon is built (required under CI=true)', () => {
    expect(built, `the native addon is missing under CI: ${why ?? 'unknown reason'}`).toBe(true);
  });
}

/**
 * The addon's kernels whatever RELAXCERT_NATIVE says (these suites test the addon itself), and
 * why they are missing when they are; a missing addon is announced in one line naming `suite`.
 */
export function kernelsUnderTest(suite: string): {
  kernels: NativeKernels | undefined;
  why: string | undefined;
} {
  const saved = process.env.RELAXCERT_NATIVE;
  delete process.env.RELAXCERT_NATIVE;
  try {
    const kernels = nativeKernels();
    const why = nativeUnavailableReason();
    if (kernels === undefined) {
      console.warn(
        `SKIPPED ${suite}: the addon is not built (${why}); ` +
          'run `npm install` or `node scripts/build-native.mjs`',
      );
    }
    return { kernels, why };
  } finally {
    if (saved !== undefined) process.env.RELAXCERT_NATIVE = saved;
  }
}

/** The three passes of one native convolution: [y, dx, dFilter] for the given x, f, bias, dy. */
export function convPasses(
  k: NativeKernels,
  shape: number[],
  x: Float32Array,
  f: Float32Array,
  bias: Float32Array,
  dy: Float32Array,
): Float32Array[] {
  const y = new Float32Array(dy.length);
  const dx = new Float32Array(x.length);
  const df = new Float32Array(f.length);
  k.conv2d(x, f, bias, y, shape);
  k.conv2dGradInput(dy, f, dx, shape);
  k.conv2dGradFilter(x, dy, df, shape);
  return [y, dx, df];
}
