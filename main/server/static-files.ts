/** Serves the built renderer from one folder; paths cannot leave it. */
import { createReadStream, existsSync, statSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.wasm': 'application/wasm',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/** out/renderer of the package this file belongs to. */
export function defaultStaticDir(): string {
  return fileURLToPath(new URL('../../out/renderer', import.meta.url));
}

export const NOT_BUILT_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>RelaxCert</title></head>
<body><h1>RelaxCert</h1><p>renderer not built: run npm run build:renderer</p></body></html>
`;

/** Resolves a URL path to a file in `root`, or undefined (missing or outside the root). */
export function resolveStatic(root: string, urlPath: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0')) return undefined;
  const base = resolve(root);
  const target = resolve(base, `.${normalize(`/${decoded}`)}`);
  if (target !== base && !target.startsWith(base + sep)) return undefined;
  let file = target;
  if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
  if (existsSync(file) && statSync(file).isFile()) return file;
  // Client-side routes (no extension) get the app's index page.
  if (extname(decoded) === '') {
    const index = join(base, 'index.html');
    if (existsSync(index)) return index;
  }
  return undefined;
}

export function sendFile(res: ServerResponse, file: string, headers: Record<string, string>): void {
  const type = TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
  res.writeHead(200, {
    ...headers,
    'Content-Type': type,
    'Content-Length': String(statSync(file).size),
    'Cache-Control': type.startsWith('text/html') ? 'no-store' : 'no-cache',
  });
  createReadStream(file).pipe(res);
}

export function staticRootExists(root: string): boolean {
  return existsSync(join(root, 'index.html'));
}
