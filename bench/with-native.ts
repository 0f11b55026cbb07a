/**
 * Runs a measurement with the native kernels switched on or off (RELAXCERT_NATIVE, which the
 * helper replica inherits too), then puts the variable back as it was.
 */
export async function withNative<T>(native: boolean, measure: () => Promise<T>): Promise<T> {
  const saved = process.env.RELAXCERT_NATIVE;
  process.env.RELAXCERT_NATIVE = native ? '1' : '0';
  try {
    return await measure();
  } finally {
    if (saved === undefined) delete process.env.RELAXCERT_NATIVE;
    else process.env.RELAXCERT_NATIVE = saved;
  }
}
