/**
 * Test support: the native-kernel suites skip where the addon is not built (a contributor's
 * machine without a compiler), but under CI=true a missing addon fails them, so a CI machine
 * without a toolchain cannot pass them by not running them (.ci/run installs the compiler).
 */
import { expect, it } from 'vitest';

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
