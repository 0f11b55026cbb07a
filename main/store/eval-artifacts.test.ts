import { describe, expect, it } from 'vitest';
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  decodeEvalArtifacts,
  encodeEvalArtifacts,
  evalArtifactsPath,
  readEvalArtifacts,
  writeEvalArtifacts,
} from './eval-artifacts.ts';
import type { EvalArtifacts } from '../../shared/api/workbench-api.ts';
import { RelaxCertError } from '../../shared/errors.ts';

function sample(withInputs: boolean): EvalArtifacts {
  const n = 5;
  const c = 3;
  const a: EvalArtifacts = {
    runId: 'run-1',
    n,
    c,
    classNames: ['a', 'b', 'ç'],
    logits: Float32Array.from({ length: n * c }, (_, i) => Math.sin(i) * 3),
    labels: Int32Array.from({ length: n }, (_, i) => i % c),
    lipschitz: Float64Array.from({ length: c * c }, (_, i) => (i % (c + 1) === 0 ? 0 : 1 + i / 7)),
    trainedEpsilon: 0.25,
    guarantee: {
      kind: 'affinity',
      sets: [
        [0, 1],
        [1, 2],
      ],
      names: ['x', 'y'],
    },
    inputShape: [2],
    errorBound: {
      base: Float64Array.from({ length: n }, (_, i) => 1e-5 * (i + 1)),
      perEpsilon: Float64Array.from({ length: n }, (_, i) => (i === 2 ? Infinity : 3e-7 * i)),
    },
  };
  if (withInputs) a.inputs = Float32Array.from({ length: n * 2 }, (_, i) => i / 3);
  return a;
}

describe('eval artefacts codec', () => {
  it('round-trips every field, with and without inputs', () => {
    for (const withInputs of [true, false]) {
      const a = sample(withInputs);
      const b = decodeEvalArtifacts(encodeEvalArtifacts(a));
      expect(b).toEqual(a);
      expect(b.lipschitz).toBeInstanceOf(Float64Array);
      expect(b.labels).toBeInstanceOf(Int32Array);
      expect('inputs' in b).toBe(withInputs);
    }
  });

  it('round-trips the optional decision-region grid; files without it decode without it', () => {
    const side = 3;
    const a = sample(true);
    a.regions = {
      side,
      xMin: -1,
      xMax: 2.5,
      yMin: 0,
      yMax: 1,
      logits: Float32Array.from({ length: side * side * a.c }, (_, i) => Math.cos(i)),
      errorBound: {
        base: Float64Array.from({ length: side * side }, (_, i) => 1e-6 * i),
        perEpsilon: Float64Array.from({ length: side * side }, (_, i) => 2e-7 * i),
      },
    };
    const bytes = encodeEvalArtifacts(a);
    const b = decodeEvalArtifacts(bytes);
    expect(b).toEqual(a);
    expect(b.regions?.logits).toBeInstanceOf(Float32Array);
    expect(b.regions?.errorBound.base).toBeInstanceOf(Float64Array);
    // The grid adds exactly its arrays: the rest of the layout is unchanged.
    const plain = encodeEvalArtifacts(sample(true));
    expect(decodeEvalArtifacts(plain)).not.toHaveProperty('regions');
    expect(bytes.length - plain.length).toBeGreaterThanOrEqual(side * side * (a.c * 4 + 16));
    expect(() => decodeEvalArtifacts(bytes.subarray(0, bytes.length - 8))).toThrow(/truncated/);
  });

  it('reads from an unaligned buffer offset', () => {
    const bytes = encodeEvalArtifacts(sample(true));
    const shifted = new Uint8Array(bytes.length + 3);
    shifted.set(bytes, 3);
    expect(decodeEvalArtifacts(shifted.subarray(3))).toEqual(sample(true));
  });

  it('rejects truncated or foreign files with DATA_FORMAT', () => {
    const bytes = encodeEvalArtifacts(sample(true));
    expect(() => decodeEvalArtifacts(bytes.subarray(0, bytes.length - 1))).toThrow(/truncated/);
    const foreign = bytes.slice();
    foreign[0] ^= 0xff;
    expect(() => decodeEvalArtifacts(foreign)).toThrow(RelaxCertError);
  });

  it('refuses format 1 (one global slack, before per-point error bounds) and says what to do', () => {
    const old = encodeEvalArtifacts(sample(false));
    new DataView(old.buffer).setUint32(4, 1, true);
    expect(() => decodeEvalArtifacts(old)).toThrow(/format 1.*relaxcert evaluate/);
  });

  it('writes atomically under eval/ and reads back; a missing file is NOT_FOUND', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'rc-eval-'));
    try {
      await expect(readEvalArtifacts(dir)).rejects.toMatchObject({ code: 'NOT_FOUND' });
      await writeEvalArtifacts(dir, sample(false));
      expect(await readEvalArtifacts(dir)).toEqual(sample(false));
      await mkdir(join(dir, 'eval'), { recursive: true });
      await writeFile(evalArtifactsPath(dir), 'garbage!garbage!');
      await expect(readEvalArtifacts(dir)).rejects.toMatchObject({ code: 'DATA_FORMAT' });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
