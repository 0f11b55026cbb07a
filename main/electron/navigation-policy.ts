/**
 * What the window may load: only our app's pages. Links elsewhere never open inside the app;
 * http(s) links may open in the user's browser after they confirm, every other scheme is
 * dropped (file:, javascript:, custom protocol handlers, ...).
 */
import { rendererCsp } from '../../shared/api/renderer-csp.ts';

export const APP_SCHEME = 'relaxcert';
export const APP_HOST = 'app';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_URL = `${APP_ORIGIN}/index.html`;

export function isAppUrl(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  return parsed.protocol === `${APP_SCHEME}:` && parsed.host === APP_HOST;
}

export type ExternalDecision = { action: 'deny' } | { action: 'confirm'; url: string };

/** For links that try to leave the app (navigation or window.open). */
export function externalLinkDecision(url: string): ExternalDecision {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { action: 'deny' };
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return { action: 'deny' };
  if (parsed.username !== '' || parsed.password !== '') return { action: 'deny' };
  return { action: 'confirm', url: parsed.href };
}

/** The Content-Security-Policy of the app's pages. */
export const APP_CSP = rendererCsp();
