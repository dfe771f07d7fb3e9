import { createServer, type Server, type Socket } from 'node:net';
import type { Client } from 'ssh2';
import type { Logger } from '../logging/logger.js';

export interface ForwardInfo {
  forward_id: string;
  session_id: string;
  local_host: '127.0.0.1';
  local_port: number;
  remote_host: string;
  remote_port: number;
  connections: number;
}

/**
 * A local port forward (like `ssh -L`): a listener on 127.0.0.1 only, each accepted connection carried to
 * remote_host:remote_port by a direct-tcpip channel on the session's pooled connection.
 */
export class PortForward {
  private readonly sockets = new Set<Socket>();
  private server: Server | undefined;
  localPort = 0;
  connections = 0;

  constructor(
    readonly id: string,
    readonly sessionId: string,
    private readonly client: Client,
    readonly remoteHost: string,
    readonly remotePort: number,
    private readonly logger: Logger,
  ) {}

  listen(localPort: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const server = createServer((socket) => this.accept(socket));
      server.once('error', (e: NodeJS.ErrnoException) =>
        reject(new Error(e.code === 'EADDRINUSE' ? `local port ${localPort} is in use` : `cannot listen on 127.0.0.1:${localPort}: ${e.message}`)),
      );
      server.listen(localPort, '127.0.0.1', () => {
        this.localPort = (server.address() as { port: number }).port;
        this.server = server;
        resolve();
      });
    });
  }

  private accept(socket: Socket): void {
    this.sockets.add(socket);
    this.connections++;
    socket.once('close', () => this.sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    socket.pause();
    this.client.forwardOut('127.0.0.1', socket.remotePort ?? 0, this.remoteHost, this.remotePort, (err, channel) => {
      if (err) {
        this.logger.warn(`forward ${this.id}: ${this.remoteHost}:${this.remotePort} refused: ${err.message}`);
        socket.destroy();
        return;
      }
      channel.on('error', () => socket.destroy());
      socket.once('close', () => channel.close());
      channel.once('close', () => socket.destroy());
      socket.pipe(channel).pipe(socket);
      socket.resume();
    });
  }

  info(): ForwardInfo {
    return {
      forward_id: this.id,
      session_id: this.sessionId,
      local_host: '127.0.0.1',
      local_port: this.localPort,
      remote_host: this.remoteHost,
      remote_port: this.remotePort,
      connections: this.connections,
    };
  }

  close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    const server = this.server;
    this.server = undefined;
    return new Promise((resolve) => (server ? server.close(() => resolve()) : resolve()));
  }
}
