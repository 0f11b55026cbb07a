/**
 * DATA_FORMAT errors always say which file and where in it (line, record or byte offset), so the
 * user can open the file at the right place.
 */
import { RelaxCertError } from '../../shared/errors.ts';

export type Position =
  | { line: number; column?: number }
  | { record: number; offset?: number }
  | { offset: number }
  | Record<string, never>;

function describe(pos: Position): string {
  if ('line' in pos)
    return pos.column === undefined ? `line ${pos.line}` : `line ${pos.line}, column ${pos.column}`;
  if ('record' in pos)
    return pos.offset === undefined
      ? `record ${pos.record}`
      : `record ${pos.record} (byte offset ${pos.offset})`;
  if ('offset' in pos) return `byte offset ${pos.offset}`;
  return '';
}

export function dataError(file: string, pos: Position, message: string): RelaxCertError {
  const where = describe(pos);
  return new RelaxCertError('DATA_FORMAT', `${file}${where ? `: ${where}` : ''}: ${message}`, {
    file,
    ...('line' in pos ? { line: pos.line } : {}),
  });
}
