import { describe, expect, it } from 'vitest';
import { formatRoute, parseRoute } from './route.ts';

describe('route', () => {
  it('round-trips views with and without a run id', () => {
    for (const r of [{ view: 'runs' }, { view: 'points', runId: 'run 1/x' }] as const) {
      expect(parseRoute(formatRoute(r))).toEqual(r);
    }
  });
  it('falls back to the runs view on unknown hashes', () => {
    expect(parseRoute('#/nope/1')).toEqual({ view: 'runs' });
    expect(parseRoute('')).toEqual({ view: 'runs' });
  });
});
