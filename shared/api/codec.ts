/**
 * JSON codec for WorkbenchApi messages that keeps typed arrays intact. JSON alone would turn a
 * Float32Array into an object of indices; here each typed array becomes
 * `{ "$typed": "Float32Array", "b64": "<little-endian bytes>" }` and is rebuilt on decode.
 * Pure TypeScript (no Buffer) so browsers and Node share it.
 */

const TYPED_CTORS = {
  Float32Array,
  Float64Array,
  Int32Array,
  Uint32Array,
  Int16Array,
  Uint16Array,
  Int8Array,
  Uint8Array,
  Uint8ClampedArray,
} as const;

type TypedName = keyof typeof TYPED_CTORS;
type AnyTyped = InstanceType<(typeof TYPED_CTORS)[TypedName]>;

const TAG = '$typed';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const LOOKUP = new Int16Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) LOOKUP[ALPHABET.charCodeAt(i)] = i;

/** Little-endian is what every platform we run on uses; typed arrays are native-endian. */
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

export function bytesToBase64(bytes: Uint8Array): string {
  const parts: string[] = [];
  const chunk: string[] = [];
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const v = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
    chunk.push(
      ALPHABET[v >> 18] + ALPHABET[(v >> 12) & 63] + ALPHABET[(v >> 6) & 63] + ALPHABET[v & 63],
    );
    if (chunk.length === 4096) {
      parts.push(chunk.join(''));
      chunk.length = 0;
    }
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const v = bytes[i] << 16;
    chunk.push(ALPHABET[v >> 18] + ALPHABET[(v >> 12) & 63] + '==');
  } else if (rest === 2) {
    const v = (bytes[i] << 16) | (bytes[i + 1] << 8);
    chunk.push(ALPHABET[v >> 18] + ALPHABET[(v >> 12) & 63] + ALPHABET[(v >> 6) & 63] + '=');
  }
  parts.push(chunk.join(''));
  return parts.join('');
}

export function base64ToBytes(text: string): Uint8Array {
  let end = text.length;
  while (end > 0 && text[end - 1] === '=') end--;
  if (text.length % 4 !== 0) throw new Error('codec: base64 length is not a multiple of 4');
  const out = new Uint8Array(Math.floor((end * 3) / 4));
  let o = 0;
  let acc = 0;
  let bits = 0;
  for (let i = 0; i < end; i++) {
    const code = text.charCodeAt(i);
    const v = code < 128 ? LOOKUP[code] : -1;
    if (v < 0) throw new Error(`codec: invalid base64 character at ${i}`);
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 255;
    }
  }
  return out;
}

function typedName(value: ArrayBufferView): TypedName | undefined {
  const name = value.constructor.name;
  return name in TYPED_CTORS ? (name as TypedName) : undefined;
}

function viewBytes(value: AnyTyped): Uint8Array {
  const bytes = new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  if (LITTLE_ENDIAN || value.BYTES_PER_ELEMENT === 1) return bytes;
  // Big-endian host: swap each element so the wire is always little-endian.
  const copy = bytes.slice();
  const w = value.BYTES_PER_ELEMENT;
  for (let i = 0; i < copy.length; i += w) copy.subarray(i, i + w).reverse();
  return copy;
}

/** Replaces typed arrays by tagged objects; other values pass through JSON.stringify as usual. */
export function encodeMessage(value: unknown): string {
  return JSON.stringify(value, function replacer(this: unknown, key: string, v: unknown) {
    // JSON.stringify calls toJSON before the replacer, but typed arrays have none, so `v` is
    // still the typed array here.
    if (ArrayBuffer.isView(v) && !(v instanceof DataView)) {
      const name = typedName(v);
      if (name !== undefined) return { [TAG]: name, b64: bytesToBase64(viewBytes(v as AnyTyped)) };
    }
    return v;
  });
}

function isTagged(v: unknown): v is { [TAG]: string; b64: string } {
  if (typeof v !== 'object' || v === null) return false;
  const o = v as Record<string, unknown>;
  return typeof o[TAG] === 'string' && typeof o.b64 === 'string' && Object.keys(o).length === 2;
}

export function decodeMessage(text: string): unknown {
  return JSON.parse(text, (_key, v: unknown) => {
    if (!isTagged(v)) return v;
    const name = v[TAG];
    if (!(name in TYPED_CTORS)) throw new Error(`codec: unknown typed array '${name}'`);
    const Ctor = TYPED_CTORS[name as TypedName];
    const bytes = base64ToBytes(v.b64);
    if (bytes.length % Ctor.BYTES_PER_ELEMENT !== 0) {
      throw new Error(`codec: ${name} payload of ${bytes.length} bytes is not whole elements`);
    }
    // Copy into a fresh, aligned buffer.
    const aligned = new Uint8Array(bytes.length);
    aligned.set(bytes);
    if (!LITTLE_ENDIAN && Ctor.BYTES_PER_ELEMENT > 1) {
      const w = Ctor.BYTES_PER_ELEMENT;
      for (let i = 0; i < aligned.length; i += w) aligned.subarray(i, i + w).reverse();
    }
    return new Ctor(aligned.buffer, 0, bytes.length / Ctor.BYTES_PER_ELEMENT);
  });
}
