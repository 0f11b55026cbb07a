/**
 * Turns anything an API call can throw into one readable sentence for the UI. The error's
 * `field` (an API argument such as runId, or a config path) is for code: the form shows config
 * errors beside their field, and an argument name means nothing to a reader, so it is never
 * appended to the sentence.
 */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as Error & { code?: unknown }).code;
    const prefix = typeof code === 'string' && code !== 'INTERNAL' ? '' : 'Unexpected error: ';
    return `${prefix}${error.message}`;
  }
  if (typeof error === 'object' && error !== null && 'message' in error) {
    return String((error as { message: unknown }).message);
  }
  return String(error);
}
