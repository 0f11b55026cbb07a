import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { base64ToBytes, bytesToBase64, decodeMessage, encodeMessage } from './codec.ts';

describe('codec', () => {
  it('base64 matches the standard encoding on any bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const text = bytesToBase64(bytes);
        expect(text).toBe(Buffer.from(bytes).toString('base64'));
        expect(Array.from(base64ToBytes(text))).toEqual(Array.from(bytes));
      }),
    );
  });

  it('carries every typed array kind intact, including views into larger buffers', () => {
    const big = new Float32Array([1, 2, 3, 4, 5, 6]);
    const message = {
      f32: new Float32Array([1.5, -0, NaN, Infinity, 3.4028234663852886e38, 1e-45]),
      f64: new Float64Array([Math.PI, -1e308]),
      i32: new Int32Array([-2147483648, 2147483647, 0]),
      u8: new Uint8Array([0, 255, 7]),
      view: big.subarray(2, 5),
      nested: [{ deep: new Int16Array([-5, 5]) }],
      plain: { a: 1, b: 'x', c: [1, 2] },
    };
    const back = decodeMessage(encodeMessage(message)) as typeof message;
    expect(back.f32).toBeInstanceOf(Float32Array);
    expect(Object.is(back.f32[1], -0)).toBe(true);
    expect(Number.isNaN(back.f32[2])).toBe(true);
    expect(Array.from(back.f32.slice(3))).toEqual(Array.from(message.f32.slice(3)));
    expect(back.f64).toEqual(message.f64);
    expect(back.i32).toEqual(message.i32);
    expect(back.u8).toEqual(message.u8);
    expect(back.view).toBeInstanceOf(Float32Array);
    expect(Array.from(back.view)).toEqual([3, 4, 5]);
    expect(back.nested[0].deep).toEqual(new Int16Array([-5, 5]));
    expect(back.plain).toEqual(message.plain);
  });

  it('refuses corrupt typed payloads', () => {
    expect(() => decodeMessage('{"$typed":"Float32Array","b64":"AAA="}')).toThrow(/whole elements/);
    expect(() => decodeMessage('{"$typed":"Evil","b64":""}')).toThrow(/unknown typed array/);
    expect(() => decodeMessage('{"$typed":"Uint8Array","b64":"@@@@"}')).toThrow(/invalid base64/);
  });
});
