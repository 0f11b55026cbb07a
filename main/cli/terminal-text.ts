/**
 * Everything the CLI prints that came from a file or a user (run names, paths, error messages)
 * goes through here, so a name holding an escape sequence or a newline cannot change the
 * terminal's title or fake a row of `relaxcert runs`.
 */
import { escapeControlCharacters } from '../../shared/control-characters.ts';

export function terminalText(text: string): string {
  return escapeControlCharacters(text);
}
