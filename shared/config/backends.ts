/**
 * The catalogue of compute backends, in the order the engine tries them when none is forced.
 * The `BackendChoice` type, `RELAXCERT_BACKEND` / `--backend` parsing and the job types read it.
 */

export const BACKEND_CATALOGUE = {
  gpu: { description: 'tfjs-node-gpu (tensorflow)' },
  wasm: { description: 'wasm (SIMD, 1 thread)' },
  cpu: { description: 'cpu (pure JS)' },
} as const satisfies Record<string, { description: string }>;

export type BackendChoice = keyof typeof BACKEND_CATALOGUE;

/** Every backend, in the automatic order (gpu, then wasm, then cpu). */
export const BACKEND_CHOICES = Object.keys(BACKEND_CATALOGUE) as readonly BackendChoice[];

export function isBackendChoice(value: unknown): value is BackendChoice {
  return typeof value === 'string' && Object.hasOwn(BACKEND_CATALOGUE, value);
}
