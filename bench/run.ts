/**
 * `npm run bench`: runs every benchmark under bench/ and prints `BENCH <name> <value> <unit>`.
 * Benchmarks register themselves in bench/index.ts.
 */
import { benchmarks } from './index.ts';

for (const bench of benchmarks) {
  await bench();
}
