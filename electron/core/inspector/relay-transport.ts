import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { serializeMessage } from '@modelcontextprotocol/sdk/shared/stdio.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import type { ControlNotice } from '../ipc/ipc-protocol.js';
import type { HostEnd } from '../relay/line-end.js';

/**
 * The SDK's Transport on one side, a relay HostEnd on the other: the inspector's own client joins the engine
 * as one more host session, so it shares the pooled SSH connection, waits on the same host-key approvals,
 * and its calls show in the traffic view like any host's.
 */
export class RelayTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;
  /** The last error notice of the session (why it ended), said to the person instead of a bare JSON-RPC code. */
  lastError?: string;
  onStatus?: (message: string) => void;
  private closed = false;

  readonly host: HostEnd = {
    start: () => {},
    send: (line) => {
      this.deliver(line);
      return true;
    },
    pause: () => {},
    resume: () => {},
    end: () => this.finish(),
    notify: (notice: ControlNotice) => {
      if (notice.type === 'error') this.lastError = notice.message;
      else if (notice.type === 'status') this.onStatus?.(notice.message);
    },
  };

  async start(): Promise<void> {}

  async send(message: JSONRPCMessage): Promise<void> {
    if (this.closed) throw new Error(this.lastError ?? 'the inspector session is closed');
    this.host.onLine?.(Buffer.from(serializeMessage(message)));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.host.onEnd?.();
    this.finish();
  }

  private deliver(line: Uint8Array): void {
    let value: unknown;
    try {
      value = JSON.parse(Buffer.from(line).toString('utf8'));
    } catch (error) {
      this.onerror?.(error as Error);
      return;
    }
    for (const message of Array.isArray(value) ? value : [value]) this.onmessage?.(message as JSONRPCMessage);
  }

  private finish(): void {
    if (this.closed) return;
    this.closed = true;
    this.onclose?.();
  }
}
