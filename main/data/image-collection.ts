/**
 * Shared loader of image-file collections (class folders, Tiny-ImageNet): stats the files, reads
 * the cache entry for their (paths, sizes, mtimes) if there is one, otherwise decodes every image
 * into a new entry (reporting progress) and commits it atomically, then fills the splits with the
 * images' bytes (types.ts, ByteImages).
 * Images of one collection must all have the size of the first.
 */
import { statSync } from 'node:fs';
import type { DatasetKind } from '../../shared/config/experiment.ts';
import {
  allocateCacheEntry,
  cacheLocation,
  openCacheEntry,
  saveCacheEntry,
  type CacheSource,
} from './cache.ts';
import { dataError } from './data-error.ts';
import { readDataFile } from './data-file.ts';
import { MAX_BINARY_FILE_BYTES, MAX_IMAGE_FILE_BYTES } from './data-path-guard.ts';
import { decodeImage, type DecodedImage } from './image-codec.ts';
import type { RawDataset } from './raw-dataset.ts';
import { byteImages } from './inputs.ts';
import { stratifiedSplit } from './split.ts';
import type { AffinityPreset, LoadOptions, Split } from './types.ts';

export interface ImageEntry {
  file: string;
  label: number;
  /** 0 train, 1 test, 2 to be split (seeded, stratified, 2/3 train). */
  part: 0 | 1 | 2;
}

export interface ImageCollection {
  kind: DatasetKind;
  name: string;
  root: string;
  classNames: string[];
  affinityPresets: AffinityPreset[];
  entries: ImageEntry[];
}

const CHUNK_IMAGES = 2048;

/** One image file, within its cap, decoded (its declared size checked first: image-codec). */
function readImage(file: string): DecodedImage {
  return decodeImage(readDataFile(file, { format: 'image', maxBytes: MAX_IMAGE_FILE_BYTES }), file);
}
const TRAIN_FRACTION = 2 / 3;

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

export async function loadImageCollection(
  collection: ImageCollection,
  seed: number,
  options: LoadOptions = {},
): Promise<RawDataset> {
  const { entries, kind } = collection;
  const progress = options.onProgress ?? (() => {});
  if (entries.length === 0) throw dataError(collection.root, {}, 'no images found');
  for (const [i, e] of entries.entries())
    if (!Number.isInteger(e.label) || e.label < 0 || e.label >= collection.classNames.length)
      throw dataError(
        e.file,
        { record: i },
        `label ${e.label} out of range [0, ${collection.classNames.length})`,
      );

  const sources: CacheSource[] = entries.map((e) => {
    const s = statSync(e.file);
    return { path: e.file, size: s.size, mtimeMs: s.mtimeMs };
  });
  const extra = JSON.stringify({
    root: collection.root,
    classNames: collection.classNames,
    labels: entries.map((e) => e.label),
    parts: entries.map((e) => e.part),
  });
  const at = cacheLocation(kind, extra, sources, options.cacheDir);
  const cached = openCacheEntry(at.file, at.key);
  if (cached) {
    try {
      const { height, width, channels, count } = cached.header;
      const imageSize = height * width * channels;
      const scratch = new Uint8Array(Math.min(count, CHUNK_IMAGES) * imageSize);
      const splits = await fillSplits(
        count,
        imageSize,
        channels,
        cached.labels,
        cached.parts,
        collection.classNames.length,
        seed,
        async (first, n) => {
          cached.readPixels(first, n, scratch);
          progress({ phase: 'reading cache', done: first + n, total: count });
          return scratch;
        },
      );
      return finish(collection, [height, width, channels], splits);
    } finally {
      cached.close();
    }
  }

  // Decode the first image to learn the size, then everything straight into a new cache entry.
  const first = readImage(entries[0].file);
  const channels = 3;
  // Every image has the first one's size: the decoded set is known before it is allocated.
  const total = entries.length * first.height * first.width * channels;
  if (total > MAX_BINARY_FILE_BYTES)
    throw dataError(
      collection.root,
      {},
      `${entries.length} images of ${first.width}×${first.height} pixels need ${total} bytes decoded, more than the ${MAX_BINARY_FILE_BYTES} a data set may have`,
    );
  const entry = allocateCacheEntry({
    key: at.key,
    count: entries.length,
    height: first.height,
    width: first.width,
    channels,
  });
  const imageSize = first.height * first.width * channels;
  for (let i = 0; i < entries.length; i++) {
    const img = i === 0 ? first : readImage(entries[i].file);
    if (img.width !== first.width || img.height !== first.height)
      throw dataError(
        entries[i].file,
        {},
        `image is ${img.width}×${img.height}, expected ${first.width}×${first.height} like ${entries[0].file}`,
      );
    entry.pixels.set(img.rgb, i * imageSize);
    entry.labels[i] = entries[i].label;
    entry.parts[i] = entries[i].part;
    if ((i + 1) % 256 === 0 || i + 1 === entries.length) {
      progress({ phase: 'decoding', done: i + 1, total: entries.length });
      await yieldToEventLoop();
    }
  }
  await saveCacheEntry(at, entry.buffer, progress);
  const splits = await fillSplits(
    entries.length,
    imageSize,
    channels,
    entry.labels,
    entry.parts,
    collection.classNames.length,
    seed,
    async (f, n) => entry.pixels.subarray(f * imageSize, (f + n) * imageSize),
  );
  return finish(collection, [first.height, first.width, channels], splits);
}

function finish(
  collection: ImageCollection,
  inputShape: number[],
  splits: { train: Split; test: Split },
): RawDataset {
  return {
    name: collection.name,
    kind: collection.kind,
    classNames: collection.classNames,
    inputShape,
    train: splits.train,
    test: splits.test,
    affinityPresets: collection.affinityPresets,
    isImage: true,
  };
}

/** Copies the images chunk by chunk, each straight into its slot in its split. */
async function fillSplits(
  count: number,
  imageSize: number,
  channels: number,
  labels: Int32Array,
  parts: Uint8Array,
  classes: number,
  seed: number,
  readChunk: (first: number, n: number) => Promise<Uint8Array>,
): Promise<{ train: Split; test: Split }> {
  const resolved = Uint8Array.from(parts);
  const unsplit: number[] = [];
  for (let i = 0; i < count; i++) if (resolved[i] === 2) unsplit.push(i);
  if (unsplit.length > 0) {
    const sub = stratifiedSplit(
      Int32Array.from(unsplit, (i) => labels[i]),
      classes,
      TRAIN_FRACTION,
      seed,
    );
    unsplit.forEach((i, k) => (resolved[i] = sub[k]));
  }
  const slot = new Int32Array(count);
  let nTrain = 0;
  let nTest = 0;
  for (let i = 0; i < count; i++) slot[i] = resolved[i] === 0 ? nTrain++ : nTest++;
  const trainBytes = new Uint8Array(nTrain * imageSize);
  const testBytes = new Uint8Array(nTest * imageSize);
  const trainY = new Int32Array(nTrain);
  const testY = new Int32Array(nTest);
  for (let firstImage = 0; firstImage < count; firstImage += CHUNK_IMAGES) {
    const n = Math.min(CHUNK_IMAGES, count - firstImage);
    const bytes = await readChunk(firstImage, n);
    for (let k = 0; k < n; k++) {
      const i = firstImage + k;
      const isTrain = resolved[i] === 0;
      (isTrain ? trainY : testY)[slot[i]] = labels[i];
      const image = bytes.subarray(k * imageSize, (k + 1) * imageSize);
      (isTrain ? trainBytes : testBytes).set(image, slot[i] * imageSize);
    }
  }
  return {
    train: { n: nTrain, x: byteImages(trainBytes, channels), y: trainY },
    test: { n: nTest, x: byteImages(testBytes, channels), y: testY },
  };
}
