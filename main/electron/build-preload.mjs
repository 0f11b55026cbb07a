// Bundles preload/preload.ts into one CommonJS file: a sandboxed preload can require only
// 'electron' and a few built-ins, so the shared modules it uses must be inlined. esbuild comes
// with tsx, a runtime dependency.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));

/** @param {string} [outfile] defaults to out/preload/preload.cjs */
export async function buildPreload(outfile = `${root}out/preload/preload.cjs`) {
  await build({
    entryPoints: [`${root}preload/preload.ts`],
    outfile,
    bundle: true,
    format: 'cjs',
    platform: 'browser',
    target: 'chrome130',
    external: ['electron'],
    logLevel: 'silent',
  });
  return outfile;
}
