/**
 * The local socket between `burrow connect --remote` (or the CLI) and the engine. Every connection starts with one
 * hello line from the client.
 * - A session uses two connections. The control connection says `connect` (token, remote) and gets back one
 *   `ready` line with a ticket, then only control notices (status lines, the final error, the exit status).
 *   The data connection says `data` with that ticket; after that hello it carries protocol bytes only, both ways,
 *   so the helper pipes it to stdio without looking at a byte.
 * - Or the `connect` names a hand-over socket of the helper's (`handoff`): the engine takes the host's stdin and
 *   stdout from it before it replies, and a `ready` with `handoff: true` means there is no data connection at all
 *   (stdio-handoff.ts). Without `handoff: true` the helper goes on with the ticket as above.
 * - A `request` connection runs one command of the command table and gets one reply line.
 * - A `subscribe` connection gets one `subscribed` line, then the engine's UI events (the table's `subscribe`),
 *   one JSON line each, until either side closes it; the engine closes it as its process ends.
 */
import type { ControlNotice } from '../relay/line-end.js';

export const IPC_PROTOCOL_VERSION = 2;

interface HelloBase {
  v: number;
  token: string;
  client: string;
}

export interface ConnectHello extends HelloBase {
  op: 'connect';
  /** The saved remote whose MCP server to relay; absent for a tools session. */
  remote?: string;
  /** `burrow connect --tools [--remote NAME]…`: Burrow's built-in SSH tools for these remotes (all tool-enabled when empty). */
  tools?: string[];
  /** `burrow connect --approval-timeout`: how long this session waits for a host-key approval. */
  approvalTimeoutSec?: number;
  /** The helper's hand-over socket, beside the engine's: the engine takes the host's stdio from it. */
  handoff?: string;
}

export interface DataHello extends HelloBase {
  op: 'data';
  ticket: string;
}

export interface RequestHello extends HelloBase {
  op: 'request';
  method: string;
  /** The command's arguments, as the table lists them. */
  params?: unknown;
}

export interface SubscribeHello extends HelloBase {
  op: 'subscribe';
  /** Relayed messages too; off unless asked (the relay copies them only while someone listens). */
  traffic?: boolean;
}

export type Hello = ConnectHello | DataHello | RequestHello | SubscribeHello;

/** The first line the engine sends on a control connection: go ahead with this ticket, or why not. */
export type ConnectReply = { type: 'ready'; pid: number; ticket: string } | { type: 'ready'; pid: number; handoff: true } | { type: 'error'; message: string };

/** The first line on a subscribe connection: the engine listens now (events follow), or why not. */
export type SubscribeReply = { type: 'subscribed'; pid: number } | { type: 'error'; message: string };

export type { ControlNotice };

export type RequestReply = { ok: true; result: unknown } | { ok: false; error: string };

export function encodeLine(value: unknown): string {
  return `${JSON.stringify(value)}\n`;
}

export function parseHello(text: string): Hello {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new Error('malformed hello: not JSON');
  }
  const hello = value as Partial<Hello>;
  if (!hello || typeof hello !== 'object') throw new Error('malformed hello: not an object');
  if (hello.v !== IPC_PROTOCOL_VERSION) throw new Error(`unsupported protocol version ${JSON.stringify(hello.v) ?? 'none'} (this Burrow speaks ${IPC_PROTOCOL_VERSION}: are two versions installed?)`);
  if (typeof hello.token !== 'string') throw new Error('malformed hello: no token');
  switch (hello.op) {
    case 'connect': {
      const tools = hello.tools;
      if (tools !== undefined && !(Array.isArray(tools) && tools.length <= 100 && tools.every((t) => typeof t === 'string' && t.length <= 64))) throw new Error('malformed hello: tools');
      if (tools === undefined && (typeof hello.remote !== 'string' || !hello.remote)) throw new Error('malformed hello: no remote');
      const timeout = hello.approvalTimeoutSec;
      if (timeout !== undefined && !(typeof timeout === 'number' && timeout > 0 && timeout <= 3600)) throw new Error('malformed hello: approvalTimeoutSec');
      if (hello.handoff !== undefined && !(typeof hello.handoff === 'string' && hello.handoff.length <= 200)) throw new Error('malformed hello: handoff');
      return hello as ConnectHello;
    }
    case 'data':
      if (typeof hello.ticket !== 'string' || !hello.ticket) throw new Error('malformed hello: no ticket');
      return hello as DataHello;
    case 'request':
      if (typeof hello.method !== 'string') throw new Error('malformed hello: no method');
      return hello as RequestHello;
    case 'subscribe':
      if (hello.traffic !== undefined && typeof hello.traffic !== 'boolean') throw new Error('malformed hello: traffic');
      return hello as SubscribeHello;
    default:
      throw new Error('malformed hello: unknown op');
  }
}
