/**
 * The browser server's guards. It binds 127.0.0.1, but any web page the user visits can still
 * send requests there, and a DNS-rebinding page can even make them same-origin under its own
 * host name. Hence: a per-launch random token on every API request and socket, and only our
 * own Host and Origin accepted.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { rendererCsp } from '../../shared/api/renderer-csp.ts';

export function newToken(): string {
  return randomBytes(24).toString('base64url');
}

export function allowedHosts(port: number): string[] {
  return [`127.0.0.1:${port}`, `localhost:${port}`];
}

export type Verdict = { ok: true } | { ok: false; status: 401 | 403; reason: string };

/** Host must name us (DNS rebinding); Origin, when a browser sends one, must be ours. */
export function checkHostAndOrigin(req: IncomingMessage, port: number): Verdict {
  const hosts = allowedHosts(port);
  const host = req.headers.host;
  if (host === undefined || !hosts.includes(host.toLowerCase())) {
    return { ok: false, status: 403, reason: `foreign Host header '${host ?? ''}'` };
  }
  const origin = req.headers.origin;
  if (origin !== undefined && !hosts.some((h) => origin.toLowerCase() === `http://${h}`)) {
    return { ok: false, status: 403, reason: `foreign Origin '${origin}'` };
  }
  return { ok: true };
}

/** The token from `Authorization: Bearer …` or the `token` query parameter. */
export function requestToken(req: IncomingMessage, url: URL): string | undefined {
  const auth = req.headers.authorization;
  if (auth !== undefined && auth.startsWith('Bearer ')) return auth.slice(7).trim();
  return url.searchParams.get('token') ?? undefined;
}

export function tokenMatches(given: string | undefined, expected: string): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function checkToken(req: IncomingMessage, url: URL, token: string): Verdict {
  return tokenMatches(requestToken(req, url), token)
    ? { ok: true }
    : { ok: false, status: 401, reason: 'missing or wrong token' };
}

/** CSP of every page we serve: the renderer's, with sockets back to this server. */
export function contentSecurityPolicy(port: number): string {
  return rendererCsp(allowedHosts(port).map((h) => `ws://${h}`));
}

export const SECURITY_HEADERS: Record<string, string> = {
  'X-Content-Type-Options': 'nosniff',
  // The page URL carries the token: never send it on to anyone.
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
};
