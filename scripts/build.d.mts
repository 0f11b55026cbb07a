export const NODE_ENTRIES: Record<string, string>;
export function buildAll(options?: { renderer?: boolean }): Promise<void>;
