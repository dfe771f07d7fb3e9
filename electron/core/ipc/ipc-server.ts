import { timingSafeEqual } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import { existsSync, unlinkSync } from 'node:fs';
import type { Engine } from '../engine.js';
import { oneLine } from '../errors.js';
import type { Logger } from '../logging/logger.js';
import { StreamLineEnd, type HostEnd } from '../relay/line-end.js';
import type { BurrowService } from '../service.js';
import type { SettingsStore } from '../settings/settings-store.js';
import { encodeControl, parseHello, type ConnectHello, type ControlNotice, type RequestReply } from './ipc-protocol.js';

const MAX_HELLO_BYTES = 64 * 1024;

export interface IpcServerOptions {
  path: string;
  token: string;
  engine: Engine;
  settings: SettingsStore;
  service: BurrowService;
  logger: Logger;
  /** Asks the process to stop (the `daemon.stop` request). */
  onStop?: () => void;
  /** Another engine (the tray app) takes the socket: stop accepting, let open sessions finish (`daemon.handover`). */
  onHandOver?: () => void;
}

/** The engine's local socket: helpers connect here, and the CLI sends requests while a daemon owns the store. */
export class IpcServer {
  private server?: Server;

  constructor(private readonly options: IpcServerOptions) {}

  listen(): Promise<void> {
    const { path } = this.options;
    // A stale socket from a crashed daemon: the caller checked that nothing answers on it.
    if (process.platform !== 'win32' && existsSync(path)) unlinkSync(path);
    // allowHalfOpen: a helper whose host closed stdin still receives the remote's last replies.
    this.server = createServer({ allowHalfOpen: true }, (socket) => this.accept(socket));
    return new Promise((resolve, reject) => {
      this.server!.once('error', reject);
      // umask-independent: the folder is 0700 already; this keeps the socket itself private too.
      this.server!.listen({ path, readableAll: false, writableAll: false }, () => resolve());
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private accept(socket: Socket): void {
    let buffered = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      const nl = buffered.indexOf(0x0a);
      if (nl === -1) {
        if (buffered.length > MAX_HELLO_BYTES) this.reject(socket, 'hello line too long');
        return;
      }
      socket.off('data', onData);
      socket.off('end', hungUp);
      socket.pause();
      const rest = buffered.subarray(nl + 1);
      try {
        const hello = parseHello(buffered.subarray(0, nl).toString('utf8'));
        if (!this.tokenMatches(hello.token)) return this.reject(socket, 'wrong token (is another Burrow running?)');
        if (hello.op === 'connect') this.connectSession(socket, hello, rest);
        else void this.answer(socket, hello.method, hello.params);
      } catch (error) {
        this.reject(socket, oneLine(error));
      }
    };
    // A client that hangs up before its hello (a "is a daemon running?" probe) must not stay half-open.
    const hungUp = () => socket.end();
    socket.once('end', hungUp);
    socket.on('data', onData);
    socket.on('error', () => {});
  }

  private tokenMatches(token: string): boolean {
    const a = Buffer.from(token);
    const b = Buffer.from(this.options.token);
    return a.length === b.length && timingSafeEqual(a, b);
  }

  private reject(socket: Socket, message: string): void {
    this.options.logger.warn(`refused a local client: ${message}`);
    socket.end(encodeControl({ type: 'error', message }));
  }

  private async answer(socket: Socket, method: string, params: unknown): Promise<void> {
    let reply: RequestReply;
    if (method === 'daemon.stop') {
      socket.end(`${JSON.stringify({ ok: true, result: null })}\n`);
      this.options.onStop?.();
      return;
    }
    if (method === 'daemon.handover' && this.options.onHandOver) {
      // Stops listening before answering: once the caller reads "ok" the socket path is free to bind.
      this.options.onHandOver();
      socket.end(`${JSON.stringify({ ok: true, result: null })}\n`);
      return;
    }
    try {
      reply = { ok: true, result: (await this.options.service.handle(method, params)) ?? null };
    } catch (error) {
      reply = { ok: false, error: oneLine(error) };
    }
    socket.end(`${JSON.stringify(reply)}\n`);
  }

  private connectSession(socket: Socket, hello: ConnectHello, rest: Uint8Array): void {
    const remote = this.options.settings.getRemote(hello.remote);
    if (!remote) {
      const names = this.options.settings.listRemotes().map((r) => r.name);
      const known = names.length ? `known remotes: ${names.join(', ')}` : 'no remotes are saved yet: burrow remote add NAME --host HOST';
      this.reject(socket, `no remote named "${hello.remote}" (${known})`);
      return;
    }
    const lineEnd = new StreamLineEnd(socket, socket, { initial: rest });
    const host: HostEnd = Object.assign(lineEnd, {
      notify: (notice: ControlNotice) => {
        if (!socket.writableEnded) socket.write(encodeControl(notice));
      },
    });
    this.options.engine.startSession(remote, host, { approvalTimeoutMs: hello.approvalTimeoutSec ? hello.approvalTimeoutSec * 1000 : undefined });
  }
}
