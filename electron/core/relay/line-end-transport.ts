import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { serializeMessage } from '@modelcontextprotocol/sdk/shared/stdio.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { deliverLine } from './json-rpc-line.js';
import type { HostEnd } from './line-end.js';

/**
 * The SDK's Transport over a host end: an MCP server inside the engine (Burrow's built-in SSH tools) speaks to the
 * helper's socket end directly. Closing ends the host's side with exit status 0.
 */
export class LineEndTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;
  private closed = false;

  /** `afterReply`: called once each response has gone to the host (a tools session's state may have changed). */
  constructor(
    private readonly end: HostEnd,
    private readonly afterReply?: () => void,
  ) {}

  async start(): Promise<void> {
    this.end.onLine = (line) => deliverLine(line, this);
    // The host closed its side: the server's session is over.
    this.end.onEnd = () => void this.close();
    this.end.start();
  }

  async send(message: JSONRPCMessage): Promise<void> {
    if (this.closed) return;
    this.end.send(Buffer.from(serializeMessage(message)));
    if (this.afterReply && 'id' in message && ('result' in message || 'error' in message)) this.afterReply();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.end.notify({ type: 'exit', code: 0 });
    this.end.end();
    this.onclose?.();
  }
}
