/**
 * Guards on every WebContents the app creates: no navigation away from the app, no new windows,
 * no <webview>, no permissions; http(s) links open in the user's browser only after they
 * confirm. Electron's objects are described by the members used, so tests inject fakes.
 */
import { externalLinkDecision, isAppUrl } from './navigation-policy.ts';

export interface PreventableEvent {
  preventDefault(): void;
}

export interface GuardedContents {
  on(event: 'will-navigate', listener: (event: PreventableEvent, url: string) => void): unknown;
  on(event: 'will-redirect', listener: (event: PreventableEvent, url: string) => void): unknown;
  on(event: 'will-attach-webview', listener: (event: PreventableEvent) => void): unknown;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void;
}

export interface GuardActions {
  /** Asks the user whether to open `url` in their browser. */
  confirmExternal(url: string): Promise<boolean>;
  openExternal(url: string): Promise<void>;
}

export function offerExternal(url: string, actions: GuardActions): void {
  const decision = externalLinkDecision(url);
  if (decision.action !== 'confirm') return;
  void actions
    .confirmExternal(decision.url)
    .then((yes) => (yes ? actions.openExternal(decision.url) : undefined))
    .catch(() => {});
}

export function guardWebContents(contents: GuardedContents, actions: GuardActions): void {
  const leave = (event: PreventableEvent, url: string) => {
    if (isAppUrl(url)) return;
    event.preventDefault();
    offerExternal(url, actions);
  };
  contents.on('will-navigate', leave);
  contents.on('will-redirect', leave);
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    offerExternal(url, actions);
    return { action: 'deny' };
  });
}
