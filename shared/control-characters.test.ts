import { describe, expect, it } from 'vitest';
import { escapeControlCharacters, findControlCharacter } from './control-characters.ts';

describe('control characters', () => {
  it('finds escapes, newlines, DEL, C1 and bidi overrides, and nothing in plain text', () => {
    expect(findControlCharacter('run \u001b]0;pwned\u0007')).toBe('U+001B');
    expect(findControlCharacter('a\nb')).toBe('U+000A');
    expect(findControlCharacter('x\u007f')).toBe('U+007F');
    expect(findControlCharacter('x\u009b')).toBe('U+009B');
    expect(findControlCharacter('abc\u202egpj.exe')).toBe('U+202E');
    expect(findControlCharacter('Blobs — RT3, ε = 0.3 (日本)')).toBeUndefined();
  });

  it('escapes them visibly so the text stays on one line', () => {
    const shown = escapeControlCharacters('a\u001b[2Jb\nc\td\u202e');
    expect(shown).toBe('a\\x1b[2Jb\\nc\\td\\u202e');
    expect(findControlCharacter(shown)).toBeUndefined();
  });
});
