/** Text output of the CLI: percentages, tables, the progress bar. */
import type { BatchProgress } from '../../shared/api/run-types.ts';
import { terminalText } from './terminal-text.ts';

export function pct(x: number | undefined): string {
  return x === undefined ? '-' : `${(100 * x).toFixed(1)}%`;
}

/** Cells are escaped: a name from a run folder must not carry a newline or a terminal escape. */
export function table(header: string[], cells: string[][]): string {
  const rows = cells.map((r) => r.map(terminalText));
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n') + '\n';
}

export function progressBar(p: BatchProgress, epochs: number, width = 24): string {
  const done = (p.batch + 1) / p.batchesPerEpoch;
  const filled = Math.round(done * width);
  return (
    `epoch ${p.epoch + 1}/${epochs} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ` +
    `${Math.round(done * 100)}% loss ${p.loss.toFixed(4)} ${Math.round(p.samplesPerSecond)} samples/s`
  );
}
