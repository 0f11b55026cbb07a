/** Security of the browser server: token, Host and Origin checks, static files, CSP. */
import { request } from 'node:http';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { decodeMessage, encodeMessage } from '../../shared/api/codec.ts';
import { createWsClient } from '../../shared/api/ws-client.ts';
import type { WebSocketConstructor } from '../../shared/api/ws-client.ts';
import { fakeDeps } from '../host/testing/fake-deps.ts';
import { WorkbenchHost } from '../host/workbench-host.ts';
import { RunStore } from '../store/run-store.ts';
import { startWorkbenchServer } from './workbench-server.ts';
import type { RunningServer } from './workbench-server.ts';

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function http(
  server: RunningServer,
  path: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: server.port,
        path,
        method: options.method ?? 'GET',
        headers: options.headers,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

/** Opens a socket; resolves 'open' or the HTTP status of the refusal. */
function socketStatus(url: string, headers: Record<string, string> = {}): Promise<number | 'open'> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.on('open', () => {
      ws.close();
      resolve('open');
    });
    ws.on('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.on('error', (e) => reject(e));
  });
}

describe('browser server security', () => {
  let home: string;
  let staticDir: string;
  let host: WorkbenchHost;
  let server: RunningServer;

  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'relaxcert-server-'));
    staticDir = join(home, 'renderer');
    await mkdir(join(staticDir, 'assets'), { recursive: true });
    await writeFile(join(staticDir, 'index.html'), '<!doctype html><title>app</title>');
    await writeFile(join(staticDir, 'assets', 'app.js'), 'console.log(1)');
    await writeFile(join(home, 'secret.txt'), 'secret');
    host = new WorkbenchHost(fakeDeps(await RunStore.open(join(home, 'store'))));
    server = await startWorkbenchServer({ api: host, staticDir });
  });

  afterAll(async () => {
    await server.close();
    await host.close();
    await rm(home, { recursive: true, force: true });
  });

  const api = (token?: string, headers: Record<string, string> = {}) =>
    http(server, `/api/getInfo${token === undefined ? '' : `?token=${token}`}`, {
      method: 'POST',
      headers,
      body: '[]',
    });

  it('prints a 127.0.0.1 URL with a fresh random token', async () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/?token=${server.token}`);
    expect(server.token.length).toBeGreaterThanOrEqual(32);
    const other = await startWorkbenchServer({ api: host, staticDir });
    try {
      expect(other.token).not.toBe(server.token);
      expect(other.port).not.toBe(server.port);
    } finally {
      await other.close();
    }
  });

  it('binds to the loopback address only', async () => {
    // The listening socket's address: nothing on other interfaces.
    const { networkInterfaces } = await import('node:os');
    const external = Object.values(networkInterfaces())
      .flat()
      .find((a) => a && a.family === 'IPv4' && !a.internal);
    if (external) {
      const r = await new Promise<string>((resolve) => {
        const req = request({ host: external.address, port: server.port, path: '/' }, () =>
          resolve('answered'),
        );
        req.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
        req.end();
      });
      expect(r).toBe('ECONNREFUSED');
    }
  });

  it('answers API calls only with the token (401 without or with a wrong one)', async () => {
    expect((await api()).status).toBe(401);
    expect((await api('wrong')).status).toBe(401);
    const ok = await api(server.token);
    expect(ok.status).toBe(200);
    expect((decodeMessage(ok.body) as { result: { home: string } }).result.home).toBe(
      join(home, 'store'),
    );
    const bearer = await api(undefined, { Authorization: `Bearer ${server.token}` });
    expect(bearer.status).toBe(200);
  });

  it('maps API errors to status codes and keeps the error info', async () => {
    const r = await http(server, `/api/getRun?token=${server.token}`, {
      method: 'POST',
      body: encodeMessage(['20200101-000000-abcdef']),
    });
    expect(r.status).toBe(404);
    expect((decodeMessage(r.body) as { error: { code: string } }).error.code).toBe('NOT_FOUND');
    const unknown = await http(server, `/api/onEvent?token=${server.token}`, {
      method: 'POST',
      body: '[]',
    });
    expect(unknown.status).toBe(400);
    const constructor = await http(server, `/api/constructor?token=${server.token}`, {
      method: 'POST',
      body: '[]',
    });
    expect(constructor.status).toBe(400);
  });

  it('refuses foreign Host headers (DNS rebinding) with 403, even with the token', async () => {
    const r = await api(server.token, { Host: `evil.example:${server.port}` });
    expect(r.status).toBe(403);
    const page = await http(server, '/', { headers: { Host: 'evil.example' } });
    expect(page.status).toBe(403);
    expect((await api(server.token, { Host: `localhost:${server.port}` })).status).toBe(200);
  });

  it('refuses foreign Origin headers with 403', async () => {
    expect((await api(server.token, { Origin: 'http://evil.example' })).status).toBe(403);
    expect((await api(server.token, { Origin: 'null' })).status).toBe(403);
    expect((await api(server.token, { Origin: `http://127.0.0.1:${server.port}` })).status).toBe(
      200,
    );
  });

  it('guards the WebSocket the same way', async () => {
    const base = `ws://127.0.0.1:${server.port}/ws`;
    expect(await socketStatus(base)).toBe(401);
    expect(await socketStatus(`${base}?token=nope`)).toBe(401);
    expect(
      await socketStatus(`${base}?token=${server.token}`, { Origin: 'http://evil.example' }),
    ).toBe(403);
    expect(await socketStatus(`${base}?token=${server.token}`, { Host: 'rebound.example' })).toBe(
      403,
    );
    expect(await socketStatus(`ws://127.0.0.1:${server.port}/other?token=${server.token}`)).toBe(
      403,
    );
    expect(
      await socketStatus(`${base}?token=${server.token}`, {
        Origin: `http://127.0.0.1:${server.port}`,
      }),
    ).toBe('open');
  });

  it('the WebSocket client reports a refused token as UNAUTHORIZED', async () => {
    const client = createWsClient({
      url: `ws://127.0.0.1:${server.port}/ws`,
      token: 'not-the-token',
      WebSocket: WebSocket as unknown as WebSocketConstructor,
    });
    await expect(client.ready).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    await expect(client.getInfo()).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
  });

  it('the WebSocket client rejects calls in flight when the server goes away', async () => {
    const stuck = Object.assign(Object.create(host) as WorkbenchHost, {
      getInfo: () => new Promise<never>(() => {}),
    });
    const other = await startWorkbenchServer({ api: stuck, staticDir });
    const client = createWsClient({
      url: `ws://127.0.0.1:${other.port}/ws`,
      token: other.token,
      WebSocket: WebSocket as unknown as WebSocketConstructor,
    });
    await client.ready;
    const call = client.getInfo();
    await other.close();
    await expect(call).rejects.toMatchObject({ code: 'INTERNAL' });
    await expect(client.listRuns()).rejects.toThrow(/closed/);
  });

  it('serves the renderer with a strict CSP and never outside its folder', async () => {
    const page = await http(server, '/');
    expect(page.status).toBe(200);
    expect(page.body).toContain('<title>app</title>');
    const csp = String(page.headers['content-security-policy']);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain("'unsafe-eval'");
    const p = server.port;
    expect(csp).toContain(`connect-src 'self' ws://127.0.0.1:${p} ws://localhost:${p};`);
    expect(page.headers['referrer-policy']).toBe('no-referrer');
    const js = await http(server, '/assets/app.js');
    expect(js.headers['content-type']).toContain('text/javascript');
    // Client-side routes fall back to the app; traversal does not escape.
    expect((await http(server, '/runs/123')).body).toContain('<title>app</title>');
    for (const path of ['/../secret.txt', '/%2e%2e/secret.txt', '/assets/..%2f..%2fsecret.txt']) {
      const r = await http(server, path);
      expect(r.body).not.toContain('secret');
    }
    expect((await http(server, '/missing.js')).status).toBe(404);
  });

  it('says the renderer is not built when its folder is missing', async () => {
    const bare = await startWorkbenchServer({ api: host, staticDir: join(home, 'none') });
    try {
      const r = await http(bare, '/');
      expect(r.status).toBe(200);
      expect(r.body).toContain('renderer not built: run npm run build:renderer');
    } finally {
      await bare.close();
    }
  });
});
