import type { Socket } from 'node:net';
import { StreamLineEnd, type ControlNotice, type HostEnd } from '../line-end.js';

/**
 * A helper (`burrow connect --remote`) on the engine's local socket: protocol bytes on the data connection (or on
 * the host's own stdin and stdout, handed over by the helper), notices on the helper's control connection, so the
 * helper never looks at a byte of the protocol.
 */
export class SocketHostEnd extends StreamLineEnd implements HostEnd {
  constructor(
    input: Socket,
    output: Socket,
    private readonly control: Socket,
    options: { initial?: Uint8Array; maxLineBytes?: number } = {},
  ) {
    super(input, output, options);
  }

  notify(notice: ControlNotice): void {
    if (!this.control.writableEnded && !this.control.destroyed) this.control.write(`${JSON.stringify(notice)}\n`);
  }

  override end(): void {
    super.end();
    // The exit notice has been written; the helper takes it, then both connections are done.
    this.control.end();
  }

  override close(): void {
    super.close();
    this.control.destroy();
  }

  /** The helper hung up its control connection: it is gone (the socket is half-open, so its end is the sign). */
  onControlClosed(listener: () => void): void {
    let told = false;
    const once = () => {
      if (told) return;
      told = true;
      listener();
    };
    this.control.once('end', once);
    this.control.once('close', once);
  }
}
