import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';

/** The JSON-RPC messages of one line (one message, or a batch), for the SDK transports inside the engine. */
export function messagesOfLine(line: Uint8Array): JSONRPCMessage[] {
  const value: unknown = JSON.parse(Buffer.from(line).toString('utf8'));
  return (Array.isArray(value) ? value : [value]) as JSONRPCMessage[];
}
