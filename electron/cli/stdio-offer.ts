import { rmSync, unlink } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { dirname, join } from 'node:path';
import { ipcPipes, isPipeHandle, type IpcPipes, type PipeHandle } from '../core/ipc/node-pipes.js';
import { handoffSocketName } from '../core/ipc/stdio-handoff.js';

/**
 * The helper's side of a stdio hand-over (core/ipc/stdio-handoff.ts): a socket beside the engine's, on which the
 * first connection gets this process's stdin and stdout. Only pipes and sockets can be handed over; a terminal or
 * a file as stdio, a Node without the bindings, or BURROW_STDIO_HANDOFF=0 make the helper pipe bytes as before.
 */
export interface StdioOffer {
  path: string;
  /** Gives up the offer (the engine said no): the socket goes, stdio stays with the helper, untouched. */
  withdraw(): void;
}

/** Kept for the life of the process: closing either would close the descriptor the other still names. */
const keptOpen: unknown[] = [];

export async function offerStdio(engineSocket: string): Promise<StdioOffer | undefined> {
  const pipes = ipcPipes();
  if (!pipes) return undefined;
  // Opening stdout here, before the hand-over, is on purpose: Node sets up its stdio handles once, and the engine's
  // copy (non-blocking, as libuv opens it) shares the descriptor's flags; nothing may change them afterwards.
  const input = (process.stdin as unknown as { _handle?: unknown })._handle;
  const output = (process.stdout as unknown as { _handle?: unknown })._handle;
  if (!isPipeHandle(input) || !isPipeHandle(output)) return undefined;
  const path = join(dirname(engineSocket), handoffSocketName(process.pid));
  const server = createServer({ pauseOnConnect: true }, (socket) => {
    withdraw();
    handOver(socket, pipes, [input, output]);
  });
  const withdraw = () => {
    server.close();
    unlink(path, () => {});
  };
  try {
    // Named by this process's pid in a folder only this user can enter: one left there is from a process long gone.
    rmSync(path, { force: true });
    await listen(server, path);
  } catch {
    return undefined;
  }
  return { path, withdraw };
}

function listen(server: Server, path: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ path, readableAll: false, writableAll: false }, () => {
      server.off('error', reject);
      // Nothing after the listen may end the helper: at worst the engine gets no stdio and it pipes.
      server.on('error', () => {});
      resolve();
    });
  });
}

/**
 * Sends each handle with one byte on the accepted connection. Node accepts connections as plain sockets, which
 * cannot carry descriptors; a second handle in IPC mode on the same descriptor can. Both stay open until exit.
 */
function handOver(socket: Socket, pipes: IpcPipes, handles: PipeHandle[]): void {
  const fd = (socket as unknown as { _handle?: { fd?: number } })._handle?.fd;
  const ipc = pipes.newIpcPipe();
  keptOpen.push(socket, ipc);
  if (typeof fd !== 'number' || fd < 0 || ipc.open(fd) < 0) return void socket.destroy();
  for (const handle of handles) {
    if (ipc.writeUtf8String(pipes.writeRequest(), '\n', handle) < 0) return;
  }
}
