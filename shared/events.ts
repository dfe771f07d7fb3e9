import type { EngineSettings, RemoteStatus, TrafficEntry } from './api.js';
import type { ApprovalDecision, HostKeyAlert, PendingApproval } from './approvals.js';

/** How a connection to a remote is doing, as the pool reports it (one per remote; RemoteStatus adds approvals and sessions). */
export type ConnectionState = 'connecting' | 'connected' | 'idle' | 'reconnecting' | 'error' | 'disconnected';

/**
 * Every event of the engine, by name → payload: the pool, the approval broker and the session manager emit through it;
 * the window, the web UI, the tray and `burrow status --watch` subscribe to it.
 */
export interface EngineEventMap {
  /** The pool's view of one remote's connection. */
  'connection-state': { remote: string; state: ConnectionState; detail?: string };
  /** What a person sees for a remote: connection, approvals and sessions folded into one state. */
  'remote-state': { status: RemoteStatus };
  /** Saved remotes or settings changed (from any surface): every screen reads again. */
  'remotes-changed': { remote?: string };
  'session-opened': { id: number; remote: string };
  'session-closed': { id: number; remote: string; clean: boolean; error?: string };
  /** A host session's MCP host said its name (clientInfo in its `initialize`). */
  'session-named': { id: number; remote: string; client: string };
  /** The engine's settings changed (from any surface). */
  'settings-changed': { settings: EngineSettings };
  /** A session lost its remote and waits for it (`detail`: why), or relays again (resumed). */
  'session-waiting': { id: number; remote: string; waiting: boolean; detail: string };
  'approval-added': { approval: PendingApproval };
  /** `withdrawn`: whoever asked stopped waiting first (an MCP host cancelled the tool call). */
  'approval-removed': { id: string; remote?: string; outcome: ApprovalDecision | 'timeout' | 'withdrawn' };
  'host-key-alert': { alert: HostKeyAlert };
  'host-key-alert-dismissed': { id: string };
  /** A copy of one relayed message; emitted only while someone listens to this event. */
  traffic: { entry: TrafficEntry };
  'catalog-changed': { remote: string };
  /** Burrow's own inspector session of a remote was used (its idle end moved: `closesAt`, ISO) or closed (no `closesAt`). */
  'inspector-session': { remote: string; closesAt?: string };
  /** A session of the built-in SSH tools opened or closed, or what it has open changed (ssh_connect, shells, forwards). */
  'tool-sessions-changed': Record<never, never>;
  'paused-changed': { paused: boolean };
  /** An edge device's reverse tunnel came up or went down (the embedded SSH server). */
  tunnel: { device: string; state: 'up' | 'down' };
}

export type EngineEventName = keyof EngineEventMap;

/** One event as it crosses a bridge: its name as `type`, its payload's fields beside it. */
export type BurrowEvent = { [K in EngineEventName]: { type: K } & EngineEventMap[K] }[EngineEventName];

/** Events the UIs receive (the rest are the engine's own bookkeeping). */
export const UI_EVENTS = [
  'remote-state',
  'remotes-changed',
  'session-opened',
  'session-closed',
  'session-named',
  'settings-changed',
  'session-waiting',
  'approval-added',
  'approval-removed',
  'host-key-alert',
  'host-key-alert-dismissed',
  'traffic',
  'catalog-changed',
  'inspector-session',
  'tool-sessions-changed',
  'paused-changed',
] as const satisfies readonly EngineEventName[];
