/**
 * JPEG/PNG decoding and PNG encoding with pure-JavaScript libraries (jpeg-js, pngjs): no native
 * addon, so they install on every platform and package into the app unchanged (see docs/DATA.md).
 */
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { dataError } from './data-error.ts';

export interface DecodedImage {
  width: number;
  height: number;
  /** width × height × 3 bytes, RGB, row-major. */
  rgb: Uint8Array;
}

function isPng(b: Uint8Array): boolean {
  return b.length >= 8 && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47;
}

function isJpeg(b: Uint8Array): boolean {
  return b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff;
}

/**
 * The most pixels one image may have: 16 megapixels (64 MB decoded as RGBA), far above any
 * data set's images. The size a PNG or JPEG header declares is checked before decoding, so a
 * small file declaring 100000×100000 pixels fails at once instead of allocating 40 GB.
 */
export const MAX_IMAGE_PIXELS = 16 * 1024 * 1024;

/** The width and height a PNG declares in its IHDR chunk (which must come first). */
function pngSize(b: Uint8Array): { width: number; height: number } | undefined {
  if (b.length < 24) return undefined;
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  return { width: view.getUint32(16, false), height: view.getUint32(20, false) };
}

function checkPixels(file: string, size: { width: number; height: number }): void {
  if (size.width * size.height > MAX_IMAGE_PIXELS)
    throw dataError(
      file,
      { offset: 16 },
      `the header declares ${size.width}×${size.height} pixels, more than the ${MAX_IMAGE_PIXELS} an image may have`,
    );
}

function rgbaToRgb(rgba: Uint8Array, width: number, height: number): Uint8Array {
  const rgb = new Uint8Array(width * height * 3);
  for (let p = 0, q = 0; p < rgb.length; p += 3, q += 4) {
    rgb[p] = rgba[q];
    rgb[p + 1] = rgba[q + 1];
    rgb[p + 2] = rgba[q + 2];
  }
  return rgb;
}

/** Decodes a JPEG or PNG (by its signature, not its name); grey images become RGB. */
export function decodeImage(bytes: Uint8Array, file: string): DecodedImage {
  if (isPng(bytes)) {
    const size = pngSize(bytes);
    if (size) checkPixels(file, size);
  }
  try {
    if (isJpeg(bytes)) {
      const img = jpeg.decode(bytes, {
        useTArray: true,
        formatAsRGBA: true,
        maxMemoryUsageInMB: 1024,
        // jpeg-js checks the frame header's size against this before it allocates.
        maxResolutionInMP: MAX_IMAGE_PIXELS / 1e6,
      });
      return {
        width: img.width,
        height: img.height,
        rgb: rgbaToRgb(img.data, img.width, img.height),
      };
    }
    if (isPng(bytes)) {
      const img = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      return {
        width: img.width,
        height: img.height,
        rgb: rgbaToRgb(img.data, img.width, img.height),
      };
    }
  } catch (error) {
    throw dataError(
      file,
      {},
      `cannot decode the image: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  throw dataError(file, { offset: 0 }, 'not a JPEG or PNG image (unknown signature)');
}

/** PNG bytes of an RGB or grey image given as bytes. */
export function encodePng(
  pixels: Uint8Array,
  width: number,
  height: number,
  channels: number,
): Uint8Array {
  const png = new PNG({ width, height });
  for (let p = 0; p < width * height; p++) {
    const src = p * channels;
    png.data[p * 4] = pixels[src];
    png.data[p * 4 + 1] = pixels[channels >= 3 ? src + 1 : src];
    png.data[p * 4 + 2] = pixels[channels >= 3 ? src + 2 : src];
    png.data[p * 4 + 3] = 255;
  }
  return new Uint8Array(PNG.sync.write(png));
}

/** Image file extensions the folder readers pick up (case-insensitive). */
export const IMAGE_EXTENSIONS = ['.jpg', '.jpeg', '.png'];

export function isImageName(name: string): boolean {
  const lower = name.toLowerCase();
  return IMAGE_EXTENSIONS.some((e) => lower.endsWith(e));
}
