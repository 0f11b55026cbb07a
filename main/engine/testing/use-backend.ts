/** Test helper: switch this process's tfjs to a backend (tests run tfjs in the vitest fork). */
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../backend.ts';
import type { BackendChoice } from '../backend.ts';

export async function useBackend(choice: BackendChoice): Promise<void> {
  if (tf.getBackend() === (choice === 'gpu' ? 'tensorflow' : choice)) return;
  await selectBackend(choice);
}
