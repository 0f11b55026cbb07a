/**
 * The app's pages come from `relaxcert://app/…`, served from the built renderer folder with the
 * strict CSP as a real response header (file:// pages get no headers and a permissive origin).
 * Pure resolution here; electron-main.ts turns the result into a Response.
 */
import { extname } from 'node:path';
import { NOT_BUILT_PAGE, resolveStatic, staticRootExists } from '../server/static-files.ts';
import { APP_CSP, isAppUrl } from './navigation-policy.ts';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.wasm': 'application/wasm',
  '.woff2': 'font/woff2',
};

export type AppResponse =
  | { status: 200; headers: Record<string, string>; file: string }
  | { status: 200 | 404; headers: Record<string, string>; body: string };

export function resolveAppRequest(url: string, staticDir: string): AppResponse {
  const headers = {
    'Content-Security-Policy': APP_CSP,
    'X-Content-Type-Options': 'nosniff',
  };
  if (!isAppUrl(url)) {
    return {
      status: 404,
      headers: { ...headers, 'Content-Type': 'text/plain' },
      body: 'not found',
    };
  }
  if (!staticRootExists(staticDir)) {
    return {
      status: 200,
      headers: { ...headers, 'Content-Type': 'text/html; charset=utf-8' },
      body: NOT_BUILT_PAGE,
    };
  }
  const file = resolveStatic(staticDir, new URL(url).pathname);
  if (file === undefined) {
    return {
      status: 404,
      headers: { ...headers, 'Content-Type': 'text/plain' },
      body: 'not found',
    };
  }
  const type = TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
  return { status: 200, headers: { ...headers, 'Content-Type': type }, file };
}
