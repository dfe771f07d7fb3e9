import type { ClientChannel } from 'ssh2';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { ReadBuffer, serializeMessage } from '@modelcontextprotocol/sdk/shared/stdio.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { StderrTail } from '../relay/stderr-tail.js';


/**
 * The SDK's Transport over one ssh2 channel (exec or shell): NDJSON both ways, like the SDK's stdio transport.
 * Used where Burrow itself is the MCP client of a remote, outside the relay (the connection test).
 */
export class ChannelTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;
  private readonly buffer = new ReadBuffer();
  private readonly stderr = new StderrTail();
  private closed = false;
  exitCode?: number | null;

  constructor(private readonly channel: ClientChannel) {}

  async start(): Promise<void> {
    this.channel.on('data', (chunk: Buffer) => {
      this.buffer.append(chunk);
      for (;;) {
        let message: JSONRPCMessage | null;
        try {
          message = this.buffer.readMessage();
        } catch (error) {
          // A banner or MOTD line is not fatal; the SDK's reader has already dropped it.
          this.onerror?.(error as Error);
          continue;
        }
        if (!message) break;
        this.onmessage?.(message);
      }
    });
    // Always read stderr: an unread stream stops the channel's window from refilling.
    this.channel.stderr.on('data', (chunk: Buffer) => this.stderr.push(chunk));
    this.channel.on('exit', (code: number | null) => {
      this.exitCode = code;
    });
    this.channel.on('close', () => {
      this.stderr.flush();
      this.finish();
    });
  }

  async send(message: JSONRPCMessage): Promise<void> {
    if (this.closed) throw new Error('the channel is closed');
    this.channel.write(serializeMessage(message));
  }

  async close(): Promise<void> {
    this.channel.close();
    this.finish();
  }

  /** The last lines the remote command wrote to stderr, to say why it did not answer. */
  stderrTail(): string {
    return this.stderr.text();
  }

  private finish(): void {
    if (this.closed) return;
    this.closed = true;
    this.onclose?.();
  }
}
