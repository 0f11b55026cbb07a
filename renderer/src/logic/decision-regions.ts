/**
 * A decision-region map for 2-D data. Runs evaluated with a decision grid (EvalArtifacts.regions:
 * the model's logits on a grid, computed by the engine) are drawn from the model itself: each
 * cell is the grid point's prediction, and ⊥ where it is not certified at ε (modelRegions).
 * Older runs are shaded from the test points: each cell takes the majority prediction of the
 * test points that fall in it and the fraction of them that are rejected; empty cells inherit
 * from the nearest non-empty cell (multi-source breadth-first fill) up to a few cells away, and
 * stay blank beyond, so no region is invented far from the data (decisionRegions).
 */
export interface RegionGrid {
  /** Where the shading comes from: the model on a grid, or the test points. */
  source: 'model' | 'test points';
  size: number;
  xMin: number;
  xMax: number;
  yMin: number;
  yMax: number;
  /** size × size, row-major from yMin upward: majority predicted class, −1 for blank. */
  cls: Int16Array;
  /** size × size: fraction of the cell's points that are rejected (⊥). */
  rejected: Float32Array;
}

/** The grid's placement (DecisionGrid without its logits). */
export interface GridPlacement {
  side: number;
  xMin: number;
  xMax: number;
  yMin: number;
  yMax: number;
}

/**
 * The model's regions from its certified grid: one cell per grid point, centred on it (the
 * extent widens by half a step each side), class = prediction, rejected = 1 where ⊥ at ε.
 */
export function modelRegions(
  grid: GridPlacement,
  predicted: Int32Array,
  certified: Uint8Array,
): RegionGrid {
  const cells = grid.side * grid.side;
  if (predicted.length !== cells || certified.length !== cells) {
    throw new RangeError(`modelRegions: ${predicted.length} predictions for ${cells} grid points`);
  }
  const hx = grid.side > 1 ? (grid.xMax - grid.xMin) / (grid.side - 1) / 2 : 0.5;
  const hy = grid.side > 1 ? (grid.yMax - grid.yMin) / (grid.side - 1) / 2 : 0.5;
  const cls = new Int16Array(cells);
  const rejected = new Float32Array(cells);
  for (let i = 0; i < cells; i++) {
    cls[i] = predicted[i];
    rejected[i] = certified[i] === 1 ? 0 : 1;
  }
  return {
    source: 'model',
    size: grid.side,
    xMin: grid.xMin - hx,
    xMax: grid.xMax + hx,
    yMin: grid.yMin - hy,
    yMax: grid.yMax + hy,
    cls,
    rejected,
  };
}

export function decisionRegions(
  inputs: Float32Array,
  predicted: Int32Array,
  certified: Uint8Array,
  c: number,
  size: number,
  maxFill = 3,
): RegionGrid {
  const n = predicted.length;
  let xMin = Infinity;
  let xMax = -Infinity;
  let yMin = Infinity;
  let yMax = -Infinity;
  for (let p = 0; p < n; p++) {
    const x = inputs[2 * p];
    const y = inputs[2 * p + 1];
    if (x < xMin) xMin = x;
    if (x > xMax) xMax = x;
    if (y < yMin) yMin = y;
    if (y > yMax) yMax = y;
  }
  if (n === 0) {
    xMin = yMin = 0;
    xMax = yMax = 1;
  }
  // A small pad so the extreme points fall inside the last cells.
  const padX = (xMax - xMin || 1) * 0.02;
  const padY = (yMax - yMin || 1) * 0.02;
  xMin -= padX;
  xMax += padX;
  yMin -= padY;
  yMax += padY;
  const cells = size * size;
  const votes = new Int32Array(cells * c);
  const count = new Int32Array(cells);
  const rej = new Int32Array(cells);
  for (let p = 0; p < n; p++) {
    const cx = Math.min(size - 1, Math.floor(((inputs[2 * p] - xMin) / (xMax - xMin)) * size));
    const cy = Math.min(size - 1, Math.floor(((inputs[2 * p + 1] - yMin) / (yMax - yMin)) * size));
    const cell = cy * size + cx;
    votes[cell * c + predicted[p]]++;
    count[cell]++;
    if (certified[p] === 0) rej[cell]++;
  }
  const cls = new Int16Array(cells).fill(-1);
  const rejected = new Float32Array(cells);
  const queue: number[] = [];
  const dist = new Int32Array(cells).fill(-1);
  for (let cell = 0; cell < cells; cell++) {
    if (count[cell] === 0) continue;
    let best = 0;
    for (let k = 1; k < c; k++) if (votes[cell * c + k] > votes[cell * c + best]) best = k;
    cls[cell] = best;
    rejected[cell] = rej[cell] / count[cell];
    dist[cell] = 0;
    queue.push(cell);
  }
  for (let head = 0; head < queue.length; head++) {
    const cell = queue[head];
    if (dist[cell] >= maxFill) continue;
    const cx = cell % size;
    const cy = (cell - cx) / size;
    const next = [
      cx > 0 ? cell - 1 : -1,
      cx < size - 1 ? cell + 1 : -1,
      cy > 0 ? cell - size : -1,
      cy < size - 1 ? cell + size : -1,
    ];
    for (const nb of next) {
      if (nb < 0 || dist[nb] >= 0) continue;
      dist[nb] = dist[cell] + 1;
      cls[nb] = cls[cell];
      rejected[nb] = rejected[cell];
      queue.push(nb);
    }
  }
  return { source: 'test points', size, xMin, xMax, yMin, yMax, cls, rejected };
}
