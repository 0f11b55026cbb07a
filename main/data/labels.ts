/**
 * Class names for readers whose files carry only ids or only names: `options.classNames`
 * ("a,b,c") wins; otherwise ids 0..k−1 get "class i".
 */
export function classNamesFromOption(
  option: string | number | boolean | undefined,
  count: number,
): string[] {
  if (typeof option === 'string' && option.trim() !== '') {
    const names = option.split(',').map((s) => s.trim());
    if (names.length >= count) return names;
  }
  return Array.from({ length: count }, (_, i) => `class ${i}`);
}
