import { connect, type Socket } from 'node:net';
import { BURROW_VERSION } from '../../../shared/version.js';
import { fileErrorReason } from '../file-errors.js';
import { socketPath } from '../paths.js';
import { readDaemonInfo, type DaemonInfo } from './daemon-info.js';
import { IPC_PROTOCOL_VERSION, encodeLine, type ConnectHello, type DataHello, type RequestHello, type RequestReply, type SubscribeHello } from './ipc-protocol.js';

export const CLIENT_VERSION = `burrow/${BURROW_VERSION}`;
/** A local socket that takes longer than this to accept is an engine that is stopped or stuck. */
export const CONNECT_TIMEOUT_MS = 3000;

/** Connects to the running engine's socket; rejects with the socket error (ENOENT, ECONNREFUSED) when none runs. */
export function connectToDaemon(env: NodeJS.ProcessEnv = process.env): Promise<{ socket: Socket; info: DaemonInfo }> {
  return new Promise((resolve, reject) => {
    const info = readDaemonInfo(env);
    const path = info?.socket ?? socketPath(env);
    // Half-open: after our end() (the host closed stdin) the remote's last replies still arrive.
    const socket = connect({ path, allowHalfOpen: true });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(Object.assign(new Error(notAnswering(info)), { code: 'ETIMEDOUT' }));
    }, CONNECT_TIMEOUT_MS);
    socket.once('connect', () => {
      clearTimeout(timer);
      if (!info) {
        socket.destroy();
        reject(Object.assign(new Error(`the engine's token file is missing next to ${path}`), { code: 'ENOTOKEN' }));
        return;
      }
      resolve({ socket, info });
    });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      // A path below a file (BURROW_HOME under a file) can hold no socket: no daemon runs there, as for ENOENT.
      if (error.code === 'ENOTDIR') reject(Object.assign(new Error(`no daemon socket at ${path}: ${fileErrorReason(error, path)}`), { code: 'ENOENT' }));
      // Callers act on ENOENT and ECONNREFUSED (no daemon); anything else (EACCES: another user's folder) in words, same code.
      else if (error.code !== 'ENOENT' && error.code !== 'ECONNREFUSED') reject(Object.assign(new Error(`cannot connect to ${path}: ${fileErrorReason(error, path)}`), { code: error.code }));
      else reject(error);
    });
  });
}

export function notAnswering(info: DaemonInfo | undefined): string {
  return `the Burrow engine${info ? ` (pid ${info.pid})` : ''} does not answer on its socket${info ? `; if it is stuck, end it: kill ${info.pid}` : ''}`;
}

type HelloFields = Omit<ConnectHello, 'v' | 'client'> | Omit<DataHello, 'v' | 'client'> | Omit<RequestHello, 'v' | 'client'> | Omit<SubscribeHello, 'v' | 'client'>;

export function helloLine(hello: HelloFields): string {
  return encodeLine({ v: IPC_PROTOCOL_VERSION, client: CLIENT_VERSION, ...hello });
}

/** Reads the first line a socket sends, within a time limit. */
export function readFirstLine(socket: Socket, timeoutMs: number, onTimeout: () => Error): Promise<{ line: string; rest: Buffer }> {
  return new Promise((resolve, reject) => {
    let buffered: Buffer = Buffer.alloc(0);
    const timer = setTimeout(() => finish(() => reject(onTimeout())), timeoutMs);
    const onData = (chunk: Buffer) => {
      buffered = buffered.length ? Buffer.concat([buffered, chunk]) : chunk;
      const nl = buffered.indexOf(0x0a);
      if (nl !== -1) finish(() => resolve({ line: buffered.subarray(0, nl).toString('utf8'), rest: buffered.subarray(nl + 1) }));
    };
    const onClose = () => finish(() => reject(new Error('the Burrow engine closed the connection without replying')));
    const finish = (settle: () => void) => {
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('close', onClose);
      socket.off('end', onClose);
      settle();
    };
    socket.on('data', onData);
    socket.once('close', onClose);
    // Half-open sockets see no 'close' while our side is open: an engine that ended (it stopped) is 'end'.
    socket.once('end', onClose);
  });
}

/** How long a command may take: a connection test waits on a person and the network. */
const REQUEST_TIMEOUT_MS = 10 * 60_000;

/** One command of the table, one reply line: how the CLI asks a running engine. */
export async function requestDaemon<T>(method: string, params: unknown, env: NodeJS.ProcessEnv = process.env): Promise<T> {
  const { socket, info } = await connectToDaemon(env);
  socket.write(helloLine({ op: 'request', token: info.token, method, params }));
  try {
    const { line } = await readFirstLine(socket, REQUEST_TIMEOUT_MS, () => new Error(notAnswering(info)));
    let reply: RequestReply;
    try {
      reply = JSON.parse(line) as RequestReply;
    } catch {
      throw new Error('the Burrow engine sent a malformed reply');
    }
    if (!reply.ok) throw new Error(reply.error);
    return reply.result as T;
  } finally {
    socket.end();
  }
}
