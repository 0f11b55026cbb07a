import { defineConfig } from 'vitest/config';
import vue from '@vitejs/plugin-vue';

export default defineConfig({
  plugins: [vue()],
  test: {
    include: ['{main,preload,renderer,shared,bench,e2e,scripts}/**/*.test.ts'],
    // tfjs training tests are CPU-bound on two cores: run files one at a time in forks so
    // timings and worker threads do not fight each other.
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
