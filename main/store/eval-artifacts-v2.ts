/**
 * Reader of format-2 evaluation artefacts (before the shared container): "RCEV", u32 version 2,
 * u32 header length, JSON header (everything but the arrays, plus `inputsLength`), zero padding
 * to 8 bytes, then the arrays back to back: lipschitz float64 c×c, error bound float64 n (base)
 * and n (per ε), logits float32 n×c, labels int32 n, inputs float32 (`inputsLength`, maybe 0),
 * then the optional decision-region grid (its scalars in the header as `regions`): logits float32
 * side²×c, error bound float64 side² (base) and side² (per ε). Kept so that runs evaluated by an
 * earlier build still certify; new artefacts are always written in the container (format 3).
 */
import { prefixedJson } from './binary-container.ts';
import { RelaxCertError } from '../../shared/errors.ts';
import type { DecisionGrid, EvalArtifacts } from '../../shared/api/workbench-api.ts';

type HeaderV2 = Omit<
  EvalArtifacts,
  'logits' | 'labels' | 'lipschitz' | 'inputs' | 'errorBounds' | 'regions'
> & {
  inputsLength: number;
  regions?: Omit<DecisionGrid, 'logits' | 'errorBounds'>;
};

/** Decodes a format-2 file; the caller has checked its magic and version. */
export function decodeEvalArtifactsV2(bytes: Uint8Array, file: string): EvalArtifacts {
  const fail = (why: string): never => {
    throw new RelaxCertError('DATA_FORMAT', `${file}: ${why}`, { file });
  };
  const { json, end } = prefixedJson(bytes, file);
  const header = json as HeaderV2 | null;
  if (typeof header !== 'object' || header === null) return fail('header is not an object');
  const { n, c, inputsLength, regions, ...rest } = header;
  const cells = regions === undefined ? 0 : regions.side * regions.side;
  let at = Math.ceil(end / 8) * 8;
  const need =
    at + c * c * 8 + 2 * n * 8 + n * c * 4 + n * 4 + inputsLength * 4 + cells * (c * 4 + 16);
  if (!(bytes.length >= need)) fail(`truncated: ${bytes.length} bytes, need ${need}`);
  // Copies: the source may be a Node Buffer at an unaligned offset, and bytes.slice() of a
  // Buffer is a view into a shared pool.
  const take = (size: number): ArrayBuffer => {
    const out = new Uint8Array(size);
    out.set(bytes.subarray(at, at + size));
    at += size;
    return out.buffer;
  };
  const lipschitz = new Float64Array(take(c * c * 8));
  const errorBound = {
    base: new Float64Array(take(n * 8)),
    perEpsilon: new Float64Array(take(n * 8)),
  };
  const logits = new Float32Array(take(n * c * 4));
  const labels = new Int32Array(take(n * 4));
  // Format 2 holds the float32 claim's bound only; it stands in for the exact claim's (sound,
  // looser: eval-artifacts.ts).
  const errorBounds = { float32: errorBound, exact: errorBound };
  const result: EvalArtifacts = {
    ...rest,
    n,
    c,
    logits,
    labels,
    lipschitz,
    errorBounds,
    exactBoundStandIn: true,
  };
  if (inputsLength > 0) result.inputs = new Float32Array(take(inputsLength * 4));
  if (regions !== undefined) {
    const logits = new Float32Array(take(cells * c * 4));
    const gridBound = {
      base: new Float64Array(take(cells * 8)),
      perEpsilon: new Float64Array(take(cells * 8)),
    };
    result.regions = { ...regions, logits, errorBounds: { float32: gridBound, exact: gridBound } };
  }
  return result;
}
