/** Turns anything an API call can throw into one readable sentence for the UI. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as Error & { code?: unknown }).code;
    const field = (error as Error & { field?: unknown }).field;
    const prefix = typeof code === 'string' && code !== 'INTERNAL' ? '' : 'Unexpected error: ';
    const where = typeof field === 'string' && !error.message.includes(field) ? ` (${field})` : '';
    return `${prefix}${error.message}${where}`;
  }
  if (typeof error === 'object' && error !== null && 'message' in error) {
    return String((error as { message: unknown }).message);
  }
  return String(error);
}
