/** The views of the workbench and their URL-hash form. */
export type ViewName = 'runs' | 'new' | 'training' | 'affinity' | 'points';

export interface Route {
  view: ViewName;
  /** The run a run-specific view shows. */
  runId?: string;
}

const VIEWS: readonly ViewName[] = ['runs', 'new', 'training', 'affinity', 'points'];

export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  const view = VIEWS.find((v) => v === parts[0]);
  if (!view) return { view: 'runs' };
  return parts[1] ? { view, runId: parts[1] } : { view };
}

export function formatRoute(route: Route): string {
  return route.runId ? `#/${route.view}/${encodeURIComponent(route.runId)}` : `#/${route.view}`;
}
