import { lstatSync, readdirSync, unlinkSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { Socket } from 'node:net';
import { ipcPipes, isPipeHandle, type PipeHandle } from './node-pipes.js';
import { processAlive } from '../process-alive.js';

/**
 * The engine's side of a stdio hand-over: `burrow connect` offers the MCP host's own stdin and stdout (the pipes or
 * socketpair the host made) on a socket of its own, and the engine takes them, so the session's bytes go between
 * the host and the engine with no helper process in between (docs/performance.md). The helper stays alive,
 * reading nothing, until the engine tells it the session's exit status.
 */

/** A hand-over socket: in the engine's own private folder, named by the helper's pid (`h` + base 36, `.s`). */
const HANDOFF_NAME = /^h[0-9a-z]{1,10}\.s$/;

export function handoffSocketName(pid: number): string {
  return `h${pid.toString(36)}.s`;
}

/**
 * Removes the hand-over sockets in the engine's folder whose helper is gone (killed before the engine took its
 * stdio): named by a pid no process has. Anything else there is left alone.
 */
export function removeStaleHandoffSockets(engineSocket: string): void {
  const folder = dirname(engineSocket);
  let names: string[];
  try {
    names = readdirSync(folder);
  } catch {
    return;
  }
  for (const name of names) {
    if (!HANDOFF_NAME.test(name)) continue;
    const pid = parseInt(name.slice(1, -2), 36);
    if (processAlive(pid)) continue;
    try {
      if (lstatSync(join(folder, name)).isSocket()) unlinkSync(join(folder, name));
    } catch {
      // gone already, or not ours to remove: the next start tries again
    }
  }
}

/** Only a socket beside the engine's own is taken: a client that knows the token cannot point the engine elsewhere. */
export function isHandoffPath(path: string, engineSocket: string): boolean {
  return dirname(path) === dirname(engineSocket) && HANDOFF_NAME.test(basename(path));
}

export interface HostStdio {
  /** What the host writes (the helper's stdin). */
  input: Socket;
  /** What the host reads (the helper's stdout). */
  output: Socket;
}

/**
 * Connects to the helper's hand-over socket and takes the two descriptors it sends (stdin first). Rejects, holding
 * nothing, when the bindings are missing, the helper does not send both in time, or sends something else.
 */
export function receiveHostStdio(path: string, timeoutMs: number): Promise<HostStdio> {
  const pipes = ipcPipes();
  if (!pipes) return Promise.reject(new Error('this engine cannot take descriptors'));
  return new Promise((resolve, reject) => {
    const pipe = pipes.newIpcPipe();
    const received: PipeHandle[] = [];
    let settled = false;
    const finish = (error?: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      pipe.onread = () => {};
      pipe.readStop();
      pipe.close();
      if (error) {
        for (const handle of received) handle.close();
        return reject(error);
      }
      resolve({ input: new Socket({ handle: received[0], readable: true, writable: false } as object), output: new Socket({ handle: received[1], readable: false, writable: true } as object) });
    };
    const timer = setTimeout(() => finish(new Error('the helper did not hand over its stdio in time')), timeoutMs);
    const request = pipes.connectRequest((status) => {
      if (status < 0) return finish(new Error(`cannot reach the helper's hand-over socket (libuv error ${status})`));
      pipe.onread = (buffer) => {
        const handle = pipe.pendingHandle;
        pipe.pendingHandle = null;
        if (handle) {
          if (!isPipeHandle(handle)) {
            (handle as { close?: () => void }).close?.();
            return finish(new Error('the helper handed over something other than a pipe'));
          }
          received.push(handle);
          if (received.length === 2) return finish();
        }
        if (!buffer && !handle) finish(new Error('the helper closed its hand-over socket before handing over its stdio'));
      };
      pipe.readStart();
    });
    const status = pipe.connect(request, path);
    if (status < 0) finish(new Error(`cannot reach the helper's hand-over socket (libuv error ${status})`));
  });
}
