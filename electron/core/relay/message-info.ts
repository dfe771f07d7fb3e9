import { EnvelopeScanner } from './envelope-scanner.js';

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

/**
 * The kind, id and method of a whole line that holds one top-level JSON object, read by EnvelopeScanner without
 * building anything. Undefined when the line is not a plain object or is malformed: the caller then parses it.
 */
export function scanEnvelope(line: Uint8Array): MessageInfo | undefined {
  const scanner = new EnvelopeScanner();
  scanner.push(line);
  return scanner.finished();
}

/** A JSON-RPC result, for requests Burrow answers itself (a remote that is down, answered from its catalog). */
export function resultResponse(id: string | number, result: unknown): string {
  return `${JSON.stringify({ jsonrpc: '2.0', id, result })}\n`;
}

/** A JSON-RPC request or notification Burrow sends on its own (restoring a resumed session). */
export function requestLine(method: string, params?: unknown, id?: string | number): string {
  return `${JSON.stringify({ jsonrpc: '2.0', ...(id === undefined ? {} : { id }), method, ...(params === undefined ? {} : { params }) })}\n`;
}
