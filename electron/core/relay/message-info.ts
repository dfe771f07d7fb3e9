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

export function inspectLine(line: Uint8Array): InspectedLine {
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
