import type { SessionInfo, TrafficEntry } from '../../shared/api.js';
import type { EngineEventMap } from '../../shared/events.js';
import { runsNoServer, runsServer, type Remote } from '../../shared/remote.js';
import type { AuditLog } from './audit/audit-log.js';
import type { Connector } from './connector.js';
import { BurrowError } from './errors.js';
import { INSPECTOR_CLIENT_NAME } from '../../shared/inspector-client.js';
import type { EventBus } from './events/event-bus.js';
import type { Logger } from './logging/logger.js';
import type { CatalogCache } from './relay/catalog-cache.js';
import { HostSession, type ResumeOptions, type Upstream } from './relay/host-session.js';
import { ChannelEnd } from './relay/ends/channel-end.js';
import type { TrafficHistory } from './relay/traffic-history.js';
import type { HostEnd } from './relay/line-end.js';
import type { ChannelSpec, ConnectionPool } from './ssh/connection-pool.js';

export interface SessionManagerDeps {
  events: EventBus<EngineEventMap>;
  pool: ConnectionPool;
  audit: AuditLog;
  logger: Logger;
  maxMessageBytes: number;
  /** Keeps the last relayed messages for the traffic view; without it messages are copied only while someone listens. */
  history?: TrafficHistory;
  /** How long a request waits for a session's remote to come back (`resumeWaitSec`). */
  resumeWaitMs: () => number;
  /** What relayed sessions saw of each remote's server, for a session that starts while it is down. */
  catalogs?: CatalogCache;
}

export interface AcceptOptions {
  /** How long this session is willing to wait for a host-key approval or a secret. */
  approvalTimeoutMs?: number;
  /** The client's name when known before its `initialize` (Burrow's own inspector). */
  client?: string;
}

/**
 * The sessions of one engine: accepts host ends (refusing new ones while paused, at accept time), gives each a
 * HostSession on a channel of its remote's pooled connection, and keeps the list `burrow status` shows.
 */
export class SessionManager {
  private readonly live = new Map<number, { session: HostSession; info: SessionInfo }>();
  private nextId = 1;
  private paused = false;
  private drained?: () => void;

  constructor(private readonly deps: SessionManagerDeps) {}

  isPaused(): boolean {
    return this.paused;
  }

  setPaused(paused: boolean): void {
    if (this.paused === paused) return;
    this.paused = paused;
    this.deps.events.emit('paused-changed', { paused });
  }

  /** Throws the one-line refusal a helper shows when no new session may start. */
  checkAccepting(): void {
    if (this.paused) throw new BurrowError('Burrow is paused: choose Resume in its tray menu, then retry', 'daemon');
  }

  accept(connector: Connector, host: HostEnd, options: AcceptOptions = {}): HostSession {
    this.checkAccepting();
    const remote = connector.remote;
    const spec = channelSpec(remote);
    const id = this.nextId++;
    const info: SessionInfo = { id, remote: remote.name, openedAt: new Date().toISOString(), ...(options.client ? { client: options.client } : {}) };
    const { events, audit, logger, catalogs } = this.deps;
    const resume: ResumeOptions | undefined =
      remote.resume === false
        ? undefined
        : {
            waitMs: this.deps.resumeWaitMs,
            catalog: catalogs && { load: () => catalogs.load(remote.name), save: (c) => catalogs.save(remote.name, c) },
            onWaiting: (waiting, detail) => {
              info.waitingFor = waiting ? remote.name : undefined;
              audit.record({ event: 'session', remote: remote.name, session: id, state: waiting ? 'waiting' : 'resumed', error: waiting ? detail : undefined });
              events.emit('session-waiting', { id, remote: remote.name, waiting, detail });
            },
          };
    const session: HostSession = new HostSession(host, {
      id,
      remoteLabel: remote.name,
      remoteWhat: spec.mode === 'exec' ? `remote command "${spec.command}"` : 'remote MCP server',
      shellMode: spec.mode === 'shell',
      logger,
      maxLineBytes: this.deps.maxMessageBytes,
      resume,
      openUpstream: (status) => this.openUpstream(connector, spec, status, options, (line) => session.noteStderr(line)),
      // Made once per session (asked for every relayed message). With nobody watching, the history keeps the
      // lines as text: nothing is parsed for it.
      tap: (() => {
        const { history } = this.deps;
        const tapFor = (live: boolean) =>
          Object.assign(
            (entry: TrafficEntry, line?: Uint8Array) => {
              entry.client = info.client;
              history?.add(entry, line);
              if (live) events.emit('traffic', { entry });
            },
            { wantsValue: live },
          );
        const [quiet, watched] = [tapFor(false), tapFor(true)];
        return () => (events.listening('traffic') ? watched : history ? quiet : undefined);
      })(),
      // Shown by `burrow status` and the window's session list.
      onClient: (client) => {
        info.client = client;
        events.emit('session-named', { id, remote: remote.name, client });
      },
      onClosed: (_s, outcome) => {
        this.live.delete(id);
        audit.record({ event: 'session', remote: remote.name, session: id, state: outcome.clean ? 'closed' : 'failed', error: outcome.error });
        events.emit('session-closed', { id, remote: remote.name, clean: outcome.clean, error: outcome.error });
        if (this.live.size === 0) this.drained?.();
      },
    });
    this.live.set(id, { session, info });
    audit.record({ event: 'session', remote: remote.name, session: id, state: 'open' });
    events.emit('session-opened', { id, remote: remote.name });
    session.start();
    return session;
  }

  private async openUpstream(connector: Connector, spec: ChannelSpec, status: (m: string) => void, options: AcceptOptions, onStderr: (line: string) => void): Promise<Upstream> {
    const stopWaiting = connector.wait(status, options.approvalTimeoutMs);
    try {
      const lease = await this.deps.pool.openChannel(connector, spec);
      const end = new ChannelEnd(lease.channel, {
        maxLineBytes: this.deps.maxMessageBytes,
        onStderr: (line) => {
          this.deps.logger.debug(`${connector.label} stderr: ${line}`);
          onStderr(line);
        },
      });
      return {
        end,
        release: () => lease.release(),
        connectionAlive: () => lease.connectionAlive(),
        onConnectionLost: (listener) => {
          lease.onConnectionLost = listener;
        },
      };
    } finally {
      stopWaiting();
    }
  }

  list(): SessionInfo[] {
    return [...this.live.values()].map((s) => ({ ...s.info }));
  }

  /** Sessions of a remote that wait for it to come back (down, or being restored). */
  waiting(remote: string): number {
    let n = 0;
    for (const s of this.live.values()) if (s.info.remote === remote && s.info.waitingFor) n++;
    return n;
  }

  /** The machine woke up: sessions waiting for their remote try again now instead of after their pause. */
  retryNow(): void {
    for (const { session } of this.live.values()) session.retryNow();
  }

  /** Sessions of MCP apps on a remote: Burrow's own inspector session is not one (it is shown apart). */
  appCount(remote: string): number {
    let n = 0;
    for (const s of this.live.values()) if (s.info.remote === remote && s.info.client !== INSPECTOR_CLIENT_NAME) n++;
    return n;
  }

  count(): number {
    return this.live.size;
  }

  /** Resolves once no session is open (a stopping engine lets them finish). */
  drain(): Promise<void> {
    if (this.live.size === 0) return Promise.resolve();
    return new Promise((resolve) => {
      this.drained = resolve;
    });
  }

  abortAll(error: BurrowError): void {
    for (const { session } of this.live.values()) session.abort(error);
  }

  /** Ends one client's sessions now, wherever they are (connecting, waiting for an approval, relaying). */
  abortClient(client: string, error: BurrowError): void {
    for (const { session, info } of this.live.values()) if (info.client === client) session.abort(error);
  }
}

export function channelSpec(remote: Remote): ChannelSpec {
  if (!runsServer(remote)) {
    throw new BurrowError(
      `${runsNoServer(remote.name)}: MCP hosts reach those through the tools entry (burrow install HOST --tools), a person with burrow tools @tools; to relay a server it runs: burrow remote edit ${remote.name} --command 'CMD'`,
      'config',
    );
  }
  return remote.mode === 'exec' ? { mode: 'exec', command: remote.command! } : { mode: 'shell' };
}
