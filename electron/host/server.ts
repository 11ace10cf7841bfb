/**
 * Browser mode: an HTTP server for the built renderer plus a WebSocket that carries the same
 * contract as Electron IPC, over the same IpcServer. Loopback by default; a random token,
 * printed in the URL, is required for the page (then kept in an HttpOnly cookie for its assets)
 * and for the socket; the Host header must be a loopback name (DNS rebinding) and WebSocket
 * upgrades from another origin are refused.
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { CoralError, toCoralError } from '../runtime/errors';
import type { Logger } from '../runtime/types';
import type { IpcServer } from '../ipc/handlers';
import type { IpcError } from '../ipc/contract-core';
import { Session } from '../ipc/session';
import { decodeMessage, encodeMessage, WS_PATH, type ServerMessage } from '../ipc/wire';
import { securityHeaders } from './csp';
import {
  allowedHosts,
  hostAllowed,
  newToken,
  originAllowed,
  readCookie,
  tokenMatches,
} from './security';
import { checkRendererDir, mimeType, resolveStaticPath } from './static';
import { sessionSecrets } from '../diagnostics/secrets';

export interface HostOptions {
  ipc: IpcServer;
  /** The built renderer (out/renderer). */
  rendererDir: string;
  /** Address to bind; 127.0.0.1 unless the user asks otherwise. */
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** Fixed token (tests); a random one per run otherwise. */
  token?: string;
  log?: Logger;
  /** Largest WebSocket message accepted (model uploads travel this way). */
  maxMessageBytes?: number;
}

export interface WebHost {
  /** The URL to open, token included. */
  url: string;
  origin: string;
  port: number;
  token: string;
  /** Open sockets (each is a Session). */
  readonly connections: number;
  close(): Promise<void>;
}

const DENIED_PAGE = `<!doctype html><meta charset="utf-8"><title>Coral Studio</title>
<p>This address needs the link printed by <code>coral serve</code> (it carries a token).
Copy the full URL from the terminal.</p>`;

export async function startHost(options: HostOptions): Promise<WebHost> {
  const root = checkRendererDir(options.rendererDir);
  const token = options.token ?? newToken();
  // Diagnostic reports scrub it wherever it shows up (a logged URL, a pasted link).
  sessionSecrets.add(token, 'token');
  const bindHost = options.host ?? '127.0.0.1';
  const log = options.log ?? options.ipc.log;
  const sessions = new Set<Session>();
  let allowed = new Set<string>();
  let cookieName = 'coral_token';

  const send = (
    res: http.ServerResponse,
    status: number,
    body: string,
    type = 'text/html; charset=utf-8',
  ) => {
    res.writeHead(status, {
      ...securityHeaders(),
      'Content-Type': type,
      'Cache-Control': 'no-store',
    });
    res.end(body);
  };

  const server = http.createServer((req, res) => {
    if (!hostAllowed(req.headers.host, allowed)) {
      return send(
        res,
        421,
        'Misdirected request: this server answers to its loopback address only.',
        'text/plain',
      );
    }
    if (req.method !== 'GET' && req.method !== 'HEAD')
      return send(res, 405, 'Method not allowed', 'text/plain');
    const url = new URL(req.url ?? '/', 'http://placeholder');
    const fromQuery = url.searchParams.get('token');
    const fromCookie = readCookie(req.headers.cookie, cookieName);
    const authorised = tokenMatches(token, fromQuery) || tokenMatches(token, fromCookie);
    if (!authorised) return send(res, 401, DENIED_PAGE);
    const file = resolveStaticPath(root, url.pathname);
    if (!file) return send(res, 404, 'Not found', 'text/plain');
    const headers: Record<string, string> = {
      ...securityHeaders(),
      'Content-Type': mimeType(file),
      'Cache-Control': 'no-cache',
    };
    if (tokenMatches(token, fromQuery)) {
      headers['Set-Cookie'] = `${cookieName}=${token}; HttpOnly; SameSite=Strict; Path=/`;
    }
    const stream = fs.createReadStream(file);
    stream.once('error', () =>
      res.headersSent ? res.destroy() : send(res, 500, 'Read error', 'text/plain'),
    );
    stream.once('open', () => {
      res.writeHead(200, headers);
      if (req.method === 'HEAD') {
        stream.destroy();
        res.end();
      } else stream.pipe(res);
    });
  });

  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: options.maxMessageBytes ?? 600 * 1024 * 1024,
    perMessageDeflate: false,
  });

  const refuse = (socket: Socket, status: number, reason: string, detail: string) => {
    log.warn('host', `Refused a WebSocket connection: ${detail}`);
    socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  };

  server.on('upgrade', (req, socket: Socket, head) => {
    const url = new URL(req.url ?? '/', 'http://placeholder');
    if (url.pathname !== WS_PATH) return refuse(socket, 404, 'Not Found', `path ${url.pathname}`);
    if (!hostAllowed(req.headers.host, allowed)) {
      return refuse(socket, 421, 'Misdirected Request', `Host ${String(req.headers.host)}`);
    }
    if (!originAllowed(req.headers.origin, allowed)) {
      return refuse(
        socket,
        403,
        'Forbidden',
        `cross-origin upgrade from ${String(req.headers.origin)}`,
      );
    }
    if (!tokenMatches(token, url.searchParams.get('token'))) {
      return refuse(socket, 401, 'Unauthorized', 'missing or wrong token');
    }
    wss.handleUpgrade(req, socket, head, (ws) =>
      accept(ws, `ws ${req.socket.remoteAddress}:${req.socket.remotePort}`),
    );
  });

  function accept(ws: WebSocket, caller: string) {
    const write = (msg: ServerMessage) => {
      if (ws.readyState === ws.OPEN) ws.send(encodeMessage(msg));
    };
    const session = new Session(options.ipc, (ev, d) => write({ t: 'ev', ev, d }), caller);
    sessions.add(session);
    write({ t: 'hello', v: 1 });
    ws.on('message', (data: RawData, isBinary: boolean) => {
      void onMessage(session, write, data, isBinary);
    });
    ws.on('close', () => {
      session.dispose();
      sessions.delete(session);
    });
    ws.on('error', (e) => log.debug('host', `WebSocket ${caller}: ${e.message}`));
  }

  async function onMessage(
    session: Session,
    write: (m: ServerMessage) => void,
    data: RawData,
    isBinary: boolean,
  ): Promise<void> {
    let msg: unknown;
    try {
      const buf = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
      msg = decodeMessage(isBinary ? buf : buf.toString('utf8'));
    } catch (e) {
      // Undecodable: answered and logged like an invalid payload; the socket stays open.
      write({ t: 'res', id: null, r: options.ipc.reject(session.caller, wireError(e)) });
      return;
    }
    const m = (msg && typeof msg === 'object' ? msg : {}) as Record<string, unknown>;
    const id = typeof m.id === 'string' && m.id.length <= 100 ? m.id : null;
    switch (m.t) {
      case 'req':
        write({ t: 'res', id, r: await session.request(m.ch, m.p, id ?? undefined) });
        return;
      case 'cancel':
        session.cancel(m.id);
        return;
      case 'sub':
        session.subscribe(m.ev);
        return;
      case 'unsub':
        session.unsubscribe(m.ev);
        return;
      default:
        write({
          t: 'res',
          id,
          r: options.ipc.reject(session.caller, {
            code: 'WIRE_INVALID',
            message: `Unknown socket message type ${JSON.stringify(String(m.t)).slice(0, 60)}.`,
            hint: 'Send {t: "req" | "cancel" | "sub" | "unsub", ...} (electron/ipc/wire.ts).',
          }),
        });
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) =>
      reject(
        new CoralError(
          e.code === 'EADDRINUSE' ? 'PORT_IN_USE' : 'HOST_LISTEN_FAILED',
          e.code === 'EADDRINUSE'
            ? `Port ${options.port} on ${bindHost} is already in use.`
            : `Cannot listen on ${bindHost}:${options.port ?? 0}: ${e.message}`,
          { hint: 'Pick another port with --port N, or leave it out to get a free one.', cause: e },
        ),
      ),
    );
    server.listen(options.port ?? 0, bindHost, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  allowed = allowedHosts(bindHost, port);
  cookieName = `coral_token_${port}`;
  const hostForUrl =
    bindHost === '0.0.0.0' || bindHost === '::'
      ? '127.0.0.1'
      : bindHost.includes(':')
        ? `[${bindHost}]`
        : bindHost;
  const origin = `http://${hostForUrl}:${port}`;

  return {
    url: `${origin}/?token=${token}`,
    origin,
    port,
    token,
    get connections() {
      return sessions.size;
    },
    async close() {
      for (const s of sessions) s.dispose();
      sessions.clear();
      for (const c of wss.clients) c.terminate();
      await new Promise<void>((r) => wss.close(() => r()));
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

function wireError(e: unknown): IpcError {
  return {
    code: 'WIRE_INVALID',
    message: `A message on the socket could not be decoded: ${toCoralError(e).message}.`,
    hint: 'Messages are JSON text frames or the binary format of electron/ipc/wire.ts.',
  };
}
