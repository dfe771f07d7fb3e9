import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';

/** Where one line's messages go: an SDK transport's own callbacks. */
interface MessageSink {
  onmessage?: (message: JSONRPCMessage) => void;
  onerror?: (error: Error) => void;
}

/** Hands the JSON-RPC messages of one line (one message, or a batch) to an SDK transport inside the engine. */
export function deliverLine(line: Uint8Array, to: MessageSink): void {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(line).toString('utf8'));
  } catch (error) {
    to.onerror?.(error as Error);
    return;
  }
  for (const message of Array.isArray(value) ? value : [value]) to.onmessage?.(message as JSONRPCMessage);
}
