/** The list of benchmarks `npm run bench` runs, in order. */
export const benchmarks: Array<() => Promise<void>> = [
  () => import('./certify-core.bench.ts').then((m) => m.default()),
  () => import('./train.bench.ts').then((m) => m.default()),
  () => import('./epoch-28px.bench.ts').then((m) => m.default()),
  () => import('./certify-net.bench.ts').then((m) => m.default()),
  () => import('./bounds.bench.ts').then((m) => m.default()),
  () => import('./error-bound.bench.ts').then((m) => m.default()),
  () => import('./data-load.bench.ts').then((m) => m.default()),
];
