/** The list of benchmarks `npm run bench` runs, in order. */
export const benchmarks: Array<() => Promise<void>> = [];
