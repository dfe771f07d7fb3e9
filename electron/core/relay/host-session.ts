import type { ClientChannel } from 'ssh2';
import type { TrafficEntry } from '../../../shared/api.js';
import { BurrowError, oneLine } from '../errors.js';
import { looksLikeJsonMessage } from '../framing/line-splitter.js';
import type { Logger } from '../logging/logger.js';
import type { ChannelLease, ChannelSpec } from '../ssh/connection-pool.js';
import { StreamLineEnd, type HostEnd, type LineEnd } from './line-end.js';
import { errorResponse, inspectLine } from './message-info.js';

/** A copy of one relayed message for the inspector; taken only while someone listens. */
export type TrafficEvent = TrafficEntry;
type Direction = TrafficEntry['direction'];

export interface HostSessionOptions {
  id: number;
  remoteLabel: string;
  spec: ChannelSpec;
  openUpstream: (status: (message: string) => void) => Promise<ChannelLease>;
  logger: Logger;
  maxLineBytes?: number;
  /** Present only while the inspector listens, so the hot path pays nothing otherwise. */
  tap?: () => ((event: TrafficEvent) => void) | undefined;
  /** How long to wait for the host's first request after a failure, so it can be answered with the error. */
  answerGraceMs?: number;
  onClosed?: (session: HostSession) => void;
}

const INSPECT_MAX_BYTES = 256 * 1024;
const STDERR_TAIL_LINES = 5;
const LINGER_AFTER_EOF_MS = 2000;
const LINGER_MAX_MS = 120_000;

/**
 * One MCP host connected through Burrow: owns one upstream channel and relays raw lines both ways.
 * The host's `initialize` goes up unchanged; only ids and methods are read, to answer
 * outstanding requests with an error if the remote goes away.
 */
export class HostSession {
  private upstream?: LineEnd;
  private lease?: ChannelLease;
  private readonly queued: Uint8Array[] = [];
  private readonly pending = new Map<string | number, { method: string; at: number }>();
  private sawRequest = false;
  private hostEnded = false;
  private failed = false;
  private closed = false;
  private readonly stderrTail: string[] = [];
  private exit?: { code: number | null; signal?: string };
  private firstRequestWaiter?: () => void;
  private lingerTimer?: NodeJS.Timeout;

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
    this.host.start();
    this.options
      .openUpstream((message) => this.host.notify({ type: 'status', message }))
      .then((lease) => this.attach(lease))
      .catch((error: Error) => this.fail(oneLine(error)));
  }

  private attach(lease: ChannelLease): void {
    if (this.closed) {
      lease.channel.close();
      lease.release();
      return;
    }
    this.lease = lease;
    const channel = lease.channel;
    lease.onConnectionLost = (error) => this.fail(error.message);
    this.exit = lease.exitedEarly;
    this.watchChannel(channel);
    const upstream = new StreamLineEnd(channel, channel, {
      // Each channel write is an SSH packet: a burst of requests should be one packet, not one each.
      joinWrites: true,
      maxLineBytes: this.options.maxLineBytes,
      onOversize: (bytes) => this.options.logger.error(`${this.options.remoteLabel}: dropped a message of ${bytes} bytes from the remote (over the size limit)`),
    });
    upstream.onLine = (line) => this.fromRemote(line);
    upstream.onDrain = () => this.host.resume();
    this.host.onDrain = () => upstream.resume();
    this.upstream = upstream;
    upstream.start();
    for (const line of this.queued.splice(0)) upstream.send(line);
    this.options.logger.info(`session ${this.id}: relaying to ${this.options.remoteLabel}`);
    if (this.hostEnded) this.endUpstream();
  }

  private watchChannel(channel: ClientChannel): void {
    // Always read stderr: an unread stream stops the channel's window from refilling.
    let partial = '';
    channel.stderr.on('data', (chunk: Buffer) => {
      const lines = (partial + chunk.toString('utf8')).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) this.noteStderr(line);
    });
    channel.on('exit', (code: number | null, signal?: string) => {
      this.exit = { code, signal: signal ?? undefined };
    });
    channel.on('close', () => {
      if (partial) this.noteStderr(partial);
      this.lease?.release();
      if (this.failed) return; // fail() delivers the error and finishes
      // After the host's EOF the remote is expected to go, unless it leaves requests unanswered.
      if (this.hostEnded && this.pending.size === 0) return this.finish();
      this.fail(this.describeRemoteEnd());
    });
  }

  private noteStderr(line: string): void {
    const text = line.trimEnd();
    if (!text) return;
    this.options.logger.debug(`${this.options.remoteLabel} stderr: ${text}`);
    this.stderrTail.push(text);
    if (this.stderrTail.length > STDERR_TAIL_LINES) this.stderrTail.shift();
  }

  private describeRemoteEnd(): string {
    const tail = this.stderrTail.length ? `: ${this.stderrTail.slice(-3).join(' | ')}` : '';
    const spec = this.options.spec;
    const what = spec.mode === 'exec' ? `remote command "${spec.command}"` : 'remote MCP server';
    if (!this.exit) return `${this.options.remoteLabel} closed the channel${tail}`;
    if (this.exit.signal) return `${what} on ${this.options.remoteLabel} was killed by signal ${this.exit.signal}${tail}`;
    if (this.exit.code === 127) return `${what} not found on ${this.options.remoteLabel} (exit code 127)${tail}`;
    return `${what} on ${this.options.remoteLabel} exited with code ${this.exit.code}${tail}`;
  }

  private fromHost(line: Uint8Array): void {
    const tap = this.options.tap?.();
    const { infos, value } = inspectLine(line, !!tap && line.length <= INSPECT_MAX_BYTES);
    const now = Date.now();
    for (const info of infos) {
      if (info.kind === 'request' && info.id !== undefined) {
        this.pending.set(info.id, { method: info.method!, at: now });
        this.sawRequest = true;
      }
      if (tap) tap(this.traffic('to-remote', line, info.kind, info.method, info.id, undefined, value));
    }
    if (this.failed) {
      if (this.firstRequestWaiter && this.sawRequest) this.firstRequestWaiter();
      else this.answerPending(this.failure!);
      return;
    }
    if (!this.upstream) {
      this.queued.push(line);
      return;
    }
    if (!this.upstream.send(line)) this.host.pause();
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
      const { infos, value } = inspectLine(line, !!tap && line.length <= INSPECT_MAX_BYTES);
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
    if (!this.host.send(line)) this.upstream?.pause();
  }

  private traffic(direction: Direction, line: Uint8Array, kind: string, method: string | undefined, id: string | number | undefined, latencyMs: number | undefined, value: unknown): TrafficEvent {
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
      message: line.length <= INSPECT_MAX_BYTES ? value : undefined,
    };
  }

  private hostFinished(): void {
    this.hostEnded = true;
    if (this.failed) return this.finish();
    this.options.logger.info(`session ${this.id}: host closed its end`);
    // Requests sent before EOF still deserve answers: wait for the channel if they are queued for it.
    if (!this.upstream) {
      if (this.queued.length === 0) this.finish();
      return;
    }
    this.endUpstream();
  }

  private endUpstream(): void {
    if (!this.upstream || !this.lease) return;
    // EOF lets the remote server exit on its own once it has answered what it was asked.
    this.upstream.end();
    const channel = this.lease.channel;
    const hardStop = setTimeout(() => channel.close(), LINGER_MAX_MS);
    hardStop.unref();
    channel.once('close', () => {
      clearTimeout(hardStop);
      clearTimeout(this.lingerTimer);
    });
    this.closeIfLingering();
  }

  /** After the host's EOF: a remote with nothing left to answer gets a short grace, then its channel is closed. */
  private closeIfLingering(): void {
    if (!this.hostEnded || this.pending.size > 0 || this.lingerTimer || !this.lease) return;
    const channel = this.lease.channel;
    this.lingerTimer = setTimeout(() => channel.close(), LINGER_AFTER_EOF_MS);
    this.lingerTimer.unref();
  }

  private failure?: string;

  /** Ends the session with one message: every open request gets it as a JSON-RPC error, the host a notice. */
  fail(message: string): void {
    if (this.failed || this.closed) return;
    this.failed = true;
    this.failure = message;
    this.options.logger.info(`session ${this.id} failed: ${message}`);
    if (this.lease) {
      this.lease.channel.close();
      this.lease.release();
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
    this.lease?.release();
    this.host.end();
    this.options.onClosed?.(this);
  }

  /** For a person-facing failure raised outside the session (the daemon stopping). */
  abort(error: BurrowError): void {
    this.fail(error.message);
  }
}
