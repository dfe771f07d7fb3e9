import type { TrafficEntry } from '../../../shared/api.js';
import { BurrowError, oneLine } from '../errors.js';
import { firstSignificantByte, looksLikeJsonMessage, type LongLine } from '../framing/line-splitter.js';
import type { Logger } from '../logging/logger.js';
import type { ControlNotice, HostEnd, LineEnd } from './line-end.js';
import type { Catalog } from './catalog-cache.js';
import { EnvelopeScanner } from './envelope-scanner.js';
import { cancelNotification, errorResponse, inspectLine, requestLine, scanHead, type MessageInfo } from './message-info.js';
import { FreshServer } from './fresh-server.js';
import { offlineAnswer } from './offline-answers.js';
import { isCatalogList, obj, SessionSetup } from './session-setup.js';

type Direction = TrafficEntry['direction'];

/** The remote side of a session, lent by the pool: its line end, and how to give it back. */
export interface Upstream {
  end: LineEnd & {
    describeEnd(remote: string, what: string): string;
    /** Stops the remote process (a signal), then closes; `close` alone where there is no process to signal. */
    terminate?(): void;
    /** Set once the remote process reported how it ended (a channel closed by a lost connection has none). */
    exit?: unknown;
  };
  release(): void;
  /** Whether the SSH connection under the channel is still up (a channel that ends on a live one was ended by the server). */
  connectionAlive?(): boolean;
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
  /** Present while someone listens or the engine keeps history. */
  tap?: () => TrafficTap | undefined;
  /** How long to wait for the host's first request after a failure, so it can be answered with the error. */
  answerGraceMs?: number;
  /** The host's clientInfo name, once its `initialize` went by. */
  onClient?: (name: string) => void;
  onClosed?: (session: HostSession, outcome: { clean: boolean; error?: string }) => void;
  /** Present when the session may outlive its connection (the remote's `resume` switch, on by default). */
  resume?: ResumeOptions;
}

export interface ResumeOptions {
  /** How long a request sent while the remote is away waits for it before failing (`resumeWaitSec`). */
  waitMs: () => number;
  /** The remote's cached catalog: answers a host while the remote is down at the session's start. */
  catalog?: { load(): Catalog | undefined; save(catalog: Catalog): void };
  /** The session waits for its remote (`detail` says why), or relays again; also when it resumed. */
  onWaiting?: (waiting: boolean, detail: string) => void;
  /** Pauses between reconnect attempts, the last one repeated. */
  retryDelaysMs?: number[];
}

/** Failures a later attempt may get past; a changed host key, a refused login or a bad setting will not. */
const RETRIABLE = new Set(['connection-refused', 'unreachable', 'timeout', 'connection-lost', 'remote-exit', 'channel-closed']);
const DEFAULT_RETRY_DELAYS_MS = [250, 1000, 2000, 3000];
/** A fresh server that ends sooner than this after a resume counts towards a crash loop. */
const QUICK_END_MS = 10_000;
/** Fresh servers that may end quickly in a row before the session gives up (a server that cannot start). */
const MAX_QUICK_ENDS = 2;

interface QueuedLine {
  line: Uint8Array;
  ids: (string | number)[];
  timer?: NodeJS.Timeout;
}

const INSPECT_MAX_BYTES = 256 * 1024;

/**
 * Where relayed messages are reported. `line` is the whole message as relayed (absent for one relayed in pieces).
 * `wantsValue`: someone watches live and entries carry the parsed message; otherwise only the history takes them,
 * which keeps the line's text, so nothing is parsed for it.
 */
export type TrafficTap = ((entry: TrafficEntry, line?: Uint8Array) => void) & { wantsValue: boolean };
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
  private queued: QueuedLine[] = [];
  private readonly pending = new Map<string | number, { method: string; at: number; capture?: boolean }>();
  private readonly setup = new SessionSetup();
  /** Bumped for each upstream, so a dropped one's late events are ignored. */
  private generation = 0;
  /** Set while the session has lost its upstream and waits for a new one. */
  private outage?: { reason: string; since: number };
  /** The remote was down at the start: the host is answered from the cached catalog. */
  private offline?: { catalog: Catalog; reason: string };
  /** Replaying `initialize` and the host's setup on a fresh server. */
  private restoring = false;
  private reconnecting = false;
  /** When the current upstream was attached, and whether it came from a resume. */
  private attachedAt = 0;
  private resumedUpstream = false;
  private quickEnds = 0;
  private retryNowHook?: () => void;
  /** Burrow's own requests to the server that took over after a resume. */
  private fresh?: FreshServer;
  private sawRequest = false;
  private hostEnded = false;
  private failure?: string;
  private closed = false;
  private firstRequestWaiter?: () => void;
  private lingerTimer?: NodeJS.Timeout;
  private clientNamed = false;
  /** Ends a long line being relayed to the host, when its remote goes away mid-line. */
  private stopLongToHost?: () => void;

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
    this.host.onOversize = (bytes, head) => this.hostOversize(bytes, scanHead(head));
    this.host.onLongLine = (head) => this.longFromHost(head);
    this.host.start();
    this.options
      .openUpstream((message) => this.host.notify({ type: 'status', message }))
      .then((upstream) => this.attach(upstream))
      .catch((error: Error) => this.firstConnectFailed(error));
  }

  private attach(upstream: Upstream): void {
    if (this.closed || this.failure !== undefined) {
      upstream.end.close();
      upstream.release();
      return;
    }
    const generation = ++this.generation;
    const current = () => generation === this.generation;
    this.upstream = upstream;
    this.attachedAt = Date.now();
    this.resumedUpstream = !!this.outage;
    const end = upstream.end;
    upstream.onConnectionLost((error) => current() && this.upstreamLost(error.message));
    end.onLine = (line) => current() && this.fromRemote(line);
    end.onOversize = (bytes, head) => current() && this.remoteOversize(bytes, scanHead(head));
    end.onLongLine = (head) => (current() ? this.longFromRemote(head, upstream, current) : undefined);
    end.onDrain = () => this.host.resume();
    end.onEnd = () => (current() ? this.remoteEnded() : upstream.release());
    this.host.onDrain = () => end.resume();
    end.start();
    // A session that had a server (or was answered from the catalog) sets the fresh one up as the host did.
    if ((this.outage || this.offline) && this.setup.serverInit) {
      void this.restore(generation);
      return;
    }
    this.offline = undefined;
    this.flushQueue();
    this.options.logger.info(`session ${this.id}: relaying to ${this.options.remoteLabel}`);
    if (this.hostEnded) this.endUpstream();
  }

  private flushQueue(): void {
    for (const entry of this.queued.splice(0)) {
      clearTimeout(entry.timer);
      this.upstream!.end.send(entry.line);
    }
  }

  private remoteEnded(): void {
    const upstream = this.upstream!;
    // The server ended it: it reported an exit, or closed its channel while the connection stayed up.
    // (Asked before the release, which may close an idle connection at once.)
    const serverEnded = !!upstream.end.exit || (upstream.connectionAlive?.() ?? true);
    upstream.release();
    if (this.failure !== undefined) return; // fail() delivers the error and finishes
    // After the host's EOF the remote is expected to go, unless it leaves requests unanswered.
    if (this.hostEnded && this.pending.size === 0) return this.finish();
    const { end } = upstream;
    this.upstreamLost(end.describeEnd(this.options.remoteLabel, this.options.remoteWhat), serverEnded);
  }

  /** The connection or the server went away: resume when the host had a working session, else end it. */
  private upstreamLost(reason: string, serverEnded = false): void {
    if (this.closed || this.failure !== undefined) return;
    if (!this.options.resume || !this.setup.serverInit || this.hostEnded) return this.fail(reason);
    // Only a server that ends by itself counts: a network that flaps right after a resume is retried like any drop.
    if (serverEnded && this.upstream && this.resumedUpstream && Date.now() - this.attachedAt < QUICK_END_MS) {
      // Restarting a server that keeps ending at once would hide the error from the host forever.
      if (++this.quickEnds >= MAX_QUICK_ENDS) return this.fail(`${reason} (it ended right after each of ${this.quickEnds} restarts; not restarting it again)`);
    } else if (this.upstream) {
      this.quickEnds = 0;
    }
    this.suspend(reason);
  }

  /**
   * Keeps the session open without an upstream: what was in flight is answered at once with an error that says
   * the session is being restored (the host may retry); what comes next waits, up to `resumeWaitSec`.
   */
  private suspend(reason: string): void {
    this.stopLongToHost?.();
    const old = this.upstream;
    this.upstream = undefined;
    this.generation++;
    this.restoring = false;
    this.fresh?.close();
    this.fresh = undefined;
    if (old) {
      old.end.close();
      old.release();
    }
    const waiting = new Set(this.queued.flatMap((q) => q.ids));
    for (const id of [...this.pending.keys()]) {
      if (waiting.has(id)) continue;
      this.pending.delete(id);
      this.host.send(Buffer.from(errorResponse(id, `${reason}; the session is being restored: retry the request`)));
    }
    const first = !this.outage;
    this.outage = { reason, since: this.outage?.since ?? Date.now() };
    this.options.logger.warn(`session ${this.id}: ${reason}; restoring the session`);
    if (first) {
      this.host.notify({ type: 'status', message: `${reason}; restoring the session` });
      this.options.resume?.onWaiting?.(true, reason);
      this.mark('burrow/waiting', reason);
    }
    void this.reconnect();
  }

  /** Tries for a new upstream, with pauses between attempts, until it has one or the session ends. */
  private async reconnect(): Promise<void> {
    if (this.reconnecting) return;
    this.reconnecting = true;
    const delays = this.options.resume?.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS;
    const status = (message: string) => {
      // What the reconnect waits for (a host key to approve, a passphrase) is what a request left waiting is told.
      if (this.outage) this.outage.reason = message;
      this.host.notify({ type: 'status', message });
    };
    try {
      for (let attempt = 0; !this.closed && this.failure === undefined && !this.upstream; attempt++) {
        let upstream: Upstream;
        try {
          upstream = await this.options.openUpstream(status);
        } catch (error) {
          if (!RETRIABLE.has((error as BurrowError).kind)) return this.fail(oneLine(error));
          this.options.logger.info(`session ${this.id}: ${this.options.remoteLabel} not back yet: ${oneLine(error)}`);
          if (this.outage) this.outage.reason = oneLine(error);
          await this.pause(delays[Math.min(attempt, delays.length - 1)]);
          continue;
        }
        this.reconnecting = false;
        this.attach(upstream);
        return;
      }
    } finally {
      this.reconnecting = false;
    }
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      timer.unref();
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.retryNowHook = done;
    });
  }

  /** The machine woke up (or the network changed): a session waiting for its remote tries again now. */
  retryNow(): void {
    const hook = this.retryNowHook;
    this.retryNowHook = undefined;
    hook?.();
  }

  /** Whether the session waits for its remote (down, or being restored), and why. */
  waitingFor(): string | undefined {
    return this.outage?.reason ?? this.offline?.reason;
  }

  /**
   * A fresh server for a session that had one (or was answered from the catalog) is set up as the host set up the
   * first (FreshServer); requests that waited go through after, and lists that changed are announced.
   */
  private async restore(generation: number): Promise<void> {
    this.restoring = true;
    const label = this.options.remoteLabel;
    const fresh = new FreshServer((line) => this.upstream?.end.send(line));
    this.fresh = fresh;
    const outcome = await fresh.setUp(this.setup, label);
    // The host may have left meanwhile (its EOF closed the fresh server): nothing is left to restore.
    if (generation !== this.generation || this.closed) return;
    if (!outcome.ok) return outcome.retry ? this.suspend(outcome.error) : this.fail(outcome.error);
    const wasOffline = !!this.offline;
    const downFor = this.outage ? Math.round((Date.now() - this.outage.since) / 1000) : undefined;
    this.restoring = false;
    this.outage = undefined;
    this.offline = undefined;
    this.setup.serverInit = outcome.init;
    this.flushQueue();
    this.saveCatalog();
    const detail = wasOffline ? `${label} is reachable: relaying to its server` : `resumed on a fresh server of ${label} after ${downFor} s`;
    this.options.logger.info(`session ${this.id}: ${detail}`);
    this.host.notify({ type: 'status', message: detail });
    this.options.resume?.onWaiting?.(false, detail);
    this.mark('burrow/resumed', detail);
    if (this.hostEnded) this.endUpstream();
    const changed = await fresh.changedLists(this.setup, outcome.init);
    if (generation !== this.generation || this.closed) return;
    for (const kind of changed) this.host.send(Buffer.from(requestLine(`notifications/${kind}/list_changed`)));
    this.saveCatalog();
  }

  /**
   * The remote could not be reached for a new session: with a cached catalog of the same protocol version the
   * host is answered from it while Burrow keeps trying; without one the session ends with the error, as before.
   */
  private firstConnectFailed(error: Error): void {
    const reason = oneLine(error);
    const catalog = this.options.resume && RETRIABLE.has((error as BurrowError).kind) ? this.options.resume.catalog?.load() : undefined;
    if (!catalog || this.closed || this.failure !== undefined) return this.fail(reason);
    this.offline = { catalog, reason };
    this.setup.lists = { ...catalog.lists };
    const label = this.options.remoteLabel;
    this.options.logger.warn(`session ${this.id}: ${reason}; answering from ${label}'s cached catalog while retrying`);
    this.host.notify({ type: 'status', message: `${reason}; answering from ${label}'s cached catalog while retrying` });
    this.options.resume?.onWaiting?.(true, reason);
    this.mark('burrow/waiting', reason);
    for (const entry of this.queued.splice(0)) this.answerOffline(entry.line);
    if (this.hostEnded) return this.finish();
    void this.reconnect();
  }

  /** One line from the host while the remote is down at the start: answered from the cached catalog. */
  private answerOffline(line: Uint8Array): void {
    const offline = this.offline!;
    let value: unknown;
    try {
      value = JSON.parse(Buffer.from(line).toString('utf8'));
    } catch {
      return;
    }
    const unreachable = `${this.options.remoteLabel} is unreachable; retrying (${offline.reason})`;
    for (const message of Array.isArray(value) ? value : [value]) {
      const answer = offlineAnswer(message, offline.catalog, this.setup.lists, unreachable);
      if (answer.kind === 'version-mismatch') {
        this.offline = undefined;
        return this.fail(offline.reason);
      }
      if (answer.kind !== 'answer') continue;
      const id = (message as { id: string | number }).id;
      this.pending.delete(id);
      const method = (message as { method?: string }).method;
      if (method === 'initialize') this.setup.serverInit = offline.catalog.initialize;
      else if (method) this.setup.refused(method, message);
      this.host.send(Buffer.from(answer.line));
    }
  }

  /** Keeps what sessions saw of the remote's server, for a later session that starts while the remote is down. */
  private saveCatalog(): void {
    const init = this.setup.serverInit;
    const catalog = this.options.resume?.catalog;
    if (!catalog || !init || this.offline || typeof init.protocolVersion !== 'string') return;
    catalog.save({ protocolVersion: init.protocolVersion, initialize: init, lists: this.setup.lists });
  }

  /** A line in the traffic view (and nothing else) where the session waited or resumed. */
  private mark(method: string, detail: string): void {
    const tap = this.options.tap?.();
    if (!tap) return;
    tap({ sessionId: this.id, remote: this.options.remoteLabel, direction: 'to-host', time: Date.now(), bytes: 0, kind: 'resume', method, message: { detail } });
  }

  /** A plain shell given our JSON as commands: no m2m server is there. */
  noteStderr(line: string): void {
    if (this.options.shellMode && /jsonrpc/.test(line) && /not found|No such file/i.test(line)) {
      this.fail(`${this.options.remoteLabel} runs no m2m MCP server: its shell tried to run the JSON as a command; give the remote a command that starts an MCP server (burrow remote add … --command 'CMD', or --command with connect --host)`);
    }
  }

  private fromHost(line: Uint8Array): void {
    const tap = this.options.tap?.();
    const { infos, value } = inspectLine(line, !!tap?.wantsValue && line.length <= INSPECT_MAX_BYTES);
    const now = Date.now();
    const ids: (string | number)[] = [];
    for (const info of infos) {
      if (info.kind === 'request' && info.id !== undefined) {
        this.notePending(info, now);
        ids.push(info.id);
      }
      if (this.readsWhole(info.method)) this.noteSetup(info, line, infos.length === 1 ? (value ?? parseLine(line)) : undefined);
      if (tap) tap(this.traffic('to-remote', line.length, info.kind, info.method, info.id, undefined, tap.wantsValue ? value : undefined), line);
    }
    if (this.failure !== undefined) {
      if (this.firstRequestWaiter && this.sawRequest) this.firstRequestWaiter();
      else this.answerPending(this.failure);
      return;
    }
    if (this.offline) return this.answerOffline(line);
    if (!this.upstream || this.restoring) {
      // The fresh server may ask the host something (roots) before it answers: the host's answers go through.
      if (this.upstream && infos.every((i) => i.kind === 'response')) {
        this.upstream.end.send(line);
        return;
      }
      if (infos.length === 1 && infos[0].method === 'notifications/cancelled' && this.dropQueued(value ?? parseLine(line))) return;
      this.enqueue(line, ids);
      return;
    }
    if (!this.upstream.end.send(line)) this.host.pause();
  }

  /** A request from the host now waits for its answer; the server's answers to `initialize` and first list pages are kept (resume, catalog). */
  private notePending(info: MessageInfo, now: number): void {
    const capture = !!this.options.resume && (info.method === 'initialize' || isCatalogList(info.method));
    this.pending.set(info.id!, { method: info.method!, at: now, capture });
    this.sawRequest = true;
  }

  /** A host message the session reads whole: the `initialize` that names the client, and what a resume replays. */
  private readsWhole(method: string | undefined): boolean {
    return (!this.clientNamed && method === 'initialize') || (!!this.options.resume && SessionSetup.notes(method));
  }

  /** `message` is the parsed line when it holds this one message only (not a batch). */
  private noteSetup(info: MessageInfo, line: Uint8Array, message: unknown): void {
    if (!this.clientNamed && info.kind === 'request' && info.method === 'initialize') this.nameClient(message ?? line);
    if (this.options.resume && SessionSetup.notes(info.method)) this.setup.noteFromHost(info.method!, line, message, info.id);
  }

  /** Holds a line until there is an upstream; during an outage its requests fail after `resumeWaitSec`. */
  private enqueue(line: Uint8Array, ids: (string | number)[]): void {
    const entry: QueuedLine = { line, ids };
    this.queued.push(entry);
    if (!this.outage || ids.length === 0) return;
    const waitMs = this.options.resume!.waitMs();
    entry.timer = setTimeout(() => {
      this.queued = this.queued.filter((q) => q !== entry);
      const why = this.outage?.reason ?? 'it is being restored';
      for (const id of ids) {
        if (!this.pending.delete(id)) continue;
        this.host.send(Buffer.from(errorResponse(id, `${this.options.remoteLabel} is still unreachable after ${Math.round(waitMs / 1000)} s (${why}); the request was not sent: retry later`)));
      }
    }, waitMs);
    entry.timer.unref();
  }

  /**
   * The host cancelled a request that still waits for the remote: it is never sent (a tool call the person
   * stopped must not run later on the fresh server), gets no answer, and the server is not told either. A cancel
   * for a request Burrow already answered (in flight at the drop) is dropped too: no fresh server saw that request.
   */
  private dropQueued(cancel: unknown): boolean {
    const id = obj(obj(cancel)?.params)?.requestId;
    if (typeof id !== 'string' && typeof id !== 'number') return false;
    if (!this.pending.has(id)) return true;
    const index = this.queued.findIndex((q) => q.ids.length === 1 && q.ids[0] === id);
    if (index < 0) return false;
    clearTimeout(this.queued[index].timer);
    this.queued.splice(index, 1);
    this.pending.delete(id);
    return true;
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
    if (this.fresh?.takeAnswer(line)) return;
    if (this.pending.size > 0 || tap) {
      const { infos, value } = inspectLine(line, !!tap?.wantsValue && line.length <= INSPECT_MAX_BYTES);
      for (const info of infos) {
        let latency: number | undefined;
        let method = info.method;
        if (info.kind === 'response' && info.id !== undefined) {
          const request = this.pending.get(info.id);
          if (request) {
            latency = Date.now() - request.at;
            method = request.method;
            this.pending.delete(info.id);
            if (request.capture && infos.length === 1) this.capture(request.method, value ?? parseLine(line));
            if (this.pending.size === 0) this.closeIfLingering();
          }
        }
        if (tap) tap(this.traffic('to-host', line.length, info.kind, method, info.id, latency, tap.wantsValue ? value : undefined), line);
      }
    }
    if (!this.host.send(line)) this.upstream?.end.pause();
  }

  /** The server's answer to `initialize` or a first list page, kept for a resume and for the catalog. */
  private capture(method: string, message: unknown): void {
    const result = obj(obj(message)?.result);
    if (!result) return;
    if (method === 'initialize') this.setup.serverInit = result;
    else if (isCatalogList(method)) this.setup.lists[method] = result;
    this.saveCatalog();
  }

  /**
   * A long line from the host goes up as it arrives, while the session relays normally; its id and method are
   * read on the way (EnvelopeScanner) and the request is recorded when its last byte has gone, before any answer
   * can come. In any other state (connecting, restoring, failed, offline) it is held whole as before.
   */
  private longFromHost(head: Uint8Array): LongLine | undefined {
    const upstream = this.upstream;
    const end = upstream?.end;
    if (!end?.sendPart || this.restoring || this.failure !== undefined || this.offline || firstSignificantByte(head) !== 0x7b) return undefined;
    const generation = this.generation;
    const live = () => generation === this.generation && this.failure === undefined && !this.closed;
    const scanner = new EnvelopeScanner();
    let relayed = 0;
    let cut = false;
    // Kept until its method shows it is not one the session reads whole (an `initialize`, what a resume replays).
    let kept: Uint8Array[] | undefined = [];
    return {
      part: (bytes, over) => {
        scanner.push(bytes);
        if (kept) {
          const method = scanner.seen().method;
          if (method !== undefined && !this.readsWhole(method)) kept = undefined;
          else kept.push(bytes);
        }
        if (!live() || cut) return;
        if (over) {
          cut = true;
          end.endParts!(true);
          return;
        }
        relayed += bytes.length;
        if (!end.sendPart!(bytes)) this.host.pause();
      },
      end: (bytes, complete) => {
        if (this.closed) return;
        if (cut) return this.hostOversize(bytes, scanner.seen(), relayed);
        if (!complete) return end.endParts!(true);
        const info = scanner.result();
        if (!live()) {
          // The remote went away while the message was on its way: it was not run anywhere.
          if (info.kind === 'request' && info.id !== undefined) {
            this.host.send(Buffer.from(errorResponse(info.id, `${this.failure ?? this.outage?.reason ?? 'the remote went away'} while the request was being sent: retry it`)));
          }
          return;
        }
        if (info.kind === 'request' && info.id !== undefined) this.notePending(info, Date.now());
        if (kept && this.readsWhole(info.method)) {
          const line = Buffer.concat(kept);
          this.noteSetup(info, line, parseLine(line));
        }
        end.endParts!(false);
        this.tapLong('to-remote', bytes, info);
      },
    };
  }

  /**
   * A long line from the remote goes to the host as it arrives, unless the session waits for an answer it must
   * read whole (the first `initialize` and list answers, kept for a resume, or a fresh server's setup).
   */
  private longFromRemote(head: Uint8Array, upstream: Upstream, current: () => boolean): LongLine | undefined {
    const host = this.host;
    if (!host.sendPart || this.fresh?.expectsAnswers || firstSignificantByte(head) !== 0x7b) return undefined;
    for (const request of this.pending.values()) if (request.capture) return undefined;
    const scanner = new EnvelopeScanner();
    let relayed = 0;
    let cut = false;
    let tooLong = false;
    // The remote going away mid-line ends the host's line at once: errors for its requests must not wait behind it.
    const stop = () => {
      if (cut) return;
      cut = true;
      host.endParts!(true);
    };
    this.stopLongToHost = stop;
    return {
      part: (bytes, over) => {
        scanner.push(bytes);
        if (!current() || cut) return;
        if (over) {
          tooLong = true;
          return stop();
        }
        relayed += bytes.length;
        if (!host.sendPart!(bytes)) upstream.end.pause();
      },
      end: (bytes, complete) => {
        if (this.stopLongToHost === stop) this.stopLongToHost = undefined;
        if (!current()) return stop();
        if (tooLong) return this.remoteOversize(bytes, scanner.seen(), relayed);
        if (cut) return;
        // Cut short by the remote's end: the host sees a malformed line; its request is answered as the end says.
        if (!complete) return stop();
        host.endParts!(false);
        const info = scanner.result();
        let latency: number | undefined;
        let method = info.method;
        const request = info.kind === 'response' && info.id !== undefined ? this.pending.get(info.id) : undefined;
        if (request) {
          latency = Date.now() - request.at;
          method = request.method;
          this.pending.delete(info.id!);
          if (this.pending.size === 0) this.closeIfLingering();
        }
        this.tapLong('to-host', bytes, { ...info, method }, latency);
      },
    };
  }

  /** A relayed long line in the traffic view: its envelope only (the view keeps no body this large). */
  private tapLong(direction: Direction, bytes: number, info: MessageInfo, latency?: number): void {
    const tap = this.options.tap?.();
    if (tap) tap(this.traffic(direction, bytes, info.kind, info.method, info.id, latency, undefined));
  }

  /** The host sent a message over the limit: it was dropped; its request gets an error instead of silence. */
  private hostOversize(bytes: number, info: { id?: string | number; method?: string }, relayed = 0): void {
    const what = relayed ? `only its first ${relayed} bytes reached ${this.options.remoteLabel}, ended by a newline` : `was not sent to ${this.options.remoteLabel}`;
    const text = `a message of ${bytes} bytes from the MCP host is over Burrow's limit of ${this.options.maxLineBytes} bytes and ${what}`;
    this.options.logger.error(`session ${this.id}: ${text}`);
    if (info.id !== undefined && info.method) this.host.send(Buffer.from(errorResponse(info.id, text)));
  }

  /** The remote sent a message over the limit: the host's request it answers gets an error; a request from the remote gets one back. */
  private remoteOversize(bytes: number, info: { id?: string | number; method?: string }, relayed = 0): void {
    const what = relayed ? `only its first ${relayed} bytes were relayed, ended by a newline` : 'was dropped';
    const text = `a message of ${bytes} bytes from ${this.options.remoteLabel} is over Burrow's limit of ${this.options.maxLineBytes} bytes and ${what}`;
    this.options.logger.error(`session ${this.id}: ${text}`);
    if (info.id === undefined) return;
    if (info.method) {
      this.upstream?.end.send(Buffer.from(errorResponse(info.id, text)));
    } else if (this.pending.delete(info.id)) {
      this.host.send(Buffer.from(errorResponse(info.id, text)));
    }
  }

  private traffic(direction: Direction, bytes: number, kind: string, method: string | undefined, id: string | number | undefined, latencyMs: number | undefined, value: unknown): TrafficEntry {
    return {
      sessionId: this.id,
      remote: this.options.remoteLabel,
      direction,
      time: Date.now(),
      bytes,
      kind,
      method,
      id,
      latencyMs,
      // A message not parsed (over the tap's limit) has no value: shown as too large.
      message: bytes <= INSPECT_MAX_BYTES ? value : undefined,
    };
  }

  private hostFinished(): void {
    // A session already over closes the host's streams itself: their end is no news.
    if (this.closed) return;
    this.hostEnded = true;
    if (this.failure !== undefined) return this.finish();
    this.options.logger.info(`session ${this.id}: host closed its end`);
    if (this.outage || this.offline) {
      // Nobody will wait for the remote to come back: what waited gets the reason, and the session ends.
      this.answerPending(`${this.options.remoteLabel} is unreachable (${this.waitingFor()}); the request was not sent`);
      // A fresh server still being set up has nobody to serve.
      this.upstream?.end.close();
      return this.finish();
    }
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
    this.restoring = false;
    this.stopLongToHost?.();
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
    for (const entry of this.queued) clearTimeout(entry.timer);
    this.fresh?.close();
    this.retryNow();
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

function parseLine(line: Uint8Array): unknown {
  try {
    return JSON.parse(Buffer.from(line).toString('utf8'));
  } catch {
    return undefined;
  }
}
