/**
 * The local socket between `burrow connect` (or the CLI) and the engine.
 * The first line from the client is a hello; after a `connect` hello, both sides speak NDJSON.
 * Lines from the engine that start with "!" are control notices for the helper, never relayed:
 * the relay only forwards lines that start with "{" or "[", so they cannot collide.
 */
export const IPC_PROTOCOL_VERSION = 1;
export const CONTROL_PREFIX = 0x21; // "!"

export interface ConnectHello {
  v: number;
  token: string;
  op: 'connect';
  remote: string;
  client: string;
  /** `burrow connect --approval-timeout`: how long this session waits for a host-key approval. */
  approvalTimeoutSec?: number;
}

export interface RequestHello {
  v: number;
  token: string;
  op: 'request';
  method: string;
  params?: unknown;
  client: string;
}

export type Hello = ConnectHello | RequestHello;

export type ControlNotice =
  | { type: 'status'; message: string }
  | { type: 'error'; message: string };

export type RequestReply = { ok: true; result: unknown } | { ok: false; error: string };

export function encodeControl(notice: ControlNotice): string {
  return `!${JSON.stringify(notice)}\n`;
}

export function decodeControl(line: Uint8Array): ControlNotice | undefined {
  try {
    const text = new TextDecoder().decode(line.subarray(1));
    const notice = JSON.parse(text) as ControlNotice;
    if (notice && (notice.type === 'status' || notice.type === 'error') && typeof notice.message === 'string') {
      return notice;
    }
  } catch {
    // fall through: a malformed notice is treated as absent
  }
  return undefined;
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
  if (hello.v !== IPC_PROTOCOL_VERSION) throw new Error(`unsupported protocol version ${String(hello.v)}`);
  if (typeof hello.token !== 'string') throw new Error('malformed hello: no token');
  if (hello.op === 'connect') {
    if (typeof hello.remote !== 'string' || !hello.remote) throw new Error('malformed hello: no remote');
    const timeout = hello.approvalTimeoutSec;
    if (timeout !== undefined && !(typeof timeout === 'number' && timeout > 0 && timeout <= 3600)) throw new Error('malformed hello: approvalTimeoutSec');
    return hello as ConnectHello;
  }
  if (hello.op === 'request') {
    if (typeof (hello as RequestHello).method !== 'string') throw new Error('malformed hello: no method');
    return hello as RequestHello;
  }
  throw new Error('malformed hello: unknown op');
}
