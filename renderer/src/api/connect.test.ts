import { describe, expect, it } from 'vitest';
import { connectWorkbench, socketUrl } from './connect.ts';
import { fakeApi } from '../test-support/fixtures.ts';

describe('connectWorkbench', () => {
  const location = { protocol: 'http:', host: '127.0.0.1:5000', search: '' };

  it('prefers the Electron bridge when the preload exposed it', async () => {
    const bridge = fakeApi();
    expect(await connectWorkbench({ location, relaxcert: bridge })).toBe(bridge);
  });

  it('explains what to open when the token is missing', async () => {
    await expect(connectWorkbench({ location })).rejects.toThrow(/\?token=/);
  });

  it('derives the socket URL from the page address', () => {
    expect(socketUrl(location)).toBe('ws://127.0.0.1:5000/ws');
    expect(socketUrl({ ...location, protocol: 'https:' })).toBe('wss://127.0.0.1:5000/ws');
  });
});
