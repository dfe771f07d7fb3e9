import { connect, type Socket, type TcpNetConnectOpts } from 'node:net';

/**
 * The TCP socket under an SSH connection. ssh2 writes every encrypted packet in three pieces (length, payload,
 * MAC); with Nagle off (it would hold the later pieces for the server's delayed ACK) each piece was a syscall and a
 * TCP segment of its own, and woke sshd three times per message. Here the writes of one tick are corked into one
 * writev: one syscall and one segment per burst of packets, without waiting for anything.
 */
export function connectTickCorked(options: TcpNetConnectOpts): Socket {
  const socket = connect(options);
  // On the instance, after connect(): connect() resets an own `write` to Socket.prototype.write, so a subclass's
  // override would be lost.
  const write = socket.write;
  let corkedThisTick = false;
  const uncork = () => {
    corkedThisTick = false;
    socket.uncork();
  };
  socket.write = function corkedWrite(this: Socket, ...args: Parameters<Socket['write']>): boolean {
    if (!corkedThisTick && !socket.destroyed) {
      corkedThisTick = true;
      socket.cork();
      process.nextTick(uncork);
    }
    return (write as (...a: Parameters<Socket['write']>) => boolean).apply(socket, args);
  } as Socket['write'];
  return socket;
}
