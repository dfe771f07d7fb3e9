import { connect, type Socket } from 'node:net';
import { fileErrorReason } from '../file-errors.js';
import { socketPath } from '../paths.js';
import { readDaemonInfo, type DaemonInfo } from './daemon-info.js';
import { IPC_PROTOCOL_VERSION, type ConnectHello, type RequestHello, type RequestReply } from './ipc-protocol.js';

export const CLIENT_VERSION = 'burrow/0.1.0';

/** Connects to the running engine's socket; rejects with the socket error (ENOENT, ECONNREFUSED) when none runs. */
export function connectToDaemon(env: NodeJS.ProcessEnv = process.env): Promise<{ socket: Socket; info: DaemonInfo }> {
  return new Promise((resolve, reject) => {
    const info = readDaemonInfo(env);
    const path = info?.socket ?? socketPath(env);
    // Half-open: after our end() (the host closed stdin) the remote's last replies still arrive.
    const socket = connect({ path, allowHalfOpen: true });
    socket.once('connect', () => {
      if (!info) {
        socket.destroy();
        reject(Object.assign(new Error(`the daemon's token file is missing next to ${path}`), { code: 'ENOTOKEN' }));
        return;
      }
      resolve({ socket, info });
    });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      // A path below a file (BURROW_HOME under a file) can hold no socket: no daemon runs there, as for ENOENT.
      if (error.code === 'ENOTDIR') reject(Object.assign(new Error(`no daemon socket at ${path}: ${fileErrorReason(error, path)}`), { code: 'ENOENT' }));
      // Callers act on ENOENT and ECONNREFUSED (no daemon); anything else (EACCES: another user's folder) in words, same code.
      else if (error.code !== 'ENOENT' && error.code !== 'ECONNREFUSED') reject(Object.assign(new Error(`cannot connect to ${path}: ${fileErrorReason(error, path)}`), { code: error.code }));
      else reject(error);
    });
  });
}

export function helloLine(hello: Omit<ConnectHello, 'v' | 'client'> | Omit<RequestHello, 'v' | 'client'>): string {
  return `${JSON.stringify({ v: IPC_PROTOCOL_VERSION, client: CLIENT_VERSION, ...hello })}\n`;
}

/** One request, one reply line: how the CLI asks a running daemon to change what only it may write. */
export async function requestDaemon<T>(method: string, params: unknown, env: NodeJS.ProcessEnv = process.env): Promise<T> {
  const { socket, info } = await connectToDaemon(env);
  return new Promise<T>((resolve, reject) => {
    let buffered = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      buffered += chunk;
      const nl = buffered.indexOf('\n');
      if (nl === -1) return;
      socket.end();
      try {
        const reply = JSON.parse(buffered.slice(0, nl)) as RequestReply;
        if (reply.ok) resolve(reply.result as T);
        else reject(new Error(reply.error));
      } catch {
        reject(new Error('the daemon sent a malformed reply'));
      }
    });
    socket.on('error', reject);
    socket.on('close', () => reject(new Error('the daemon closed the connection without replying')));
    socket.write(helloLine({ op: 'request', token: info.token, method, params }));
  });
}
