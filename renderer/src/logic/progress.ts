/** Epoch progress bar figures: fraction done of the whole run and an estimate of time left. */
import type { BatchProgress } from '../../../shared/api/run-types.ts';

export interface ProgressView {
  epochFraction: number; // 0..1 within the current epoch
  runFraction: number; // 0..1 over all epochs
  secondsLeft: number | undefined;
  label: string;
}

export function progressView(
  p: BatchProgress,
  totalEpochs: number,
  batchSize: number,
): ProgressView {
  const bpe = Math.max(1, p.batchesPerEpoch);
  const epochFraction = Math.min(1, (p.batch + 1) / bpe);
  const totalBatches = bpe * Math.max(1, totalEpochs);
  const doneBatches = p.epoch * bpe + p.batch + 1;
  const runFraction = Math.min(1, doneBatches / totalBatches);
  const leftSamples = Math.max(0, totalBatches - doneBatches) * batchSize;
  const secondsLeft = p.samplesPerSecond > 0 ? leftSamples / p.samplesPerSecond : undefined;
  return {
    epochFraction,
    runFraction,
    secondsLeft,
    label: `epoch ${p.epoch + 1}/${totalEpochs} · batch ${p.batch + 1}/${bpe}`,
  };
}

export function formatDuration(seconds: number | undefined): string {
  if (seconds === undefined || !Number.isFinite(seconds)) return '—';
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${s % 60} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}
