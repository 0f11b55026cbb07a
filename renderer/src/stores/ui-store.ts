/**
 * Navigation, theme and the global message list. Navigation is kept in the URL hash
 * (#/runs, #/training/<id>, ...) so views survive a reload and the back button works, without
 * a router dependency.
 */
import { defineStore } from 'pinia';
import { ref, watch } from 'vue';
import { parseRoute, formatRoute, type Route } from '../logic/route.ts';

export type Theme = 'light' | 'dark';

export interface Notice {
  id: number;
  kind: 'error' | 'info';
  text: string;
}

export const useUiStore = defineStore('ui', () => {
  const route = ref<Route>({ view: 'runs' });
  const theme = ref<Theme>('light');
  const notices = ref<Notice[]>([]);
  let nextId = 1;

  function navigate(next: Route): void {
    route.value = next;
  }

  function notify(kind: Notice['kind'], text: string): void {
    notices.value = [...notices.value.slice(-4), { id: nextId++, kind, text }];
  }

  function dismiss(id: number): void {
    notices.value = notices.value.filter((n) => n.id !== id);
  }

  function toggleTheme(): void {
    theme.value = theme.value === 'light' ? 'dark' : 'light';
  }

  /** Binds the route to location.hash and the theme to <html data-theme>. Browser only. */
  function bindToWindow(win: Window): void {
    const stored = win.localStorage?.getItem('relaxcert.theme');
    if (stored === 'light' || stored === 'dark') theme.value = stored;
    else if (win.matchMedia?.('(prefers-color-scheme: dark)').matches) theme.value = 'dark';
    route.value = parseRoute(win.location.hash);
    win.addEventListener('hashchange', () => {
      route.value = parseRoute(win.location.hash);
    });
    watch(
      route,
      (r) => {
        const hash = formatRoute(r);
        if (win.location.hash !== hash) win.history.pushState(null, '', hash + '');
      },
      { deep: true },
    );
    watch(
      theme,
      (t) => {
        win.document.documentElement.dataset.theme = t;
        win.localStorage?.setItem('relaxcert.theme', t);
      },
      { immediate: true },
    );
  }

  return { route, theme, notices, navigate, notify, dismiss, toggleTheme, bindToWindow };
});
