/** The exported K matrix: K[j][i] bounds the Lipschitz constant of f_j − f_i. */
import type { EvalArtifacts } from '../../shared/api/workbench-api.ts';

export function kMatrixJson(artifacts: EvalArtifacts): string {
  const { c, lipschitz, classNames } = artifacts;
  const rows: number[][] = [];
  for (let j = 0; j < c; j++) rows.push(Array.from(lipschitz.subarray(j * c, (j + 1) * c)));
  const doc = {
    description: 'K[j][i] is a sound upper bound of the l2 Lipschitz constant of f_j - f_i',
    classNames,
    c,
    K: rows,
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}
