import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { WebSocketServer, type WebSocket } from 'ws';
import { dispatchCommand } from '../../../shared/commands.js';
import type { BurrowEvent } from '../../../shared/events.js';
import type { EngineCommands } from '../commands/command-handlers.js';
import { oneLine } from '../errors.js';
import type { Logger } from '../logging/logger.js';
import {
  bearerToken,
  webUiContentSecurityPolicy,
  isAllowedHost,
  isAllowedOrigin,
  tokenMatches,
  wsProtocolToken,
  WS_PROTOCOL,
} from './request-guard.js';
import { readStaticFile } from './static-files.js';

export interface WebUiOptions {
  commands: EngineCommands;
  logger: Logger;
  /** 0 picks a free port. */
  port: number;
  /** The secret in the URL's fragment; every API request and the event socket must carry it. */
  token: string;
  /** The built renderer (`npm run build:ui`); dist/renderer beside this module by default. */
  staticDir?: string;
}

const MAX_BODY_BYTES = 1024 * 1024;
/** After a 413, how much of the refused body is read and dropped, and for how long, before the socket is cut. */
const MAX_DRAIN_BYTES = 64 * 1024 * 1024;
const DRAIN_TIMEOUT_MS = 10_000;
/** A browser tab that stops reading must not make the daemon buffer traffic without end. */
const MAX_SOCKET_BACKLOG = 8 * 1024 * 1024;
const DEFAULT_STATIC_DIR = fileURLToPath(new URL('../../../renderer/', import.meta.url));

const SECURITY_HEADERS: Record<string, string> = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Cache-Control': 'no-store',
};

/**
 * The web bridge of `burrow daemon --ui`: the built renderer, `POST /api/<command>` for the command table,
 * and a WebSocket at /api/events for its event stream. 127.0.0.1 only; the token guards all data.
 */
export class WebUiServer {
  private server?: Server;
  private readonly sockets = new WebSocketServer({
    noServer: true,
    maxPayload: 64 * 1024,
    handleProtocols: (protocols) => (protocols.has(WS_PROTOCOL) ? WS_PROTOCOL : false),
  });
  private port = 0;

  constructor(private readonly options: WebUiOptions) {}

  async start(): Promise<string> {
    const server = createServer((req, res) => void this.handle(req, res).catch((error) => this.fail(res, 500, oneLine(error))));
    server.on('upgrade', (req, socket, head) => this.upgrade(req, socket, head));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as { port: number }).port;
    this.options.logger.info(`web UI on http://127.0.0.1:${this.port}/`);
    return `http://127.0.0.1:${this.port}/#token=${this.options.token}`;
  }

  async close(): Promise<void> {
    for (const ws of this.sockets.clients) ws.terminate();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) res.setHeader(k, v);
    if (!isAllowedHost(req.headers.host, this.port)) {
      return this.fail(res, 403, "Burrow's UI answers only to 127.0.0.1 or localhost");
    }
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    if (path.startsWith('/api/')) return this.api(req, res, path.slice('/api/'.length));
    if (req.method !== 'GET' && req.method !== 'HEAD') return this.fail(res, 405, 'method not allowed');
    const root = this.options.staticDir ?? DEFAULT_STATIC_DIR;
    const file = await readStaticFile(root, path);
    if (!file) {
      if (path === '/' || path === '/index.html') return this.fail(res, 503, 'the UI is not built yet: run npm run build:ui');
      return this.fail(res, 404, 'not found');
    }
    // The page shell holds no data: everything it shows comes through the token-guarded API.
    if (file.type.startsWith('text/html')) res.setHeader('Content-Security-Policy', webUiContentSecurityPolicy(this.port));
    res.writeHead(200, { 'Content-Type': file.type, 'Content-Length': file.body.length });
    res.end(req.method === 'HEAD' ? undefined : file.body);
  }

  private async api(req: IncomingMessage, res: ServerResponse, method: string): Promise<void> {
    if (!tokenMatches(bearerToken(req.headers.authorization), this.options.token)) {
      return this.fail(res, 401, 'missing or wrong token: open the URL that burrow daemon --ui printed');
    }
    if (req.headers.origin !== undefined && !isAllowedOrigin(req.headers.origin, this.port)) return this.fail(res, 403, 'origin not allowed');
    if (req.method !== 'POST') return this.fail(res, 405, 'use POST');
    if (!/^application\/json\b/i.test(req.headers['content-type'] ?? '')) return this.fail(res, 415, 'send JSON (Content-Type: application/json)');
    let args: unknown;
    try {
      args = JSON.parse((await readBody(req)) || '[]');
    } catch (error) {
      if (error instanceof BodyTooLarge) return this.refuseBody(req, res);
      return this.fail(res, 400, `bad request body: ${oneLine(error)}`);
    }
    try {
      const result = await dispatchCommand(this.options.commands, method, args, 'web');
      this.json(res, 200, { result: result ?? null });
    } catch (error) {
      this.json(res, 400, { error: oneLine(error) });
    }
  }

  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const refuse = (status: string, why: string) => {
      this.options.logger.warn(`refused a UI event socket: ${why}`);
      socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    };
    socket.on('error', () => {});
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    if (path !== '/api/events') return refuse('404 Not Found', `path ${path}`);
    if (!isAllowedHost(req.headers.host, this.port)) return refuse('403 Forbidden', `host ${req.headers.host}`);
    if (!isAllowedOrigin(req.headers.origin, this.port)) return refuse('403 Forbidden', `origin ${req.headers.origin}`);
    const protocols = new Set((req.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim()).filter(Boolean));
    if (!tokenMatches(wsProtocolToken(protocols), this.options.token)) return refuse('401 Unauthorized', 'missing or wrong token');
    this.sockets.handleUpgrade(req, socket, head, (ws) => this.stream(ws));
  }

  private stream(ws: WebSocket): void {
    const unsubscribe = this.options.commands.subscribe((event: BurrowEvent) => {
      if (ws.readyState !== ws.OPEN) return;
      // Traffic is a view, not state: drop it for a tab that is not keeping up; never drop approvals or states.
      if (event.type === 'traffic' && ws.bufferedAmount > MAX_SOCKET_BACKLOG) return;
      ws.send(JSON.stringify(event));
    });
    ws.on('close', unsubscribe);
    ws.on('error', unsubscribe);
  }

  private json(res: ServerResponse, status: number, body: unknown): void {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
    res.end(text);
  }

  /**
   * 413 with a JSON error, then close. The rest of the body is read and dropped first (up to a limit), and only
   * then answered: a server that answers and closes while the client still sends makes it see "broken pipe" or
   * "connection reset" instead of the answer.
   */
  private refuseBody(req: IncomingMessage, res: ServerResponse): void {
    let dropped = 0;
    let answered = false;
    const answer = (thenDestroy: boolean) => {
      if (answered) return;
      answered = true;
      clearTimeout(timer);
      res.setHeader('Connection', 'close');
      this.json(res, 413, { error: `request body larger than ${MAX_BODY_BYTES} bytes` });
      if (thenDestroy) res.once('finish', () => req.socket.destroy());
    };
    // A body beyond what is worth draining, or one that never ends: answer anyway and cut the connection.
    const timer = setTimeout(() => answer(true), DRAIN_TIMEOUT_MS);
    req.socket.once('close', () => clearTimeout(timer));
    req.on('data', (chunk: Buffer) => {
      dropped += chunk.length;
      if (dropped > MAX_DRAIN_BYTES) answer(true);
    });
    req.once('end', () => answer(false));
    req.resume();
  }

  private fail(res: ServerResponse, status: number, message: string): void {
    if (res.headersSent) return void res.end();
    this.json(res, status, { error: message });
  }
}

class BodyTooLarge extends Error {}

/** The body as text; rejects with BodyTooLarge as soon as it passes the limit (announced or counted), reading no further. */
function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    if (Number(req.headers['content-length'] ?? 0) > MAX_BODY_BYTES) return reject(new BodyTooLarge());
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        req.off('data', onData);
        req.off('end', onEnd);
        req.pause();
        reject(new BodyTooLarge());
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => resolve(Buffer.concat(chunks).toString('utf8'));
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', reject);
  });
}

/** Starts the web bridge and returns the URL to open (with the token in its fragment, which browsers never send). */
export async function startWebUi(options: WebUiOptions): Promise<string> {
  return new WebUiServer(options).start();
}
