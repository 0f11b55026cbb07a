/** The first test point of each class: the example whose thumbnail stands for the class. */
export function firstIndexPerClass(labels: Int32Array, c: number): number[] {
  const out = new Array<number>(c).fill(-1);
  let missing = c;
  for (let i = 0; i < labels.length && missing > 0; i++) {
    const y = labels[i];
    if (y >= 0 && y < c && out[y] < 0) {
      out[y] = i;
      missing--;
    }
  }
  return out;
}
