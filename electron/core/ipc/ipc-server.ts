import { randomBytes } from 'node:crypto';
import { lstatSync, unlinkSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { dispatchCommand } from '../../../shared/commands.js';
import type { EngineCommands } from '../commands/command-handlers.js';
import type { Engine } from '../engine.js';
import { BurrowError, oneLine } from '../errors.js';
import { describeFileError, errorCode } from '../file-errors.js';
import type { Logger } from '../logging/logger.js';
import { SocketHostEnd } from '../relay/ends/socket-host-end.js';
import { channelSpec } from '../session-manager.js';
import type { ToolsShared } from '../tools/serve-tools.js';
import { refuseHost } from '../relay/line-end.js';
import type { Remote } from '../../../shared/remote.js';
import type { SettingsStore } from '../settings/settings-store.js';
import { tokenMatches } from '../token-match.js';
import { isHandoffPath, receiveHostStdio, removeStaleHandoffSockets } from './stdio-handoff.js';
import { encodeLine, parseHello, type ConnectHello, type ConnectReply, type DataHello, type RequestReply, type SubscribeHello, type SubscribeReply } from './ipc-protocol.js';

const MAX_HELLO_BYTES = 64 * 1024;
/** A client that has not finished its hello by then is closed (it holds a socket and says nothing). */
export const HELLO_TIMEOUT_MS = 5000;
/** A ready control connection whose data connection does not arrive by then is closed. */
const TICKET_TIMEOUT_MS = 5000;
/** A helper that offered its stdio and has not handed it over by then pipes instead (it is idle, waiting: ~1 ms). */
const HANDOFF_TIMEOUT_MS = 2000;
/** After a refusal is written, how long the client gets to read it before the socket is destroyed. */
const REFUSAL_LINGER_MS = 1000;
/** A subscriber that lets this much pile up unread loses relayed messages (never states or approvals). */
const MAX_EVENT_BACKLOG = 1024 * 1024;
/**
 * A subscriber more than MAX_EVENT_BACKLOG behind for this long, never back under it meanwhile, has stopped reading
 * (a `burrow` stopped with Ctrl+Z): it is let go, or the engine would hold every state event for it without bound.
 */
const STALLED_SUBSCRIBER_MS = 15_000;
/** How long a closing server lets requests it is answering finish their reply. */
const ANSWER_GRACE_MS = 1000;

export interface IpcServerOptions {
  path: string;
  token: string;
  engine: Engine;
  settings: SettingsStore;
  commands: EngineCommands;
  logger: Logger;
  /** What a session of Burrow's built-in SSH tools needs beyond the engine: the shared audit and sudo passwords. */
  tools: ToolsShared;
}

interface Ticket {
  control: Socket;
  hello: ConnectHello;
  /** The saved remote as read at the hello (a relayed session; none for tools). */
  remote?: Remote;
  timer: NodeJS.Timeout;
}

/** The engine's local socket: helpers start sessions here, and the CLI runs commands of the command table. */
export class IpcServer {
  private server?: Server;
  private readonly tickets = new Map<string, Ticket>();
  private accepting = true;
  private closed?: Promise<void>;
  private readonly sockets = new Set<Socket>();
  /** Requests being answered now. */
  private readonly answering = new Set<Promise<void>>();
  private toolsModule?: Promise<typeof import('../tools/serve-tools.js')>;

  constructor(private readonly options: IpcServerOptions) {}

  listen(): Promise<void> {
    const { path } = this.options;
    if (process.platform !== 'win32') {
      removeStaleSocket(path);
      removeStaleHandoffSockets(path);
    }
    // allowHalfOpen: a helper whose host closed stdin still receives the remote's last replies.
    this.server = createServer({ allowHalfOpen: true }, (socket) => this.accept(socket));
    return new Promise((resolve, reject) => {
      this.server!.once('error', reject);
      // umask-independent: the folder is 0700 already; this keeps the socket itself private too.
      this.server!.listen({ path, readableAll: false, writableAll: false }, () => resolve());
    });
  }

  /**
   * Stops taking connections (the socket path is gone at once); open sessions and event subscriptions go on.
   * Resolves without waiting for them: a stopping engine drains its sessions with a time limit of its own, and
   * `burrow daemon stop` keeps a subscription open until the very end.
   */
  stopListening(): Promise<void> {
    this.accepting = false;
    // Node's 'close' comes only once every open connection has ended (close() below ends them).
    this.closed ??= new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    return Promise.resolve();
  }

  /** Stops listening and closes every connection still open (their sessions were ended by the engine). */
  async close(): Promise<void> {
    void this.stopListening();
    // Requests the stop itself just answered (a `burrow tools` whose session it ended) get their one line out first.
    if (this.answering.size) await Promise.race([Promise.allSettled([...this.answering]), new Promise((r) => setTimeout(r, ANSWER_GRACE_MS).unref())]);
    for (const socket of this.sockets) socket.destroy();
    await this.closed;
  }

  /** A socket closed with the server; its errors end it (its users see the end) rather than the process. */
  private track(socket: Socket): void {
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
    socket.on('error', () => {});
  }

  /** How many local connections are open (for tests that look for leaks). */
  openConnections(): number {
    return this.sockets.size;
  }

  private accept(socket: Socket): void {
    this.track(socket);
    if (!this.accepting) return this.refuse(socket, 'this Burrow engine is handing over to another; retry');
    let buffered: Buffer = Buffer.alloc(0);
    const timer = setTimeout(() => this.refuse(socket, `no hello within ${HELLO_TIMEOUT_MS / 1000}s`), HELLO_TIMEOUT_MS);
    const onData = (chunk: Buffer) => {
      buffered = buffered.length ? Buffer.concat([buffered, chunk]) : chunk;
      const nl = buffered.indexOf(0x0a);
      if (nl === -1) {
        if (buffered.length > MAX_HELLO_BYTES) done(() => this.refuse(socket, 'hello line too long'));
        return;
      }
      done(() => this.hello(socket, buffered.subarray(0, nl).toString('utf8'), buffered.subarray(nl + 1)));
    };
    // A client that hangs up before its hello (a "is an engine running?" probe) must not stay half-open.
    const hungUp = () => done(() => socket.destroy());
    const done = (next: () => void) => {
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('end', hungUp);
      socket.pause();
      next();
    };
    socket.once('end', hungUp);
    socket.on('data', onData);
  }

  private hello(socket: Socket, line: string, rest: Uint8Array): void {
    try {
      const hello = parseHello(line);
      if (!tokenMatches(hello.token, this.options.token)) return this.refuse(socket, 'wrong token (is another Burrow running?)');
      if (hello.op === 'connect') return this.connect(socket, hello);
      if (hello.op === 'data') return this.data(socket, hello, rest);
      if (hello.op === 'subscribe') return this.subscribe(socket, hello);
      const answering = this.request(socket, hello.method, hello.params).finally(() => this.answering.delete(answering));
      this.answering.add(answering);
    } catch (error) {
      this.refuse(socket, oneLine(error));
    }
  }

  /** Says why, then lets go: whatever the client still sends is read into nothing, and the socket is destroyed soon. */
  private refuse(socket: Socket, message: string): void {
    this.options.logger.warn(`refused a local client: ${message}`);
    const reply: ConnectReply = { type: 'error', message };
    socket.on('data', () => {});
    socket.resume();
    socket.end(encodeLine(reply));
    setTimeout(() => socket.destroy(), REFUSAL_LINGER_MS).unref();
  }

  private async request(socket: Socket, method: string, params: unknown): Promise<void> {
    let reply: RequestReply;
    try {
      reply = { ok: true, result: (await dispatchCommand(this.options.commands, method, params, 'cli')) ?? null };
    } catch (error) {
      reply = { ok: false, error: oneLine(error) };
    }
    socket.end(encodeLine(reply));
  }

  /** Streams the engine's events to a CLI command until it hangs up; its listeners leave with it. */
  private subscribe(socket: Socket, hello: SubscribeHello): void {
    if (socket.destroyed) return;
    const reply: SubscribeReply = { type: 'subscribed', pid: process.pid };
    socket.write(encodeLine(reply));
    // Set when its backlog passes MAX_EVENT_BACKLOG, cleared once it is back under (or has read everything: 'drain').
    let behindSince: number | undefined;
    socket.on('drain', () => (behindSince = undefined));
    const unsubscribe = this.options.commands.subscribe(
      (event) => {
        if (socket.destroyed) return;
        if (socket.writableLength <= MAX_EVENT_BACKLOG) behindSince = undefined;
        else {
          behindSince ??= Date.now();
          if (Date.now() - behindSince > STALLED_SUBSCRIBER_MS) {
            this.options.logger.warn(`let go of a local client that stopped reading its events (${Math.round(socket.writableLength / 1024)} KB unread for ${STALLED_SUBSCRIBER_MS / 1000}s)`);
            socket.destroy();
            return;
          }
          if (event.type === 'traffic') return;
        }
        socket.write(encodeLine(event));
      },
      { traffic: hello.traffic === true },
    );
    socket.once('close', unsubscribe);
    // The client's end: ours follows (the server is half-open by default).
    socket.once('end', () => socket.end());
    // Nothing is read from it, but it must flow: a paused socket never reports that the client is gone.
    socket.on('data', () => {});
    socket.resume();
  }

  private connect(control: Socket, hello: ConnectHello): void {
    const { settings, engine } = this.options;
    if (hello.tools) {
      const tools = hello.tools;
      // The built-in tools (an MCP SDK server and its schemas) load with the first session that uses them.
      this.toolsModule ??= import('../tools/serve-tools.js');
      this.toolsModule
        .then(({ checkToolsEntry }) => {
          checkToolsEntry(engine, settings, tools);
          this.ready(control, hello);
        })
        .catch((error: unknown) => this.refuse(control, oneLine(error)));
      return;
    }
    const remote = settings.getRemote(hello.remote ?? '');
    if (!remote) {
      const names = settings.listRemotes().map((r) => r.name);
      const known = names.length ? `known remotes: ${names.join(', ')}` : 'no remotes are saved yet: burrow remote add NAME --host HOST';
      return this.refuse(control, `no remote named "${hello.remote}" (${known})`);
    }
    try {
      engine.sessions.checkAccepting();
      // A remote with no MCP server of its own is refused here, before the host's stdio is taken over.
      channelSpec(remote);
    } catch (error) {
      return this.refuse(control, oneLine(error));
    }
    this.ready(control, hello, remote);
  }

  /**
   * Takes the host's stdio from the helper when it offers it (no data connection, no helper on the path), else
   * issues the ticket the helper's data connection brings.
   */
  private ready(control: Socket, hello: ConnectHello, remote?: Remote): void {
    if (!hello.handoff || !isHandoffPath(hello.handoff, this.options.path)) return this.issueTicket(control, hello, remote);
    receiveHostStdio(hello.handoff, HANDOFF_TIMEOUT_MS).then(
      ({ input, output }) => {
        if (control.destroyed) {
          input.destroy();
          output.destroy();
          return;
        }
        for (const socket of [input, output]) this.track(socket);
        this.replyReady(control, { type: 'ready', pid: process.pid, handoff: true });
        this.serve(new SocketHostEnd(input, output, control), hello, remote);
      },
      (error: unknown) => {
        this.options.logger.debug(`the helper's stdio was not taken over (${oneLine(error)}); it pipes instead`);
        this.issueTicket(control, hello, remote);
      },
    );
  }

  private issueTicket(control: Socket, hello: ConnectHello, remote?: Remote): void {
    const ticket = randomBytes(16).toString('base64url');
    const timer = setTimeout(() => {
      this.tickets.delete(ticket);
      this.refuse(control, `the data connection did not arrive within ${TICKET_TIMEOUT_MS / 1000}s`);
    }, TICKET_TIMEOUT_MS);
    this.tickets.set(ticket, { control, hello, remote, timer });
    control.once('close', () => {
      const t = this.tickets.get(ticket);
      if (t?.control === control) {
        clearTimeout(t.timer);
        this.tickets.delete(ticket);
      }
    });
    this.replyReady(control, { type: 'ready', ticket, pid: process.pid });
  }

  private replyReady(control: Socket, reply: ConnectReply): void {
    control.write(encodeLine(reply));
    // Nothing more is read from it, but it must flow: a paused socket never reports that the helper is gone.
    control.on('data', () => {});
    control.resume();
  }

  private data(socket: Socket, hello: DataHello, rest: Uint8Array): void {
    const ticket = this.tickets.get(hello.ticket);
    if (!ticket) return this.refuse(socket, 'unknown or expired ticket');
    this.tickets.delete(hello.ticket);
    clearTimeout(ticket.timer);
    this.serve(new SocketHostEnd(socket, socket, ticket.control, { initial: rest }), ticket.hello, ticket.remote);
  }

  /** Runs the session a helper asked for on its host end: a relayed remote, or Burrow's built-in tools. */
  private serve(host: SocketHostEnd, hello: ConnectHello, remote?: Remote): void {
    const { engine, settings } = this.options;
    if (!remote) {
      const toolNames = hello.tools ?? [];
      // Loaded before the ticket was issued (connect above).
      void this.toolsModule!.then(({ serveTools, toolsEntryDeps }) => serveTools(host, toolsEntryDeps(engine, settings, toolNames, this.options.tools, this.options.logger))).catch((error: Error) => refuseHost(host, error));
      return;
    }
    try {
      const session = engine.startSession(remote, host, { approvalTimeoutMs: hello.approvalTimeoutSec ? hello.approvalTimeoutSec * 1000 : undefined });
      // The helper holds its control connection until the exit notice: losing it first means it was killed.
      host.onControlClosed(() => session.hostVanished());
    } catch (error) {
      refuseHost(host, error);
    }
  }
}

/**
 * A stale socket from a crashed daemon is removed (the caller checked that nothing answers on it);
 * anything else at that path (a file, a folder, a link) may be someone's data and is never deleted.
 */
function removeStaleSocket(path: string): void {
  let isSocket: boolean;
  try {
    isSocket = lstatSync(path).isSocket();
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return;
    throw new BurrowError(describeFileError(error, path, "check Burrow's socket"), 'daemon');
  }
  if (!isSocket) throw new BurrowError(`${path} exists and is not a socket; remove it if it is not yours`, 'daemon');
  try {
    unlinkSync(path);
  } catch (error) {
    throw new BurrowError(describeFileError(error, path, 'remove the stale socket'), 'daemon');
  }
}
