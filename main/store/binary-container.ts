/**
 * The one binary layout of RelaxCert's files (checkpoints, the image cache, evaluation
 * artefacts): a JSON header for everything small and named typed sections for the arrays.
 * No fs here: callers do their own reads and writes (whole files, or the head first and then
 * chosen byte ranges, as the image cache does for pixels).
 *
 * Layout, little-endian:
 *   4 bytes  magic, four ASCII characters naming the kind of file
 *   u32      version of that kind
 *   u32      H, the length of the JSON head in bytes
 *   H bytes  JSON {"header": …, "sections": [{"name", "type", "offset", "length"}, …]}
 *   spaces   to an 8-byte boundary
 *   sections in table order, each at an 8-byte aligned offset (from the start of the file) so a
 *            Float64Array can view it in place; `length` counts elements, not bytes.
 */
import { RelaxCertError } from '../../shared/errors.ts';

/** Element types a section can hold. */
export interface SectionTypes {
  float64: Float64Array;
  float32: Float32Array;
  int32: Int32Array;
  uint8: Uint8Array;
}
export type SectionType = keyof SectionTypes;
export type SectionArray = SectionTypes[SectionType];

const ELEMENT_BYTES: Record<SectionType, number> = { float64: 8, float32: 4, int32: 4, uint8: 1 };
const ALIGN = 8;
/** Magic, version and head length. */
export const CONTAINER_PREFIX_BYTES = 12;
/** A head larger than this is damage, not data (a checkpoint's, the largest, is ~10 kB). */
const MAX_HEAD_BYTES = 16 * 1024 * 1024;

/** What kind of file a container is: its magic, its version and how errors name it. */
export interface ContainerFormat {
  /** Four ASCII characters, e.g. "RCCK". */
  magic: string;
  version: number;
  /** e.g. "RelaxCert checkpoint", for "not a RelaxCert checkpoint". */
  what: string;
}

export interface SectionEntry {
  name: string;
  type: SectionType;
  /** Byte offset from the start of the file; a multiple of 8. */
  offset: number;
  /** Number of elements. */
  length: number;
}

export interface ContainerHead {
  /** The JSON header as written; the caller checks the fields it relies on. */
  header: unknown;
  sections: SectionEntry[];
  /** Bytes from the start of the file to the end of the last section. */
  total: number;
}

export interface SectionSpec {
  name: string;
  type: SectionType;
  length: number;
}

export interface NamedSection {
  name: string;
  data: SectionArray;
}

const alignUp = (n: number): number => Math.ceil(n / ALIGN) * ALIGN;

function fail(file: string, why: string): never {
  throw new RelaxCertError('DATA_FORMAT', `${file}: ${why}`, { file });
}

function typeOf(data: SectionArray): SectionType {
  if (data instanceof Float64Array) return 'float64';
  if (data instanceof Float32Array) return 'float32';
  if (data instanceof Int32Array) return 'int32';
  return 'uint8';
}

function magicBytes(format: ContainerFormat): Uint8Array {
  if (!/^[\x20-\x7e]{4}$/.test(format.magic))
    throw new Error(`container magic must be four ASCII characters, got "${format.magic}"`);
  return new TextEncoder().encode(format.magic);
}

/** The head bytes and section table of a container with these sections. */
function plan(format: ContainerFormat, header: unknown, specs: readonly SectionSpec[]) {
  const names = new Set<string>();
  for (const s of specs) {
    if (names.has(s.name)) throw new Error(`container section "${s.name}" appears twice`);
    names.add(s.name);
  }
  // Offsets depend on the head's length, which depends on the offsets' digits: settle it by
  // iterating (two passes at most in practice; each pass can only grow the head).
  let headLength = 0;
  for (;;) {
    let at = alignUp(CONTAINER_PREFIX_BYTES + headLength);
    const sections: SectionEntry[] = specs.map((s) => {
      const entry = { name: s.name, type: s.type, offset: at, length: s.length };
      at = alignUp(at + s.length * ELEMENT_BYTES[s.type]);
      return entry;
    });
    const json = new TextEncoder().encode(JSON.stringify({ header, sections }));
    if (
      alignUp(CONTAINER_PREFIX_BYTES + json.length) === alignUp(CONTAINER_PREFIX_BYTES + headLength)
    ) {
      const last = sections.at(-1);
      const total =
        last === undefined
          ? alignUp(CONTAINER_PREFIX_BYTES + json.length)
          : last.offset + last.length * ELEMENT_BYTES[last.type];
      return { json, sections, total };
    }
    headLength = json.length;
  }
}

/**
 * A zeroed container with its head written, and a view of each section to fill in place (the
 * image cache decodes straight into it, without a second copy of the pixels).
 */
export function allocateContainer(
  format: ContainerFormat,
  header: unknown,
  specs: readonly SectionSpec[],
): { bytes: Uint8Array; sections: Map<string, SectionArray> } {
  const magic = magicBytes(format);
  const { json, sections, total } = plan(format, header, specs);
  const bytes = new Uint8Array(total);
  const view = new DataView(bytes.buffer);
  bytes.set(magic, 0);
  view.setUint32(4, format.version, true);
  view.setUint32(8, json.length, true);
  bytes.set(json, CONTAINER_PREFIX_BYTES);
  const headEnd = CONTAINER_PREFIX_BYTES + json.length;
  bytes.fill(0x20, headEnd, alignUp(headEnd));
  const views = new Map<string, SectionArray>();
  for (const s of sections) views.set(s.name, viewOf(bytes.buffer, s));
  return { bytes, sections: views };
}

function viewOf(buffer: ArrayBufferLike, s: SectionEntry): SectionArray {
  switch (s.type) {
    case 'float64':
      return new Float64Array(buffer, s.offset, s.length);
    case 'float32':
      return new Float32Array(buffer, s.offset, s.length);
    case 'int32':
      return new Int32Array(buffer, s.offset, s.length);
    case 'uint8':
      return new Uint8Array(buffer, s.offset, s.length);
  }
}

/** Encodes a header and named sections (in the order given) into one container. */
export function encodeContainer(
  format: ContainerFormat,
  header: unknown,
  sections: readonly NamedSection[],
): Uint8Array {
  const specs = sections.map((s) => ({
    name: s.name,
    type: typeOf(s.data),
    length: s.data.length,
  }));
  const out = allocateContainer(format, header, specs);
  for (const s of sections) {
    const target = out.sections.get(s.name) as SectionArray;
    new Uint8Array(target.buffer, target.byteOffset, target.byteLength).set(
      new Uint8Array(s.data.buffer, s.data.byteOffset, s.data.byteLength),
    );
  }
  return out.bytes;
}

/**
 * Checks magic and version in the first 12 bytes of a file and returns how many bytes its head
 * takes (prefix + JSON): what a caller reading only the head must read next.
 */
export function containerHeadBytes(
  prefix: Uint8Array,
  format: ContainerFormat,
  file: string,
): number {
  if (prefix.length < CONTAINER_PREFIX_BYTES) fail(file, 'file too short');
  const magic = new TextDecoder().decode(prefix.subarray(0, 4));
  if (magic !== format.magic) fail(file, `not a ${format.what}`);
  const view = new DataView(prefix.buffer, prefix.byteOffset, CONTAINER_PREFIX_BYTES);
  const version = view.getUint32(4, true);
  if (version !== format.version)
    fail(file, `unsupported version ${version} (this build reads version ${format.version})`);
  const length = view.getUint32(8, true);
  if (length > MAX_HEAD_BYTES) fail(file, `header of ${length} bytes is not plausible`);
  return CONTAINER_PREFIX_BYTES + length;
}

/**
 * The JSON after the 12-byte prefix (magic, version, u32 JSON length) of a container, or of a
 * file that an earlier build wrote in its own layout behind the same prefix (checkpoint-v1.ts,
 * eval-artifacts-v2.ts), and the byte offset where the JSON ends. Magic and version are the
 * caller's to check.
 */
export function prefixedJson(bytes: Uint8Array, file: string): { json: unknown; end: number } {
  if (bytes.length < CONTAINER_PREFIX_BYTES) fail(file, 'file too short');
  const length = new DataView(bytes.buffer, bytes.byteOffset, CONTAINER_PREFIX_BYTES).getUint32(
    8,
    true,
  );
  const end = CONTAINER_PREFIX_BYTES + length;
  if (bytes.length < end) fail(file, 'truncated header');
  try {
    const text = new TextDecoder().decode(bytes.subarray(CONTAINER_PREFIX_BYTES, end));
    return { json: JSON.parse(text) as unknown, end };
  } catch {
    return fail(file, 'header is not valid JSON');
  }
}

/**
 * Parses and checks the head (the first `containerHeadBytes` bytes, or more). With `fileSize`,
 * also checks that every section lies inside the file.
 */
export function parseContainerHead(
  head: Uint8Array,
  format: ContainerFormat,
  file: string,
  fileSize?: number,
): ContainerHead {
  containerHeadBytes(head, format, file);
  const { json: parsed, end: headBytes } = prefixedJson(head, file);
  const table = (parsed as { sections?: unknown } | null)?.sections;
  if (!Array.isArray(table)) fail(file, 'header has no section table');
  const sections: SectionEntry[] = [];
  const names = new Set<string>();
  let end = alignUp(headBytes);
  for (const [i, raw] of (table as unknown[]).entries()) {
    const s = raw as Partial<SectionEntry> | null;
    const label = typeof s?.name === 'string' ? `section "${s.name}"` : `section ${i}`;
    if (typeof s?.name !== 'string' || names.has(s.name))
      fail(file, `${label}: missing or repeated name`);
    if (typeof s.type !== 'string' || !(s.type in ELEMENT_BYTES))
      fail(file, `${label}: unknown element type ${String(s.type)}`);
    if (!Number.isSafeInteger(s.length) || (s.length as number) < 0)
      fail(file, `${label}: bad length ${String(s.length)}`);
    if (!Number.isSafeInteger(s.offset) || (s.offset as number) % ALIGN !== 0)
      fail(file, `${label}: offset ${String(s.offset)} is not a multiple of ${ALIGN}`);
    if ((s.offset as number) < end) fail(file, `${label}: overlaps the header or another section`);
    const entry: SectionEntry = {
      name: s.name,
      type: s.type as SectionType,
      offset: s.offset as number,
      length: s.length as number,
    };
    names.add(entry.name);
    end = entry.offset + entry.length * ELEMENT_BYTES[entry.type];
    sections.push(entry);
  }
  const total = sections.length === 0 ? alignUp(headBytes) : end;
  if (fileSize !== undefined && fileSize < total)
    fail(file, `truncated: ${fileSize} bytes, the sections need ${total}`);
  return { header: (parsed as { header?: unknown }).header, sections, total };
}

/** Byte range of a section, for callers that read it from the file themselves. */
export function sectionBytes(s: SectionEntry): { start: number; end: number } {
  return { start: s.offset, end: s.offset + s.length * ELEMENT_BYTES[s.type] };
}

/** A decoded container; `section` returns a copy-backed array of the type asked for. */
export interface DecodedContainer {
  header: unknown;
  sections: Map<string, SectionArray>;
  section<T extends SectionType>(name: string, type: T): SectionTypes[T];
}

/**
 * Decodes a whole container. Each section is copied into its own buffer: the source may be a
 * Node Buffer at any offset, and an array that shares a larger buffer would drag all of it
 * along through structured clone.
 */
export function decodeContainer(
  bytes: Uint8Array,
  format: ContainerFormat,
  file: string,
): DecodedContainer {
  const head = parseContainerHead(bytes, format, file, bytes.length);
  const sections = new Map<string, SectionArray>();
  for (const s of head.sections) {
    const { start, end } = sectionBytes(s);
    const copy = new Uint8Array(end - start);
    copy.set(bytes.subarray(start, end));
    sections.set(s.name, viewOf(copy.buffer, { ...s, offset: 0 }));
  }
  return {
    header: head.header,
    sections,
    section<T extends SectionType>(name: string, type: T): SectionTypes[T] {
      const data = sections.get(name);
      if (data === undefined) fail(file, `no section "${name}"`);
      if (typeOf(data) !== type) fail(file, `section "${name}" holds ${typeOf(data)}, not ${type}`);
      return data as SectionTypes[T];
    },
  };
}
