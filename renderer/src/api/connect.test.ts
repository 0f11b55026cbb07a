import { describe, expect, it } from 'vitest';
import { connectWorkbench, socketUrl } from './connect.ts';
import { isProxy, reactive } from 'vue';
import { fakeApi, makeRun } from '../testing/fixtures.ts';

describe('connectWorkbench', () => {
  const location = { protocol: 'http:', host: '127.0.0.1:5000', search: '' };

  it('prefers the Electron bridge and hands it plain arguments', async () => {
    const bridge = fakeApi({ renameRun: (id: never, name: never) => makeRun(id, { name }) });
    const api = await connectWorkbench({ location, relaxcert: bridge });
    const run = await api.renameRun('r1', 'new name');
    expect(run.name).toBe('new name');
    const spec = reactive({ kind: 'blobs-2d' as const });
    await api.getThumbnail(spec, 'test', 3).catch(() => undefined);
    expect(bridge.calls.map((c) => c.method)).toEqual(['renameRun', 'getThumbnail']);
    expect(isProxy(bridge.calls[1].args[0])).toBe(false);
    expect(bridge.calls[1].args[0]).toEqual({ kind: 'blobs-2d' });
  });

  it('explains what to open when the token is missing', async () => {
    await expect(connectWorkbench({ location })).rejects.toThrow(/\?token=/);
  });

  it('derives the socket URL from the page address', () => {
    expect(socketUrl(location)).toBe('ws://127.0.0.1:5000/ws');
    expect(socketUrl({ ...location, protocol: 'https:' })).toBe('wss://127.0.0.1:5000/ws');
  });
});
