/**
 * Characters that must never reach a terminal or a one-line field unescaped: C0 and C1 controls
 * (ESC starts terminal escape sequences; CR and LF fake new rows), DEL, and the Unicode
 * bidirectional overrides and isolates that reorder what a reader sees.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/;
// eslint-disable-next-line no-control-regex -- as above, every occurrence
const CONTROL_ALL = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** The first control character of `text` as `U+001B`, or undefined when there is none. */
export function findControlCharacter(text: string): string | undefined {
  const match = CONTROL.exec(text);
  if (match === null) return undefined;
  return `U+${match[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
}

/** `text` with every control character written as a visible escape (\n, \t, \x1b, \u202e). */
export function escapeControlCharacters(text: string): string {
  return text.replace(CONTROL_ALL, (c) => {
    if (c === '\n') return '\\n';
    if (c === '\r') return '\\r';
    if (c === '\t') return '\\t';
    const code = c.charCodeAt(0);
    return code <= 0xff
      ? `\\x${code.toString(16).padStart(2, '0')}`
      : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}
