/**
 * `shapes-32`: procedurally drawn 32×32 RGB images of 3 shapes × 4 colours = 12 classes,
 * class id = shape * 4 + colour. Position, size, colour shade, background level and pixel noise
 * vary per image, so neither shape nor colour alone can be read off one pixel. Two natural
 * affinity families: same shape ("by shape") and same colour ("by colour").
 *
 * Pixels are drawn as bytes (like a decoded image file) and scaled to [0, 1].
 */
import type { RawDataset } from './raw-dataset.ts';
import { createRng, type Rng } from './rng.ts';

export const SHAPES = ['circle', 'square', 'triangle'] as const;
export const COLOURS = ['red', 'green', 'blue', 'yellow'] as const;
export const SHAPES_SIDE = 32;
export const SHAPES_DEFAULT_TRAIN = 4800;
export const SHAPES_DEFAULT_TEST = 1200;

const RGB: Record<(typeof COLOURS)[number], [number, number, number]> = {
  red: [0.9, 0.15, 0.15],
  green: [0.15, 0.8, 0.2],
  blue: [0.2, 0.3, 0.95],
  yellow: [0.95, 0.9, 0.15],
};

export function shapesClassNames(): string[] {
  return SHAPES.flatMap((s) => COLOURS.map((c) => `${c} ${s}`));
}

/** Is pixel centre (px, py) inside the shape of half-size r centred at (cx, cy)? */
function inside(shape: number, px: number, py: number, cx: number, cy: number, r: number): boolean {
  const dx = px - cx;
  const dy = py - cy;
  if (shape === 0) return dx * dx + dy * dy <= r * r;
  if (shape === 1) return Math.abs(dx) <= 0.8 * r && Math.abs(dy) <= 0.8 * r;
  // Upward equilateral triangle inscribed in the circle of radius r: three half-planes.
  if (dy > r / 2) return false;
  const s = Math.sqrt(3);
  return s * dx - dy <= r && -s * dx - dy <= r;
}

function drawImage(out: Uint8Array, offset: number, cls: number, rng: Rng): void {
  const side = SHAPES_SIDE;
  const shape = Math.floor(cls / COLOURS.length);
  const colour = RGB[COLOURS[cls % COLOURS.length]];
  const r = 5 + 5 * rng.next();
  const cx = r + 1 + (side - 2 * r - 2) * rng.next();
  const cy = r + 1 + (side - 2 * r - 2) * rng.next();
  const background = 0.05 + 0.3 * rng.next();
  const shade = colour.map((v) => Math.min(1, Math.max(0, v + 0.16 * (rng.next() - 0.5))));
  for (let py = 0; py < side; py++) {
    for (let px = 0; px < side; px++) {
      const hit = inside(shape, px + 0.5, py + 0.5, cx, cy, r);
      const o = offset + (py * side + px) * 3;
      for (let ch = 0; ch < 3; ch++) {
        const base = hit ? shade[ch] : background;
        const v = base + 0.12 * (rng.next() - 0.5);
        out[o + ch] = Math.round(255 * Math.min(1, Math.max(0, v)));
      }
    }
  }
}

export function makeShapes32(
  trainSize = SHAPES_DEFAULT_TRAIN,
  testSize = SHAPES_DEFAULT_TEST,
  seed = 0,
): RawDataset {
  const rng = createRng(seed);
  const classes = SHAPES.length * COLOURS.length;
  const size = SHAPES_SIDE * SHAPES_SIDE * 3;
  const sample = (n: number) => {
    const y = new Int32Array(n);
    for (let i = 0; i < n; i++) y[i] = i % classes;
    for (let i = n - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      const t = y[i];
      y[i] = y[j];
      y[j] = t;
    }
    const bytes = new Uint8Array(n * size);
    for (let i = 0; i < n; i++) drawImage(bytes, i * size, y[i], rng);
    const x = new Float32Array(n * size);
    for (let k = 0; k < x.length; k++) x[k] = bytes[k] / 255;
    return { n, x, y };
  };
  const train = sample(trainSize);
  const test = sample(testSize);
  return {
    name: 'Shapes 32×32 (3 shapes × 4 colours)',
    kind: 'shapes-32',
    classNames: shapesClassNames(),
    inputShape: [SHAPES_SIDE, SHAPES_SIDE, 3],
    train,
    test,
    affinityPresets: [
      {
        name: 'by shape',
        sets: SHAPES.map((_, s) => COLOURS.map((_, c) => s * COLOURS.length + c)),
        setNames: SHAPES.map((s) => `${s}s`),
      },
      {
        name: 'by colour',
        sets: COLOURS.map((_, c) => SHAPES.map((_, s) => s * COLOURS.length + c)),
        setNames: [...COLOURS],
      },
    ],
    isImage: true,
  };
}
