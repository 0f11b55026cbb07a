/** Bundles preload/preload.ts to CommonJS; resolves to the written file. */
export function buildPreload(outfile?: string): Promise<string>;
