/**
 * metrics.jsonl: one EpochMetrics object a line. Each line is appended with a single write on
 * an O_APPEND descriptor, so a crash leaves at worst one torn final line; the reader ignores a
 * last line without its newline, and `repairMetrics` cuts it off before new lines are appended.
 */
import { appendFile, open, readFile, truncate } from 'node:fs/promises';
import type { EpochMetrics } from '../../shared/api/run-types.ts';
import { writeFileAtomic } from './atomic-write.ts';

/**
 * Field names of runs written before the estimates were named as such (the same figures: the
 * power-iteration estimates of the epoch). Mapped here, where a line is read, and nowhere else.
 */
const LEGACY_NAMES: Readonly<Record<string, keyof EpochMetrics>> = {
  vra: 'estimatedStandardVra',
  rtkVra: 'estimatedGuaranteeVra',
  affinityVra: 'estimatedGuaranteeVra',
  rejectionRate: 'estimatedRejectionRate',
  lipschitz: 'estimatedLipschitz',
};

/** One parsed metrics object (a log line, a checkpoint's copy) under today's names. */
export function epochMetricsFrom(value: object): EpochMetrics {
  const out: Record<string, unknown> = { ...value };
  for (const [old, name] of Object.entries(LEGACY_NAMES)) {
    if (!(old in out)) continue;
    if (!(name in out)) out[name] = out[old];
    delete out[old];
  }
  return out as unknown as EpochMetrics;
}

export async function appendMetrics(file: string, metrics: EpochMetrics): Promise<void> {
  // One string → one write(2) with O_APPEND: never interleaved with another line.
  await appendFile(file, `${JSON.stringify(metrics)}\n`, { encoding: 'utf8', flag: 'a' });
}

/**
 * Complete lines only, in file order; a torn or unparsable line ends the log. Lines of older
 * runs come back under today's field names (epochMetricsFrom).
 */
export function parseMetrics(text: string): { metrics: EpochMetrics[]; validBytes: number } {
  const metrics: EpochMetrics[] = [];
  let start = 0;
  let validBytes = 0;
  for (;;) {
    const nl = text.indexOf('\n', start);
    if (nl < 0) break;
    const line = text.slice(start, nl);
    start = nl + 1;
    if (line.trim() === '') {
      validBytes = Buffer.byteLength(text.slice(0, start), 'utf8');
      continue;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      break;
    }
    if (
      typeof parsed !== 'object' ||
      parsed === null ||
      typeof (parsed as EpochMetrics).epoch !== 'number'
    ) {
      break;
    }
    metrics.push(epochMetricsFrom(parsed));
    validBytes = Buffer.byteLength(text.slice(0, start), 'utf8');
  }
  return { metrics, validBytes };
}

/** The log's text; undefined when the run has none yet. */
async function readLog(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

export async function readMetrics(file: string): Promise<EpochMetrics[]> {
  const text = await readLog(file);
  return text === undefined ? [] : parseMetrics(text).metrics;
}

/** Cuts a torn tail off, so the next append starts on a fresh line. Returns the kept metrics. */
export async function repairMetrics(file: string): Promise<EpochMetrics[]> {
  const text = await readLog(file);
  if (text === undefined) return [];
  const { metrics, validBytes } = parseMetrics(text);
  if (validBytes !== Buffer.byteLength(text, 'utf8')) await truncateDurably(file, validBytes);
  return metrics;
}

/** Keeps the lines of epochs ≤ `epoch` (used on resume from a checkpoint of that epoch). */
export async function truncateMetricsToEpoch(file: string, epoch: number): Promise<EpochMetrics[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const { metrics } = parseMetrics(text);
  let keep = 0;
  let bytes = 0;
  for (const m of metrics) {
    if (m.epoch > epoch) break;
    keep++;
    bytes += Buffer.byteLength(`${JSON.stringify(m)}\n`, 'utf8');
  }
  const kept = metrics.slice(0, keep);
  // Lines were written by JSON.stringify, so re-serialising reproduces their bytes; when it
  // would not (hand-edited file), rewrite rather than cut at a wrong offset.
  const prefix = kept.map((m) => `${JSON.stringify(m)}\n`).join('');
  if (text.startsWith(prefix)) {
    if (bytes !== Buffer.byteLength(text, 'utf8')) await truncateDurably(file, bytes);
  } else {
    await writeFileAtomic(file, prefix);
  }
  return kept;
}

async function truncateDurably(file: string, length: number): Promise<void> {
  await truncate(file, length);
  const handle = await open(file, 'r+');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
