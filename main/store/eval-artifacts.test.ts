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
import { decodeContainer, encodeContainer } from './binary-container.ts';
import type { EvalArtifacts } from '../../shared/api/workbench-api.ts';
import { RelaxCertError } from '../../shared/errors.ts';

/**
 * A format-2 file exactly as the build before the shared container wrote it (its own layout, see
 * eval-artifacts-v2.ts), with inputs and a 2×2 decision-region grid; FORMAT_2_CONTENT is what it
 * holds.
 */
const FORMAT_2_FILE =
  'UkNFVgIAAADQAAAAeyJydW5JZCI6ImZvcm1hdC0yIiwibiI6MywiYyI6MiwiY2xhc3NOYW1lcyI6WyJsZWZ0Iiwi' +
  'cmlnaHQiXSwidHJhaW5lZEVwc2lsb24iOjAuMywiZ3VhcmFudGVlIjp7ImtpbmQiOiJzdGFuZGFyZCJ9LCJpbnB1' +
  'dFNoYXBlIjpbMl0sImlucHV0c0xlbmd0aCI6NiwicmVnaW9ucyI6eyJzaWRlIjoyLCJ4TWluIjotMSwieE1heCI6' +
  'MiwieU1pbiI6LTEsInlNYXgiOjF9fQAAAAAAAAAAAAAAAAAAAAAAAPw/AAAAAAAA/D8AAAAAAAAAAI3ttaD3xrA+' +
  'je21oPfGwD5U5BBxcyrJPkivvJry15o+je21oPfGoD52gw309SGkPgAAwD8AAIC+AAAAPgAAAEAAAEDAAAAAPwAA' +
  'AAABAAAAAQAAAAAAAD8AAIC/AAAAQAAAgD4AAEC/AACAPwAAAD8AAAC/AACAPwAAgL8AAMA/AADAvwAAAEAAAADA' +
  'je21oPfGsD6N7bWg98awPo3ttaD3xsA+je21oPfGwD5Ir7ya8td6PkivvJry13o+SK+8mvLXej5Ir7ya8td6Pg==';
const FORMAT_2_CONTENT: EvalArtifacts = {
  runId: 'format-2',
  n: 3,
  c: 2,
  classNames: ['left', 'right'],
  logits: Float32Array.from([1.5, -0.25, 0.125, 2, -3, 0.5]),
  labels: Int32Array.from([0, 1, 1]),
  lipschitz: Float64Array.from([0, 1.75, 1.75, 0]),
  trainedEpsilon: 0.3,
  guarantee: { kind: 'standard' },
  inputs: Float32Array.from([0.5, -1, 2, 0.25, -0.75, 1]),
  inputShape: [2],
  // Format 2 holds one bound (the float32 claim's); it stands in for the exact claim's.
  exactBoundStandIn: true,
  errorBounds: {
    float32: {
      base: Float64Array.from([1e-6, 2e-6, 3e-6]),
      perEpsilon: Float64Array.from([4e-7, 5e-7, 6e-7]),
    },
    exact: {
      base: Float64Array.from([1e-6, 2e-6, 3e-6]),
      perEpsilon: Float64Array.from([4e-7, 5e-7, 6e-7]),
    },
  },
  regions: {
    side: 2,
    xMin: -1,
    xMax: 2,
    yMin: -1,
    yMax: 1,
    logits: Float32Array.from([0.5, -0.5, 1, -1, 1.5, -1.5, 2, -2]),
    errorBounds: {
      float32: {
        base: Float64Array.from([1e-6, 1e-6, 2e-6, 2e-6]),
        perEpsilon: Float64Array.from([1e-7, 1e-7, 1e-7, 1e-7]),
      },
      exact: {
        base: Float64Array.from([1e-6, 1e-6, 2e-6, 2e-6]),
        perEpsilon: Float64Array.from([1e-7, 1e-7, 1e-7, 1e-7]),
      },
    },
  },
};

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
    errorBounds: {
      float32: {
        base: Float64Array.from({ length: n }, (_, i) => 1e-5 * (i + 1)),
        perEpsilon: Float64Array.from({ length: n }, (_, i) => (i === 2 ? Infinity : 3e-7 * i)),
      },
      exact: {
        base: Float64Array.from({ length: n }, (_, i) => 1e-9 * (i + 1)),
        perEpsilon: Float64Array.from({ length: n }, (_, i) => (i === 3 ? Infinity : 1e-11 * i)),
      },
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
      errorBounds: {
        float32: {
          base: Float64Array.from({ length: side * side }, (_, i) => 1e-6 * i),
          perEpsilon: Float64Array.from({ length: side * side }, (_, i) => 2e-7 * i),
        },
        exact: {
          base: Float64Array.from({ length: side * side }, (_, i) => 1e-10 * i),
          perEpsilon: Float64Array.from({ length: side * side }, (_, i) => 3e-12 * i),
        },
      },
    };
    const bytes = encodeEvalArtifacts(a);
    const b = decodeEvalArtifacts(bytes);
    expect(b).toEqual(a);
    expect(b.regions?.logits).toBeInstanceOf(Float32Array);
    expect(b.regions?.errorBounds.exact.base).toBeInstanceOf(Float64Array);
    // The grid adds exactly its arrays: the rest of the layout is unchanged.
    const plain = encodeEvalArtifacts(sample(true));
    expect(decodeEvalArtifacts(plain)).not.toHaveProperty('regions');
    expect(bytes.length - plain.length).toBeGreaterThanOrEqual(side * side * (a.c * 4 + 32));
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

  it('writes format 3 in the shared container, one named section per array', () => {
    const bytes = encodeEvalArtifacts(sample(true));
    const format = { magic: 'RCEV', version: 3, what: 'RelaxCert evaluation file' };
    const d = decodeContainer(bytes, format, 'x');
    expect([...d.sections.keys()]).toEqual([
      'lipschitz',
      'errorBase',
      'errorPerEpsilon',
      'exactErrorBase',
      'exactErrorPerEpsilon',
      'logits',
      'labels',
      'inputs',
    ]);
    const { float32, exact } = sample(true).errorBounds;
    expect(d.section('errorPerEpsilon', 'float64')).toEqual(float32.perEpsilon);
    expect(d.section('exactErrorPerEpsilon', 'float64')).toEqual(exact.perEpsilon);
    // Another version of the same magic is refused by the container, naming the file.
    new DataView(bytes.buffer).setUint32(4, 4, true);
    expect(() => decodeEvalArtifacts(bytes, 'run/eval/artifacts.bin')).toThrow(
      /run\/eval\/artifacts.bin: unsupported version 4/,
    );
  });

  it('still reads format-2 files of runs evaluated by an earlier build, and their truncation', () => {
    const file = Uint8Array.from(Buffer.from(FORMAT_2_FILE, 'base64'));
    expect(new DataView(file.buffer).getUint32(4, true)).toBe(2);
    const a = decodeEvalArtifacts(file, 'old.bin');
    expect(a).toEqual(FORMAT_2_CONTENT);
    expect(a.regions?.errorBounds.float32.base).toBeInstanceOf(Float64Array);
    // Written again, it is format 3 with the same content.
    expect(decodeEvalArtifacts(encodeEvalArtifacts(a))).toEqual(FORMAT_2_CONTENT);
    expect(() => decodeEvalArtifacts(file.subarray(0, file.length - 8), 'old.bin')).toThrow(
      /old.bin: truncated/,
    );
    expect(() => decodeEvalArtifacts(file.subarray(0, 10), 'old.bin')).toThrow(
      /old.bin: file too short/,
    );
    expect(() => decodeEvalArtifacts(file.subarray(0, 100), 'old.bin')).toThrow(
      /old.bin: truncated header/,
    );
  });

  it('reads a format-3 file from before the exact claim: its float32 bound stands in', () => {
    const format = { magic: 'RCEV', version: 3, what: 'RelaxCert evaluation file' };
    const a = sample(false);
    const { logits, labels, lipschitz, errorBounds, ...header } = a;
    const old = encodeContainer(format, header, [
      { name: 'lipschitz', data: lipschitz },
      { name: 'errorBase', data: errorBounds.float32.base },
      { name: 'errorPerEpsilon', data: errorBounds.float32.perEpsilon },
      { name: 'logits', data: logits },
      { name: 'labels', data: labels },
    ]);
    const b = decodeEvalArtifacts(old, 'old3.bin');
    expect(b.errorBounds.float32).toEqual(errorBounds.float32);
    expect(b.errorBounds.exact).toEqual(errorBounds.float32);
    expect(b.exactBoundStandIn).toBe(true);
    // Fresh artefacts carry their own exact bound, and no such mark.
    expect(decodeEvalArtifacts(encodeEvalArtifacts(a))).not.toHaveProperty('exactBoundStandIn');
    // An exact section of the wrong length is refused by name.
    const bad = encodeContainer(format, header, [
      { name: 'lipschitz', data: lipschitz },
      { name: 'errorBase', data: errorBounds.float32.base },
      { name: 'errorPerEpsilon', data: errorBounds.float32.perEpsilon },
      { name: 'exactErrorBase', data: errorBounds.exact.base.subarray(1) },
      { name: 'exactErrorPerEpsilon', data: errorBounds.exact.perEpsilon },
      { name: 'logits', data: logits },
      { name: 'labels', data: labels },
    ]);
    expect(() => decodeEvalArtifacts(bad, 'e.bin')).toThrow(
      /e.bin: section "exactErrorBase" has 4 values, want 5/,
    );
  });

  it('refuses a container whose sections do not fit n and c, naming the section', () => {
    const format = { magic: 'RCEV', version: 3, what: 'RelaxCert evaluation file' };
    const a = sample(false);
    const { logits, labels, lipschitz, errorBounds, ...header } = a;
    const sections = [
      { name: 'lipschitz', data: lipschitz },
      { name: 'errorBase', data: errorBounds.float32.base },
      { name: 'errorPerEpsilon', data: errorBounds.float32.perEpsilon },
      { name: 'logits', data: logits.subarray(1) },
      { name: 'labels', data: labels },
    ];
    expect(() => decodeEvalArtifacts(encodeContainer(format, header, sections), 'e.bin')).toThrow(
      /e.bin: section "logits" has 14 values, want 15/,
    );
    const noLabels = encodeContainer(format, header, sections.slice(0, 3));
    expect(() => decodeEvalArtifacts(noLabels, 'e.bin')).toThrow(/e.bin: no section "logits"/);
    const noN = encodeContainer(format, { ...header, n: undefined }, sections);
    expect(() => decodeEvalArtifacts(noN, 'e.bin')).toThrow(/e.bin: header lacks/);
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
