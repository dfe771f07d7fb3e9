import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { serializeMessage } from '@modelcontextprotocol/sdk/shared/stdio.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { createEndPair, type InProcessEnd } from '../relay/ends/in-process-ends.js';
import { deliverLine } from '../relay/json-rpc-line.js';

/**
 * The SDK's Transport over an in-process end pair: the inspector's own client joins the engine as one more host
 * session (`hostEnd` goes to the engine), so it shares the pooled SSH connection, waits on the same host-key
 * approvals, and its calls show in the traffic view like any host's.
 */
export class RelayTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;
  /** The last error notice of the session (why it ended), said to the person instead of a bare JSON-RPC code. */
  lastError?: string;
  /** The end the engine's session relays to. */
  readonly hostEnd: InProcessEnd;
  private readonly own: InProcessEnd;
  private closed = false;

  constructor() {
    [this.hostEnd, this.own] = createEndPair();
    this.own.onLine = (line) => deliverLine(line, this);
    this.own.onEnd = () => this.finish();
    this.own.onNotice = (notice) => {
      if (notice.type === 'error') this.lastError = notice.message;
    };
  }

  async start(): Promise<void> {
    this.own.start();
  }

  async send(message: JSONRPCMessage): Promise<void> {
    if (this.closed) throw new Error(this.lastError ?? 'the inspector session is closed');
    this.own.send(Buffer.from(serializeMessage(message)));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.own.end();
    this.finish();
  }

  private finish(): void {
    if (this.closed) return;
    this.closed = true;
    this.onclose?.();
  }
}
