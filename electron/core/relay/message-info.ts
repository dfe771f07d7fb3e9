/** What the relay needs to know of a JSON-RPC message: its kind, id and method. Nothing else is touched. */
export interface MessageInfo {
  kind: 'request' | 'notification' | 'response' | 'invalid';
  id?: string | number;
  method?: string;
}

export interface InspectedLine {
  infos: MessageInfo[];
  /** The parsed value, kept for the inspector tap. */
  value: unknown;
}

function infoOf(value: unknown): MessageInfo {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return { kind: 'invalid' };
  const m = value as { id?: unknown; method?: unknown };
  const id = typeof m.id === 'string' || typeof m.id === 'number' ? m.id : undefined;
  if (typeof m.method === 'string') return id === undefined ? { kind: 'notification', method: m.method } : { kind: 'request', id, method: m.method };
  if (id !== undefined) return { kind: 'response', id };
  return { kind: 'invalid' };
}

// Below this, JSON.parse is cheaper than anything clever; above it, building the value is wasted work.
const SCAN_THRESHOLD_BYTES = 16 * 1024;

/**
 * Reads what the relay needs of one line. `wantValue` (the inspector listening) parses it whole;
 * otherwise a large message is only scanned for its top-level "id" and "method".
 */
export function inspectLine(line: Uint8Array, wantValue = true): InspectedLine {
  if (!wantValue && line.length >= SCAN_THRESHOLD_BYTES) {
    const info = scanEnvelope(line);
    if (info) return { infos: [info], value: undefined };
  }
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(line.buffer, line.byteOffset, line.byteLength).toString('utf8'));
  } catch {
    return { infos: [{ kind: 'invalid' }], value: undefined };
  }
  return { infos: Array.isArray(value) ? value.map(infoOf) : [infoOf(value)], value };
}

/** A JSON-RPC error response, for requests that cannot be answered by the remote any more. */
export function errorResponse(id: string | number, message: string, code = -32000): string {
  return `${JSON.stringify({ jsonrpc: '2.0', id, error: { code, message } })}\n`;
}

/** Tells a server to stop working on a request nobody will read the answer of. */
export function cancelNotification(id: string | number, reason: string): string {
  return `${JSON.stringify({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: id, reason } })}\n`;
}

/**
 * The id and method of a message known only by its first bytes (a dropped, oversized one). Messages put them
 * first in practice; a nested "id" further in could be mistaken, which only costs an extra error line.
 */
export function scanHead(head: Uint8Array): { id?: string | number; method?: string } {
  const text = Buffer.from(head.buffer, head.byteOffset, head.byteLength).toString('utf8');
  const id = /"id"\s*:\s*("(?:[^"\\]|\\.)*"|-?\d+)/.exec(text)?.[1];
  const method = /"method"\s*:\s*"((?:[^"\\]|\\.)*)"/.exec(text)?.[1];
  return { id: id === undefined ? undefined : (JSON.parse(id) as string | number), method };
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * The kind, id and method of a top-level JSON object, found by walking its keys and skipping
 * their values (strings by native indexOf), without building anything. Undefined when the line
 * is not a plain object or is malformed: the caller then parses it the ordinary way.
 */
export function scanEnvelope(line: Uint8Array): MessageInfo | undefined {
  const buf = Buffer.from(line.buffer, line.byteOffset, line.byteLength);
  let i = skipSpace(buf, 0);
  if (buf[i] !== 0x7b /* { */) return undefined;
  i = skipSpace(buf, i + 1);
  let id: string | number | undefined;
  let method: string | undefined;
  let hasId = false;
  if (buf[i] === 0x7d /* } */) return { kind: 'invalid' };
  for (;;) {
    if (buf[i] !== QUOTE) return undefined;
    const keyEnd = stringEnd(buf, i);
    if (keyEnd < 0) return undefined;
    const key = buf.toString('latin1', i + 1, keyEnd);
    i = skipSpace(buf, keyEnd + 1);
    if (buf[i] !== 0x3a /* : */) return undefined;
    i = skipSpace(buf, i + 1);
    const valueEnd = skipValue(buf, i);
    if (valueEnd < 0) return undefined;
    if (key === 'id' || key === 'method') {
      let v: unknown;
      try {
        v = JSON.parse(buf.toString('utf8', i, valueEnd));
      } catch {
        return undefined;
      }
      if (key === 'method') method = typeof v === 'string' ? v : undefined;
      else if (typeof v === 'string' || typeof v === 'number') {
        id = v;
        hasId = true;
      }
    }
    i = skipSpace(buf, valueEnd);
    if (buf[i] === 0x2c /* , */) {
      i = skipSpace(buf, i + 1);
      continue;
    }
    if (buf[i] !== 0x7d) return undefined;
    break;
  }
  if (method !== undefined) return hasId ? { kind: 'request', id, method } : { kind: 'notification', method };
  return hasId ? { kind: 'response', id } : { kind: 'invalid' };
}

function skipSpace(buf: Buffer, i: number): number {
  while (i < buf.length) {
    const b = buf[i];
    if (b !== 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d) break;
    i++;
  }
  return i;
}

/** Index of the quote that closes the string opening at `start`, or -1. */
function stringEnd(buf: Buffer, start: number): number {
  let i = start + 1;
  for (;;) {
    const q = buf.indexOf(QUOTE, i);
    if (q < 0) return -1;
    let backslashes = 0;
    for (let j = q - 1; j > start && buf[j] === BACKSLASH; j--) backslashes++;
    if (backslashes % 2 === 0) return q;
    i = q + 1;
  }
}

/** Index just past the JSON value starting at `start`, or -1. Containers are skipped by depth, strings whole. */
function skipValue(buf: Buffer, start: number): number {
  const first = buf[start];
  if (first === QUOTE) {
    const end = stringEnd(buf, start);
    return end < 0 ? -1 : end + 1;
  }
  if (first === 0x7b || first === 0x5b) {
    let depth = 0;
    for (let i = start; i < buf.length; i++) {
      const b = buf[i];
      if (b === QUOTE) {
        const end = stringEnd(buf, i);
        if (end < 0) return -1;
        i = end;
      } else if (b === 0x7b || b === 0x5b) depth++;
      else if (b === 0x7d || b === 0x5d) {
        depth--;
        if (depth === 0) return i + 1;
      }
    }
    return -1;
  }
  let i = start;
  while (i < buf.length) {
    const b = buf[i];
    if (b === 0x2c || b === 0x7d || b === 0x5d || b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09) break;
    i++;
  }
  return i > start ? i : -1;
}

/** A JSON-RPC result, for requests Burrow answers itself (a remote that is down, answered from its catalog). */
export function resultResponse(id: string | number, result: unknown): string {
  return `${JSON.stringify({ jsonrpc: '2.0', id, result })}\n`;
}

/** A JSON-RPC request or notification Burrow sends on its own (restoring a resumed session). */
export function requestLine(method: string, params?: unknown, id?: string | number): string {
  return `${JSON.stringify({ jsonrpc: '2.0', ...(id === undefined ? {} : { id }), method, ...(params === undefined ? {} : { params }) })}\n`;
}
