import { createServer, type Server, type Socket } from 'node:net';
import type { Connection } from 'ssh2';

/**
 * The listening end of one reverse tunnel: a TCP port on 127.0.0.1 only (whatever address the device asked for),
 * where each accepted connection becomes a `forwarded-tcpip` channel to the device, which connects it on to the
 * target it named in `-R` (its own sshd).
 */
export class TunnelListener {
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly device: Connection,
    /** The address and port as the device asked for them: OpenSSH matches forwarded channels to its `-R` by these. */
    private readonly requestedAddr: string,
    readonly port: number,
    private readonly onError: (message: string) => void,
  ) {
    this.server = createServer((socket) => this.forward(socket));
  }

  static open(device: Connection, requestedAddr: string, port: number, onError: (message: string) => void): Promise<TunnelListener> {
    const listener = new TunnelListener(device, requestedAddr, port, onError);
    return new Promise((resolve, reject) => {
      listener.server.once('error', reject);
      listener.server.listen(port, '127.0.0.1', () => {
        listener.server.off('error', reject);
        listener.server.on('error', (e) => onError(e.message));
        resolve(listener);
      });
    });
  }

  private forward(socket: Socket): void {
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    socket.pause();
    this.device.forwardOut(this.requestedAddr, this.port, socket.remoteAddress ?? '127.0.0.1', socket.remotePort ?? 0, (error, channel) => {
      if (error) {
        this.onError(`the device refused a connection through its tunnel: ${error.message}`);
        socket.destroy();
        return;
      }
      socket.pipe(channel).pipe(socket);
      channel.on('error', () => socket.destroy());
      channel.once('close', () => socket.destroy());
      socket.once('close', () => channel.close());
      socket.resume();
    });
  }

  /** Stops listening and cuts every connection through the tunnel (Burrow's SSH connection to the device sees it drop). */
  close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
