import { describe, expect, it } from 'vitest';
import {
  CONTAINER_PREFIX_BYTES,
  allocateContainer,
  containerHeadBytes,
  decodeContainer,
  encodeContainer,
  parseContainerHead,
  sectionBytes,
} from './binary-container.ts';
import type { ContainerFormat, SectionEntry } from './binary-container.ts';

const FORMAT: ContainerFormat = { magic: 'RCTS', version: 3, what: 'RelaxCert test file' };
const FILE = '/runs/r1/test.bin';

function sample() {
  return [
    { name: 'k', data: Float64Array.from([1 / 3, -2.5e300, Number.MIN_VALUE]) },
    { name: 'logits', data: Float32Array.from([0.1, -7, 3.5, Math.fround(1e-30), 2]) },
    { name: 'labels', data: Int32Array.from([-1, 0, 2147483647]) },
    { name: 'parts', data: Uint8Array.from([0, 1, 2, 255, 7]) },
    { name: 'empty', data: new Float32Array(0) },
  ];
}

/** A container with a hand-written head, to reach states the encoder never writes. */
function raw(magic: string, version: number, head: unknown, size: number): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(head));
  const bytes = new Uint8Array(Math.max(size, CONTAINER_PREFIX_BYTES + json.length));
  bytes.set(new TextEncoder().encode(magic), 0);
  const view = new DataView(bytes.buffer);
  view.setUint32(4, version, true);
  view.setUint32(8, json.length, true);
  bytes.set(json, CONTAINER_PREFIX_BYTES);
  return bytes;
}

const formatError = (why: string | RegExp) =>
  expect.objectContaining({
    code: 'DATA_FORMAT',
    file: FILE,
    message: expect.stringMatching(typeof why === 'string' ? why : why.source),
  });

describe('binary container', () => {
  it('round-trips a header and sections of every element type, bit for bit', () => {
    const header = { epoch: 3, name: 'ünïcode ✓', nested: { a: [1, 2] } };
    const bytes = encodeContainer(FORMAT, header, sample());
    const out = decodeContainer(bytes, FORMAT, FILE);
    expect(out.header).toEqual(header);
    expect([...out.sections.keys()]).toEqual(['k', 'logits', 'labels', 'parts', 'empty']);
    for (const s of sample()) expect(out.sections.get(s.name)).toEqual(s.data);
    expect(out.section('k', 'float64')).toBeInstanceOf(Float64Array);
    expect(out.section('labels', 'int32')[2]).toBe(2147483647);
  });

  it('places every section at an 8-byte offset and ends at the last section', () => {
    const bytes = encodeContainer(FORMAT, { x: 'y'.repeat(37) }, sample());
    const head = parseContainerHead(bytes, FORMAT, FILE, bytes.length);
    for (const s of head.sections) expect(s.offset % 8).toBe(0);
    expect(head.total).toBe(bytes.length);
    expect(new TextDecoder().decode(bytes.subarray(0, 4))).toBe('RCTS');
  });

  it('decodes from a Node Buffer at an odd offset into arrays that own their memory', () => {
    const bytes = encodeContainer(FORMAT, {}, sample());
    const pool = Buffer.alloc(bytes.length + 3);
    pool.set(bytes, 3);
    const out = decodeContainer(pool.subarray(3), FORMAT, FILE);
    const k = out.section('k', 'float64');
    expect(k).toEqual(sample()[0].data);
    expect(k.buffer.byteLength).toBe(k.byteLength);
  });

  it('lets a caller fill sections in place and read only the head and chosen ranges', () => {
    const { bytes, sections } = allocateContainer(FORMAT, { count: 4 }, [
      { name: 'pixels', type: 'uint8', length: 13 },
      { name: 'labels', type: 'int32', length: 4 },
    ]);
    (sections.get('pixels') as Uint8Array).fill(9);
    (sections.get('labels') as Int32Array).set([4, 3, 2, 1]);
    const headLength = containerHeadBytes(bytes.subarray(0, 12), FORMAT, FILE);
    const head = parseContainerHead(bytes.subarray(0, headLength), FORMAT, FILE, bytes.length);
    expect(head.header).toEqual({ count: 4 });
    const labels = head.sections.find((s) => s.name === 'labels') as SectionEntry;
    const { start, end } = sectionBytes(labels);
    expect([...new Int32Array(bytes.slice(start, end).buffer)]).toEqual([4, 3, 2, 1]);
    expect(decodeContainer(bytes, FORMAT, FILE).section('pixels', 'uint8')).toEqual(
      new Uint8Array(13).fill(9),
    );
  });

  it('refuses every truncation with an error naming the file', () => {
    const bytes = encodeContainer(FORMAT, { epoch: 1 }, sample());
    for (let cut = 0; cut < bytes.length; cut++) {
      expect(() => decodeContainer(bytes.subarray(0, cut), FORMAT, FILE), `cut ${cut}`).toThrow(
        formatError(/too short|truncated/),
      );
    }
  });

  it('refuses bad magic and another version', () => {
    const bytes = encodeContainer(FORMAT, {}, sample());
    expect(() => decodeContainer(bytes, { ...FORMAT, magic: 'RCXX' }, FILE)).toThrow(
      formatError('not a RelaxCert test file'),
    );
    expect(() => decodeContainer(bytes, { ...FORMAT, version: 4 }, FILE)).toThrow(
      formatError('unsupported version 3 \\(this build reads version 4\\)'),
    );
  });

  it('refuses misaligned, overlapping, ill-typed and oversized sections', () => {
    const entry = (over: Partial<SectionEntry>) => ({
      header: {},
      sections: [{ name: 'a', type: 'float32', offset: 128, length: 2, ...over }],
    });
    const cases: Array<[unknown, RegExp]> = [
      [entry({ offset: 132 }), /offset 132 is not a multiple of 8/],
      [entry({ offset: 8 }), /overlaps the header/],
      [entry({ type: 'float16' as never }), /unknown element type float16/],
      [entry({ length: -1 }), /bad length -1/],
      [entry({ length: 1000 }), /truncated: 256 bytes, the sections need 4128/],
      [
        {
          header: {},
          sections: [
            { name: 'a', type: 'float64', offset: 192, length: 2 },
            { name: 'b', type: 'uint8', offset: 200, length: 1 },
          ],
        },
        /section "b": overlaps/,
      ],
      [{ header: {} }, /no section table/],
    ];
    for (const [head, why] of cases) {
      const bytes = raw(FORMAT.magic, FORMAT.version, head, 256);
      expect(() => decodeContainer(bytes, FORMAT, FILE), why.source).toThrow(formatError(why));
    }
    const notJson = raw(FORMAT.magic, FORMAT.version, {}, 64);
    notJson[CONTAINER_PREFIX_BYTES] = 0x7b + 1;
    expect(() => decodeContainer(notJson, FORMAT, FILE)).toThrow(formatError('not valid JSON'));
  });

  it('names a missing section and a section of another type', () => {
    const out = decodeContainer(encodeContainer(FORMAT, {}, sample()), FORMAT, FILE);
    expect(() => out.section('weights', 'float32')).toThrow(formatError('no section "weights"'));
    expect(() => out.section('k', 'float32')).toThrow(
      formatError('section "k" holds float64, not float32'),
    );
  });

  it('refuses to write a repeated section name', () => {
    const twice = [sample()[0], sample()[0]];
    expect(() => encodeContainer(FORMAT, {}, twice)).toThrow(/"k" appears twice/);
  });
});
