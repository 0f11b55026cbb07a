/**
 * Binary codec of a run's certification artefacts, `${runDir}/eval/artifacts.bin`. No tfjs:
 * the host's main thread reads it. Layout (little-endian): "RCEV", u32 version, u32 header
 * length, JSON header (everything but the arrays), zero padding to 8 bytes, then the arrays:
 * lipschitz float64 c×c, error bound float64 n (base) and n (per ε), logits float32 n×c,
 * labels int32 n, inputs float32 (optional), then the optional decision-region grid
 * (EvalArtifacts.regions; its scalars in the header as `regions`): logits float32 side²×c,
 * error bound float64 side² (base) and side² (per ε). Files without the grid decode as before.
 *
 * Version 1 files (before the per-point float32 error bound) are refused: their one global
 * slack rested on unchecked assumptions, so their certificates cannot be reproduced soundly.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from './atomic-write.ts';
import { RelaxCertError } from '../../shared/errors.ts';
import type { DecisionGrid, EvalArtifacts } from '../../shared/api/workbench-api.ts';

const MAGIC = 0x56454352; // "RCEV" little-endian
const VERSION = 2;

type GridHeader = Omit<DecisionGrid, 'logits' | 'errorBound'>;

type Header = Omit<
  EvalArtifacts,
  'logits' | 'labels' | 'lipschitz' | 'inputs' | 'errorBound' | 'regions'
> & {
  inputsLength: number;
  regions?: GridHeader;
};

export function evalArtifactsPath(runDir: string): string {
  return join(runDir, 'eval', 'artifacts.bin');
}

export function encodeEvalArtifacts(a: EvalArtifacts): Uint8Array {
  const { n, c } = a;
  if (a.logits.length !== n * c)
    throw new Error(`logits: ${a.logits.length} values, want ${n * c}`);
  if (a.labels.length !== n) throw new Error(`labels: ${a.labels.length} values, want ${n}`);
  if (a.lipschitz.length !== c * c)
    throw new Error(`lipschitz: ${a.lipschitz.length}, want ${c * c}`);
  if (a.errorBound.base.length !== n || a.errorBound.perEpsilon.length !== n)
    throw new Error(`errorBound: want ${n} values in base and perEpsilon`);
  const { logits: _l, labels: _y, lipschitz: _k, errorBound: _e, inputs, regions, ...rest } = a;
  const header: Header = { ...rest, inputsLength: inputs?.length ?? 0 };
  const cells = regions === undefined ? 0 : regions.side * regions.side;
  if (regions !== undefined) {
    const { logits: _gl, errorBound: ge, ...grid } = regions;
    if (regions.logits.length !== cells * c || ge.base.length !== cells) {
      throw new Error(`regions: want ${cells * c} logits and ${cells} error bounds`);
    }
    header.regions = grid;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const start = Math.ceil((12 + json.length) / 8) * 8;
  const sizes = [c * c * 8, n * 8, n * 8, n * c * 4, n * 4, header.inputsLength * 4];
  sizes.push(cells * c * 4, cells * 8, cells * 8);
  const bytes = new Uint8Array(start + sizes.reduce((s, x) => s + x, 0));
  const view = new DataView(bytes.buffer);
  view.setUint32(0, MAGIC, true);
  view.setUint32(4, VERSION, true);
  view.setUint32(8, json.length, true);
  bytes.set(json, 12);
  let at = start;
  const put = (arr: ArrayBufferView, size: number): void => {
    bytes.set(new Uint8Array(arr.buffer, arr.byteOffset, size), at);
    at += size;
  };
  put(a.lipschitz, sizes[0]);
  put(a.errorBound.base, sizes[1]);
  put(a.errorBound.perEpsilon, sizes[2]);
  put(a.logits, sizes[3]);
  put(a.labels, sizes[4]);
  if (inputs !== undefined) put(inputs, sizes[5]);
  if (regions !== undefined) {
    put(regions.logits, sizes[6]);
    put(regions.errorBound.base, sizes[7]);
    put(regions.errorBound.perEpsilon, sizes[8]);
  }
  return bytes;
}

export function decodeEvalArtifacts(bytes: Uint8Array, file = 'eval artefacts'): EvalArtifacts {
  const fail = (why: string): never => {
    throw new RelaxCertError('DATA_FORMAT', `${file}: ${why}`, { file });
  };
  if (bytes.length < 12) fail('file too short');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(0, true) !== MAGIC) fail('not a RelaxCert evaluation file');
  const version = view.getUint32(4, true);
  if (version === 1) {
    fail(
      'evaluated before per-point float32 error bounds (format 1); its certificates are not ' +
        'proven: evaluate the run again (relaxcert evaluate RUN)',
    );
  }
  if (version !== VERSION) fail(`unsupported version ${version}`);
  const jsonLength = view.getUint32(8, true);
  if (12 + jsonLength > bytes.length) fail('truncated header');
  let header: Header;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + jsonLength))) as Header;
  } catch {
    return fail('header is not valid JSON');
  }
  const { n, c, inputsLength, regions, ...rest } = header;
  const cells = regions === undefined ? 0 : regions.side * regions.side;
  let at = Math.ceil((12 + jsonLength) / 8) * 8;
  const need =
    at + c * c * 8 + 2 * n * 8 + n * c * 4 + n * 4 + inputsLength * 4 + cells * (c * 4 + 16);
  if (bytes.length < need) fail(`truncated: ${bytes.length} bytes, need ${need}`);
  // Copies: the source may be a Node Buffer at an unaligned offset.
  const take = (size: number): ArrayBuffer => {
    // Not bytes.slice(): on a Node Buffer it is a view into a shared pool.
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
  const result: EvalArtifacts = { ...rest, n, c, logits, labels, lipschitz, errorBound };
  if (inputsLength > 0) result.inputs = new Float32Array(take(inputsLength * 4));
  if (regions !== undefined) {
    result.regions = {
      ...regions,
      logits: new Float32Array(take(cells * c * 4)),
      errorBound: {
        base: new Float64Array(take(cells * 8)),
        perEpsilon: new Float64Array(take(cells * 8)),
      },
    };
  }
  return result;
}

export async function writeEvalArtifacts(runDir: string, a: EvalArtifacts): Promise<void> {
  await mkdir(join(runDir, 'eval'), { recursive: true });
  await writeFileAtomic(evalArtifactsPath(runDir), encodeEvalArtifacts(a));
}

export async function readEvalArtifacts(runDir: string): Promise<EvalArtifacts> {
  const path = evalArtifactsPath(runDir);
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch {
    throw new RelaxCertError('NOT_FOUND', `no evaluation artefacts at ${path}`, { file: path });
  }
  return decodeEvalArtifacts(bytes, path);
}
