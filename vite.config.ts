import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import vue from '@vitejs/plugin-vue';

const root = fileURLToPath(new URL('./renderer', import.meta.url));
const outDir = fileURLToPath(new URL('./out/renderer', import.meta.url));

// The renderer build. `base: './'` keeps every asset URL relative so the same files load from
// file:// inside Electron and from http://127.0.0.1:P/ behind `relaxcert serve`.
export default defineConfig({
  root,
  base: './',
  plugins: [vue()],
  // shared/ lives beside renderer/: allow the dev server to read it.
  server: { fs: { allow: [fileURLToPath(new URL('.', import.meta.url))] } },
  worker: { format: 'es' },
  build: {
    outDir,
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 1200,
    rollupOptions: {
      output: {
        // ECharts is the largest dependency: keep it in its own cacheable chunk.
        manualChunks: (id) =>
          id.includes('node_modules/echarts') || id.includes('zrender') ? 'echarts' : undefined,
      },
    },
  },
});
