import type { ClientChannel } from 'ssh2';
import { exitOf, recordExit, type ChannelExit } from '../../ssh/channel-exit.js';
import { sendSignal } from '../../ssh/channel-signal.js';
import { StreamLineEnd } from '../line-end.js';
import { StderrTail } from '../stderr-tail.js';

export interface ChannelEndOptions {
  maxLineBytes?: number;
  /** Each line the remote writes to stderr (always read: an unread stream stops the channel's window). */
  onStderr?: (line: string) => void;
}

/**
 * The remote end of a session: an ssh2 exec or shell channel. It ends on the channel's close, after the exit
 * status has arrived, and remembers the last stderr lines so the end can be explained.
 */
export class ChannelEnd extends StreamLineEnd {
  readonly stderr: StderrTail;

  constructor(
    readonly channel: ClientChannel,
    options: ChannelEndOptions = {},
  ) {
    // Each channel write is an SSH packet: a burst of messages should be one packet, not one each.
    super(channel, channel, { joinWrites: true, maxLineBytes: options.maxLineBytes });
    // Channels from the pool are recorded as they open; any other starts being recorded here.
    recordExit(channel);
    this.stderr = new StderrTail(5, options.onStderr);
  }

  override start(): void {
    this.channel.stderr.on('data', (chunk: Buffer) => this.stderr.push(chunk));
    super.start();
  }

  protected override watchEnd(): void {
    this.channel.once('close', () => {
      this.stderr.flush();
      this.finish();
    });
  }

  override close(): void {
    // A channel paused for backpressure never gets to 'close': let what it still holds drain into nothing.
    this.onLine = undefined;
    this.channel.stderr.resume();
    this.channel.resume();
    this.channel.close();
  }

  /** The remote process's exit status, once it arrived. */
  get exit(): ChannelExit | undefined {
    return exitOf(this.channel);
  }

  /** Asks the remote process to stop (SIGTERM to its process group), then closes the channel. */
  terminate(): void {
    if (!this.exit) sendSignal(this.channel, 'TERM');
    setTimeout(() => this.close(), 300).unref();
  }

  /** Why the remote side ended, in words: exit code, signal or a closed channel, with the last stderr lines. */
  describeEnd(remote: string, what: string): string {
    const tail = this.stderr.suffix();
    if (!this.exit) return `${remote} closed the channel${tail}`;
    if (this.exit.signal) return `${what} on ${remote} was killed by signal ${this.exit.signal}${tail}`;
    if (this.exit.code === 127) return `${what} not found on ${remote} (exit code 127)${tail}`;
    return `${what} on ${remote} exited with code ${this.exit.code}${tail}`;
  }
}
