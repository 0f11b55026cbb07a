/**
 * The native float64 products of the evaluation pass (native/src/dual-dots.cc): tiled two
 * outputs × two rows at a time, in row blocks sized by the fan-in, with plain loops for tiny
 * fan-ins and for odd rows and outputs. Every shape path must give each (row, output) the sum
 * of the untiled loop.
 */
import { describe, expect, it } from 'vitest';
import { Rng } from '../rng.ts';
import type { NativeKernels } from './load.ts';
import { kernelsUnderTest, requireNativeUnderCi } from '../testing/native-required.ts';

const { kernels, why } = kernelsUnderTest('native dualDots tests');
const available = kernels?.dualDots !== undefined;

interface Case {
  rows: number;
  fanIn: number;
  outputs: number;
}

function run(k: NativeKernels, c: Case, seed: number) {
  const rng = new Rng(seed);
  const w = Float64Array.from({ length: c.fanIn * c.outputs }, () => rng.normal());
  const bias = Float32Array.from({ length: c.outputs }, () => rng.normal());
  const src = Float64Array.from({ length: c.rows * c.fanIn }, () => rng.normal() * 3);
  const absW = w.map(Math.abs);
  const abs = src.map(Math.abs);
  const dots = (from: number, rows: number) => {
    const y = new Float64Array(rows * c.outputs);
    const s = new Float64Array(rows * c.outputs);
    const part = (a: Float64Array) => a.subarray(from * c.fanIn, (from + rows) * c.fanIn);
    k.dualDots!(w, absW, bias, part(src), part(abs), rows, c.fanIn, c.outputs, y, s);
    return { y, c: s };
  };
  return { w, bias, src, dots };
}

/** The untiled order in JavaScript: four lanes over k, the tail in lane 0, (l0 + l1) + (l2 + l3). */
function reference(w: Float64Array, b: number, v: Float64Array, abs: boolean): number {
  const n = v.length;
  const n4 = n - (n % 4);
  const lane = [0, 0, 0, 0];
  const f = abs ? Math.abs : (x: number) => x;
  for (let k = 0; k < n4; k++) lane[k % 4] += f(w[k]) * f(v[k]);
  for (let k = n4; k < n; k++) lane[0] += f(w[k]) * f(v[k]);
  return f(b) + (lane[0] + lane[1] + (lane[2] + lane[3]));
}

describe('native float64 dual products', () => {
  requireNativeUnderCi(available, why ?? 'the addon has no dualDots');
  const cases: Case[] = [
    { rows: 7, fanIn: 4099, outputs: 5 }, // several row blocks of 2, odd rows and outputs
    { rows: 33, fanIn: 1000, outputs: 4 }, // row blocks of 16 and an odd last row
    { rows: 16, fanIn: 1152, outputs: 64 }, // a conv layer's patches
    { rows: 5, fanIn: 6, outputs: 3 }, // tiny fan-in: the plain loop
    { rows: 1, fanIn: 9, outputs: 2 },
    { rows: 2, fanIn: 8, outputs: 1 },
  ];
  for (const c of cases) {
    it.runIf(available)(`${c.rows} rows × ${c.fanIn} inputs × ${c.outputs} outputs`, () => {
      const { w, bias, src, dots } = run(kernels as NativeKernels, c, c.rows + c.fanIn);
      const all = dots(0, c.rows);
      for (let r = 0; r < c.rows; r++) {
        const v = src.subarray(r * c.fanIn, (r + 1) * c.fanIn);
        // One row alone takes the untiled path: the tiles must give the same sums.
        const alone = dots(r, 1);
        for (let j = 0; j < c.outputs; j++) {
          const at = r * c.outputs + j;
          const row = w.subarray(j * c.fanIn, (j + 1) * c.fanIn);
          const want = reference(row, bias[j], v, false);
          const wantAbs = reference(row, bias[j], v, true);
          // Equal up to a fused multiply-add a compiler may contract (not on x86-64 here).
          expect(Math.abs(all.y[at] - want)).toBeLessThanOrEqual(1e-12 * (1 + Math.abs(want)));
          expect(Math.abs(all.c[at] - wantAbs)).toBeLessThanOrEqual(1e-12 * wantAbs);
          if (process.arch === 'x64') {
            expect(all.y[at]).toBe(alone.y[j]);
            expect(all.c[at]).toBe(alone.c[j]);
          }
        }
      }
    });
  }
});
