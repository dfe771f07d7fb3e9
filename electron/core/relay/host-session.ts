import type { TrafficEntry } from '../../../shared/api.js';
import { BurrowError, oneLine } from '../errors.js';
import { looksLikeJsonMessage } from '../framing/line-splitter.js';
import type { Logger } from '../logging/logger.js';
import type { ControlNotice, HostEnd, LineEnd } from './line-end.js';
import { cancelNotification, errorResponse, inspectLine, scanHead } from './message-info.js';

type Direction = TrafficEntry['direction'];

/** The remote side of a session, lent by the pool: its line end, and how to give it back. */
export interface Upstream {
  end: LineEnd & {
    describeEnd(remote: string, what: string): string;
    /** Stops the remote process (a signal), then closes; `close` alone where there is no process to signal. */
    terminate?(): void;
  };
  release(): void;
  /** Called when the SSH connection under the channel drops. */
  onConnectionLost(listener: (error: BurrowError) => void): void;
}

export interface HostSessionOptions {
  id: number;
  remoteLabel: string;
  /** How the remote process is named in errors: `remote command "…"` or `remote MCP server`. */
  remoteWhat: string;
  /** A shell channel: a plain shell that tries to run our JSON as a command is a wrong setup, said plainly. */
  shellMode?: boolean;
  openUpstream: (status: (message: string) => void) => Promise<Upstream>;
  logger: Logger;
  maxLineBytes: number;
  /**
   * Present while someone listens or the engine keeps history. `maxValueBytes`: larger messages are tapped
   * without their body (history alone keeps no large bodies, so they need not be parsed).
   */
  tap?: () => (((entry: TrafficEntry) => void) & { maxValueBytes?: number }) | undefined;
  /** How long to wait for the host's first request after a failure, so it can be answered with the error. */
  answerGraceMs?: number;
  /** The host's clientInfo name, once its `initialize` went by. */
  onClient?: (name: string) => void;
  onClosed?: (session: HostSession, outcome: { clean: boolean; error?: string }) => void;
}

const INSPECT_MAX_BYTES = 256 * 1024;
const LINGER_AFTER_EOF_MS = 2000;
const LINGER_MAX_MS = 120_000;
/** After cancelling for a vanished host, how long the remote may take to stop before its channel is closed. */
const CANCEL_GRACE_MS = 500;

/**
 * One MCP host connected through Burrow: owns one upstream channel and relays raw lines both ways.
 * The host's `initialize` goes up unchanged; only ids and methods are read, to answer
 * outstanding requests with an error if the remote goes away.
 */
export class HostSession {
  private upstream?: Upstream;
  private readonly queued: Uint8Array[] = [];
  private readonly pending = new Map<string | number, { method: string; at: number }>();
  private sawRequest = false;
  private hostEnded = false;
  private failure?: string;
  private closed = false;
  private firstRequestWaiter?: () => void;
  private lingerTimer?: NodeJS.Timeout;
  private clientNamed = false;

  constructor(
    private readonly host: HostEnd,
    private readonly options: HostSessionOptions,
  ) {}

  get id(): number {
    return this.options.id;
  }

  start(): void {
    this.host.onLine = (line) => this.fromHost(line);
    this.host.onEnd = () => this.hostFinished();
    this.host.onOversize = (bytes, head) => this.hostOversize(bytes, head);
    this.host.start();
    this.options
      .openUpstream((message) => this.host.notify({ type: 'status', message }))
      .then((upstream) => this.attach(upstream))
      .catch((error: Error) => this.fail(oneLine(error)));
  }

  private attach(upstream: Upstream): void {
    if (this.closed || this.failure !== undefined) {
      upstream.end.close();
      upstream.release();
      return;
    }
    this.upstream = upstream;
    const end = upstream.end;
    upstream.onConnectionLost((error) => this.fail(error.message));
    end.onLine = (line) => this.fromRemote(line);
    end.onOversize = (bytes, head) => this.remoteOversize(bytes, head);
    end.onDrain = () => this.host.resume();
    end.onEnd = () => this.remoteEnded();
    this.host.onDrain = () => end.resume();
    end.start();
    for (const line of this.queued.splice(0)) end.send(line);
    this.options.logger.info(`session ${this.id}: relaying to ${this.options.remoteLabel}`);
    if (this.hostEnded) this.endUpstream();
  }

  private remoteEnded(): void {
    this.upstream?.release();
    if (this.failure !== undefined) return; // fail() delivers the error and finishes
    // After the host's EOF the remote is expected to go, unless it leaves requests unanswered.
    if (this.hostEnded && this.pending.size === 0) return this.finish();
    this.fail(this.upstream!.end.describeEnd(this.options.remoteLabel, this.options.remoteWhat));
  }

  /** A plain shell given our JSON as commands: no m2m server is there. */
  noteStderr(line: string): void {
    if (this.options.shellMode && /jsonrpc/.test(line) && /not found|No such file/i.test(line)) {
      this.fail(`${this.options.remoteLabel} runs no m2m MCP server: its shell tried to run the JSON as a command; give the remote a command that starts an MCP server (burrow remote add … --command 'CMD', or --command with connect --host)`);
    }
  }

  private fromHost(line: Uint8Array): void {
    const tap = this.options.tap?.();
    const { infos, value } = inspectLine(line, !!tap && line.length <= (tap.maxValueBytes ?? INSPECT_MAX_BYTES));
    const now = Date.now();
    for (const info of infos) {
      if (info.kind === 'request' && info.id !== undefined) {
        this.pending.set(info.id, { method: info.method!, at: now });
        this.sawRequest = true;
        if (!this.clientNamed && info.method === 'initialize') this.nameClient(value ?? line);
      }
      if (tap) tap(this.traffic('to-remote', line, info.kind, info.method, info.id, undefined, value));
    }
    if (this.failure !== undefined) {
      if (this.firstRequestWaiter && this.sawRequest) this.firstRequestWaiter();
      else this.answerPending(this.failure);
      return;
    }
    if (!this.upstream) {
      this.queued.push(line);
      return;
    }
    if (!this.upstream.end.send(line)) this.host.pause();
  }

  private nameClient(message: unknown): void {
    this.clientNamed = true;
    let parsed = message;
    if (parsed instanceof Uint8Array) {
      try {
        parsed = JSON.parse(Buffer.from(parsed).toString('utf8'));
      } catch {
        return;
      }
    }
    const name = (parsed as { params?: { clientInfo?: { name?: unknown } } })?.params?.clientInfo?.name;
    if (typeof name === 'string' && name) this.options.onClient?.(name.slice(0, 100));
  }

  private fromRemote(line: Uint8Array): void {
    if (!looksLikeJsonMessage(line)) {
      // Login banners, MOTDs and stray prints are not MCP: log them, never relay them.
      const text = Buffer.from(line).toString('utf8').trim().slice(0, 200);
      this.options.logger.warn(`${this.options.remoteLabel}: skipped a line that is not JSON: ${text}`);
      return;
    }
    const tap = this.options.tap?.();
    if (this.pending.size > 0 || tap) {
      const { infos, value } = inspectLine(line, !!tap && line.length <= (tap.maxValueBytes ?? INSPECT_MAX_BYTES));
      for (const info of infos) {
        let latency: number | undefined;
        let method = info.method;
        if (info.kind === 'response' && info.id !== undefined) {
          const request = this.pending.get(info.id);
          if (request) {
            latency = Date.now() - request.at;
            method = request.method;
            this.pending.delete(info.id);
            if (this.pending.size === 0) this.closeIfLingering();
          }
        }
        if (tap) tap(this.traffic('to-host', line, info.kind, method, info.id, latency, value));
      }
    }
    if (!this.host.send(line)) this.upstream?.end.pause();
  }

  /** The host sent a message over the limit: it was dropped; its request gets an error instead of silence. */
  private hostOversize(bytes: number, head: Uint8Array): void {
    const info = scanHead(head);
    const text = `a message of ${bytes} bytes from the MCP host is over Burrow's limit of ${this.options.maxLineBytes} bytes and was not sent to ${this.options.remoteLabel}`;
    this.options.logger.error(`session ${this.id}: ${text}`);
    if (info.id !== undefined && info.method) this.host.send(Buffer.from(errorResponse(info.id, text)));
  }

  /** The remote sent a message over the limit: the host's request it answers gets an error; a request from the remote gets one back. */
  private remoteOversize(bytes: number, head: Uint8Array): void {
    const info = scanHead(head);
    const text = `a message of ${bytes} bytes from ${this.options.remoteLabel} is over Burrow's limit of ${this.options.maxLineBytes} bytes and was dropped`;
    this.options.logger.error(`session ${this.id}: ${text}`);
    if (info.id === undefined) return;
    if (info.method) {
      this.upstream?.end.send(Buffer.from(errorResponse(info.id, text)));
    } else if (this.pending.delete(info.id)) {
      this.host.send(Buffer.from(errorResponse(info.id, text)));
    }
  }

  private traffic(direction: Direction, line: Uint8Array, kind: string, method: string | undefined, id: string | number | undefined, latencyMs: number | undefined, value: unknown): TrafficEntry {
    return {
      sessionId: this.id,
      remote: this.options.remoteLabel,
      direction,
      time: Date.now(),
      bytes: line.length,
      kind,
      method,
      id,
      latencyMs,
      // A message not parsed (over the tap's limit) has no value: shown as too large.
      message: line.length <= INSPECT_MAX_BYTES ? value : undefined,
    };
  }

  private hostFinished(): void {
    this.hostEnded = true;
    if (this.failure !== undefined) return this.finish();
    this.options.logger.info(`session ${this.id}: host closed its end`);
    // Requests sent before EOF still deserve answers: wait for the channel if they are queued for it.
    if (!this.upstream) {
      if (this.queued.length === 0) this.finish();
      return;
    }
    this.endUpstream();
  }

  private endUpstream(): void {
    const end = this.upstream?.end;
    if (!end) return;
    // EOF lets the remote server exit on its own once it has answered what it was asked.
    end.end();
    const hardStop = setTimeout(() => end.close(), LINGER_MAX_MS);
    hardStop.unref();
    this.afterClose = () => clearTimeout(hardStop);
    this.closeIfLingering();
  }

  private afterClose?: () => void;

  /** After the host's EOF: a remote with nothing left to answer gets a short grace, then its channel is closed. */
  private closeIfLingering(): void {
    const end = this.upstream?.end;
    if (!this.hostEnded || this.pending.size > 0 || this.lingerTimer || !end) return;
    this.lingerTimer = setTimeout(() => end.close(), LINGER_AFTER_EOF_MS);
    this.lingerTimer.unref();
  }

  /** Ends the session with one message: every open request gets it as a JSON-RPC error, the host a notice. */
  fail(message: string): void {
    if (this.failure !== undefined || this.closed) return;
    this.failure = message;
    this.options.logger.info(`session ${this.id} failed: ${message}`);
    if (this.upstream) {
      this.upstream.end.close();
      this.upstream.release();
    }
    const deliver = () => {
      this.answerPending(message);
      this.host.notify({ type: 'error', message });
      this.finish();
    };
    if (this.sawRequest || this.hostEnded) return deliver();
    // The host usually sends `initialize` right after starting us: wait a moment so it sees the error.
    const timer = setTimeout(deliver, this.options.answerGraceMs ?? 1500);
    timer.unref();
    this.firstRequestWaiter = () => {
      clearTimeout(timer);
      this.firstRequestWaiter = undefined;
      deliver();
    };
  }

  private answerPending(message: string): void {
    for (const id of this.pending.keys()) {
      this.host.send(Buffer.from(errorResponse(id, message)));
    }
    this.pending.clear();
  }

  private finish(): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.lingerTimer);
    this.afterClose?.();
    this.upstream?.release();
    const clean = this.failure === undefined;
    if (clean) this.options.logger.info(`session ${this.id}: closed cleanly`);
    const exit: ControlNotice = { type: 'exit', code: clean ? 0 : 1 };
    this.host.notify(exit);
    this.host.end();
    this.options.onClosed?.(this, { clean, error: this.failure });
  }

  /**
   * The host went away without ending its side (a killed helper): the remote is told to cancel what nobody will
   * read, gets EOF, and its channel is closed shortly after; the session ends now.
   */
  hostVanished(): void {
    if (this.closed) return;
    this.hostEnded = true;
    const end = this.upstream?.end;
    const cancelled = this.pending.size;
    if (end) {
      for (const id of this.pending.keys()) end.send(Buffer.from(cancelNotification(id, 'the MCP host went away')));
      end.end();
      // Then the process itself, if it is still there: nobody will read what it works on.
      setTimeout(() => (end.terminate ? end.terminate() : end.close()), CANCEL_GRACE_MS).unref();
    }
    this.pending.clear();
    this.options.logger.info(`session ${this.id}: the MCP host went away${cancelled ? `; asked ${this.options.remoteLabel} to cancel ${cancelled} request(s)` : ''}`);
    this.finish();
  }

  /** For a person-facing failure raised outside the session (the engine stopping). */
  abort(error: BurrowError): void {
    this.fail(error.message);
  }
}
