/**
 * Picks the tfjs backend once per worker: tfjs-node-gpu (when installed and it loads), then
 * WASM (its .wasm files located inside node_modules/@tensorflow/tfjs-backend-wasm/dist, or a
 * folder given by RELAXCERT_WASM_DIR in a packaged app), then the plain CPU backend.
 * RELAXCERT_BACKEND=gpu|wasm|cpu forces one and fails with BACKEND_UNAVAILABLE.
 */
import * as tf from '@tensorflow/tfjs-core';
// The union package registers the gradients (tfjs-core's Node bundle alone has none) and the
// CPU backend; it shares tfjs-core's single engine with our imports.
import '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  BACKEND_CATALOGUE,
  BACKEND_CHOICES,
  isBackendChoice,
  type BackendChoice,
} from '../../shared/config/backends.ts';
import { RelaxCertError } from '../../shared/errors.ts';
import { describeNative } from './native/load.ts';

export type { BackendChoice };

export interface BackendInfo {
  choice: BackendChoice;
  /** tfjs backend name ('tensorflow', 'wasm', 'cpu'). */
  tfName: string;
  /** Human-readable, e.g. "wasm (SIMD, 1 thread)". */
  description: string;
}

function wasmDir(): string {
  const fromEnv = process.env.RELAXCERT_WASM_DIR;
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');
}

async function tryGpu(): Promise<string> {
  // Loaded by name at run time: an optional dependency that is usually absent.
  const name = '@tensorflow/tfjs-node-gpu';
  await import(name);
  if (!(await tf.setBackend('tensorflow'))) throw new Error('tensorflow backend did not start');
  return 'tensorflow';
}

async function tryWasm(): Promise<string> {
  const dir = wasmDir();
  if (!existsSync(join(dir, 'tfjs-backend-wasm-simd.wasm'))) {
    throw new Error(`no tfjs-backend-wasm-simd.wasm in ${dir}`);
  }
  setWasmPaths(dir.endsWith('/') ? dir : `${dir}/`);
  if (!(await tf.setBackend('wasm'))) throw new Error('wasm backend did not start');
  return 'wasm';
}

async function tryCpu(): Promise<string> {
  if (!(await tf.setBackend('cpu'))) throw new Error('cpu backend did not start');
  return 'cpu';
}

const loaders: Record<BackendChoice, () => Promise<string>> = {
  gpu: tryGpu,
  wasm: tryWasm,
  cpu: tryCpu,
};

function describe(choice: BackendChoice): string {
  const base = BACKEND_CATALOGUE[choice].description;
  if (choice === 'gpu') return base;
  // Dense products then run natively (main/engine/native), whatever the tfjs backend.
  const native = describeNative();
  return native === undefined ? base : `${base} + ${native}`;
}

function parseForced(value: string | undefined): BackendChoice | undefined {
  if (value === undefined || value === '' || value === 'auto') return undefined;
  if (isBackendChoice(value)) return value;
  throw new RelaxCertError(
    'BACKEND_UNAVAILABLE',
    `RELAXCERT_BACKEND=${value} is not a backend (use ${BACKEND_CHOICES.join(', ')})`,
    { field: 'RELAXCERT_BACKEND' },
  );
}

/**
 * `requested` (from the job manager) wins over RELAXCERT_BACKEND; with neither, the first
 * backend that loads in the order gpu, wasm, cpu.
 */
export async function selectBackend(requested?: BackendChoice): Promise<BackendInfo> {
  const forced = requested ?? parseForced(process.env.RELAXCERT_BACKEND);
  const order: readonly BackendChoice[] = forced ? [forced] : BACKEND_CHOICES;
  const failures: string[] = [];
  for (const choice of order) {
    try {
      const tfName = await loaders[choice]();
      return { choice, tfName, description: describe(choice) };
    } catch (error) {
      failures.push(`${choice}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  throw new RelaxCertError(
    'BACKEND_UNAVAILABLE',
    `tfjs backend ${forced ?? 'gpu/wasm/cpu'} could not load (${failures.join('; ')})`,
    { field: 'RELAXCERT_BACKEND' },
  );
}
