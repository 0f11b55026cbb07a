/**
 * The browser transport: node:http + ws on 127.0.0.1 only. Serves the built renderer, the
 * WorkbenchApi on `POST /api/<method>` (body: the argument list) and on the `/ws` socket
 * (requests, replies and pushed events), all encoded with shared/api/codec.ts.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { WebSocket } from 'ws';
import { decodeMessage, encodeMessage } from '../../shared/api/codec.ts';
import { checkWireRequest } from '../../shared/api/wire.ts';
import type { WireReply } from '../../shared/api/wire.ts';
import type { WorkbenchApi, WorkbenchEvent } from '../../shared/api/workbench-api.ts';
import { RelaxCertError, toErrorInfo } from '../../shared/errors.ts';
import { dispatchCall } from '../host/dispatch.ts';
import {
  checkHostAndOrigin,
  checkToken,
  contentSecurityPolicy,
  newToken,
  SECURITY_HEADERS,
} from './security.ts';
import type { Verdict } from './security.ts';
import {
  defaultStaticDir,
  NOT_BUILT_PAGE,
  resolveStatic,
  sendFile,
  staticRootExists,
} from './static-files.ts';

export interface ServerOptions {
  api: WorkbenchApi;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Folder of the built renderer (default: out/renderer of this package). */
  staticDir?: string;
  /** Fixed token (tests); a fresh random one otherwise. */
  token?: string;
}

export interface RunningServer {
  port: number;
  token: string;
  /** `http://127.0.0.1:P/?token=…`: what the user opens. */
  url: string;
  close(): Promise<void>;
}

/**
 * The largest request body or WebSocket message: API arguments are configs, ids and affinity
 * sets, a few kB. A larger body is refused with 413 as soon as its size is known, never held.
 */
export const MAX_BODY = 1024 * 1024;
/** After a 413, this much more of the refused body is read and dropped before the socket is cut,
 * so a client still sending gets to read the answer instead of a reset. */
const DRAIN_LIMIT = 16 * 1024 * 1024;

export async function startWorkbenchServer(options: ServerOptions): Promise<RunningServer> {
  const token = options.token ?? newToken();
  const staticDir = options.staticDir ?? defaultStaticDir();
  let port = options.port ?? 0;
  const sockets = new Set<WebSocket>();

  const server = createServer((req, res) => {
    handleHttp(req, res).catch((error: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { ok: false, error: toErrorInfo(error) });
      else res.destroy();
    });
  });
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_BODY });

  async function handleHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const guard = checkHostAndOrigin(req, port);
    if (!guard.ok) return refuse(res, guard);
    if (url.pathname.startsWith('/api/') || url.pathname === '/ws') {
      const auth = checkToken(req, url, token);
      if (!auth.ok) return refuse(res, auth);
      if (url.pathname === '/ws') {
        return sendJson(res, 426, {
          ok: false,
          error: { code: 'INVALID_INPUT', message: 'upgrade to a WebSocket' },
        });
      }
      return handleApi(req, res, url.pathname.slice('/api/'.length));
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { ...SECURITY_HEADERS, Allow: 'GET, HEAD' });
      res.end();
      return;
    }
    const headers = { ...SECURITY_HEADERS, 'Content-Security-Policy': contentSecurityPolicy(port) };
    if (!staticRootExists(staticDir)) {
      res.writeHead(url.pathname === '/' ? 200 : 404, {
        ...headers,
        'Content-Type': 'text/html; charset=utf-8',
        'Cache-Control': 'no-store',
      });
      res.end(NOT_BUILT_PAGE);
      return;
    }
    const file = resolveStatic(staticDir, url.pathname);
    if (file === undefined) {
      res.writeHead(404, { ...headers, 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('not found\n');
      return;
    }
    sendFile(res, file, headers);
  }

  async function handleApi(req: IncomingMessage, res: ServerResponse, method: string) {
    if (req.method !== 'POST') {
      res.writeHead(405, { ...SECURITY_HEADERS, Allow: 'POST' });
      res.end();
      return;
    }
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > MAX_BODY) return refuseBody(req, res);
    let params: unknown = [];
    try {
      const body = await readBody(req);
      if (body === undefined) return refuseBody(req, res);
      if (body.trim() !== '') params = decodeMessage(body);
    } catch (error) {
      const info =
        error instanceof RelaxCertError
          ? toErrorInfo(error)
          : {
              code: 'INVALID_INPUT' as const,
              message: `request body is not JSON: ${String(error)}`,
            };
      return sendJson(res, 400, { ok: false, error: info });
    }
    try {
      const result = await dispatchCall(options.api, method, params);
      sendJson(res, 200, { ok: true, result });
    } catch (error) {
      const info = toErrorInfo(error);
      sendJson(res, statusOf(info.code), { ok: false, error: info });
    }
  }

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const verdict: Verdict =
      url.pathname !== '/ws'
        ? { ok: false, status: 403, reason: 'no socket here' }
        : (() => {
            const g = checkHostAndOrigin(req, port);
            return g.ok ? checkToken(req, url, token) : g;
          })();
    if (!verdict.ok) {
      const text = verdict.status === 401 ? 'Unauthorized' : 'Forbidden';
      socket.end(
        `HTTP/1.1 ${verdict.status} ${text}\r\nConnection: close\r\nContent-Type: text/plain\r\n` +
          `Content-Length: ${Buffer.byteLength(verdict.reason)}\r\n\r\n${verdict.reason}`,
      );
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => onSocket(ws));
  });

  function onSocket(ws: WebSocket): void {
    sockets.add(ws);
    ws.on('close', () => sockets.delete(ws));
    ws.on('message', (data, isBinary) => {
      if (isBinary) return;
      void answer(ws, String(data));
    });
  }

  async function answer(ws: WebSocket, text: string): Promise<void> {
    let decoded: unknown;
    try {
      decoded = decodeMessage(text);
    } catch {
      return; // not even an id to answer to
    }
    const request = checkWireRequest(decoded);
    let reply: WireReply;
    if (typeof request === 'string') {
      const id = (decoded as { id?: unknown } | null)?.id;
      if (typeof id !== 'number') return;
      reply = { id, ok: false, error: { code: 'INVALID_INPUT', message: request } };
    } else {
      try {
        const result = await dispatchCall(options.api, request.method, request.params);
        reply = { id: request.id, ok: true, result };
      } catch (error) {
        reply = { id: request.id, ok: false, error: toErrorInfo(error) };
      }
    }
    if (ws.readyState === ws.OPEN) ws.send(encodeMessage(reply));
  }

  const unsubscribe = options.api.onEvent((event: WorkbenchEvent) => {
    if (sockets.size === 0) return;
    const text = encodeMessage({ event } satisfies WireReply);
    for (const ws of sockets) if (ws.readyState === ws.OPEN) ws.send(text);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    // 127.0.0.1 only: never reachable from another machine.
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('server has no port');
  port = address.port;

  return {
    port,
    token,
    url: `http://127.0.0.1:${port}/?token=${token}`,
    async close() {
      unsubscribe();
      for (const ws of sockets) ws.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function refuse(res: ServerResponse, verdict: Extract<Verdict, { ok: false }>): void {
  sendJson(res, verdict.status, {
    ok: false,
    error: { code: 'UNAUTHORIZED', message: verdict.reason },
  });
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = encodeMessage(body);
  res.writeHead(status, {
    ...SECURITY_HEADERS,
    'Content-Type': 'application/json; charset=utf-8',
    'Cache-Control': 'no-store',
    'Content-Length': String(Buffer.byteLength(text)),
  });
  res.end(text);
}

function statusOf(code: string): number {
  switch (code) {
    case 'NOT_FOUND':
      return 404;
    case 'CONFLICT':
      return 409;
    case 'UNAUTHORIZED':
      return 401;
    case 'PERMISSION_DENIED':
      return 403;
    case 'NO_SPACE':
      return 507; // Insufficient Storage: the request was fine, the disk is full
    case 'FILE_SYSTEM':
    case 'INTERNAL':
      return 500;
    default:
      return 400;
  }
}

/** The body as text, or undefined as soon as it grows past MAX_BODY (nothing more is kept). */
function readBody(req: IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        chunks.length = 0;
        req.off('data', onData);
        resolve(undefined);
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** 413, then the rest of the body is read and dropped (up to a limit) and the socket closed. */
function refuseBody(req: IncomingMessage, res: ServerResponse): void {
  let drained = 0;
  req.on('data', (chunk: Buffer) => {
    drained += chunk.length;
    if (drained > DRAIN_LIMIT) req.destroy();
  });
  req.on('error', () => {});
  req.resume();
  const text = encodeMessage({
    ok: false,
    error: {
      code: 'INVALID_INPUT',
      message: `request body is larger than ${MAX_BODY} bytes`,
    },
  });
  res.writeHead(413, {
    ...SECURITY_HEADERS,
    'Content-Type': 'application/json; charset=utf-8',
    'Cache-Control': 'no-store',
    'Content-Length': String(Buffer.byteLength(text)),
    Connection: 'close',
  });
  res.end(text);
}
