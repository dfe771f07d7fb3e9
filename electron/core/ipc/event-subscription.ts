import { StringDecoder } from 'node:string_decoder';
import type { BurrowEvent } from '../../../shared/events.js';
import { connectToDaemon, helloLine, notAnswering, readFirstLine } from './ipc-client.js';
import type { SubscribeReply } from './ipc-protocol.js';

/** An engine that does not confirm the subscription by then is stopped or stuck. */
const SUBSCRIBE_REPLY_TIMEOUT_MS = 5000;

export interface EngineSubscription {
  /** The engine's process. */
  pid: number;
  /** Settles when the stream ends: the engine closed it as it stopped, or `close()` was called. */
  closed: Promise<void>;
  close(): void;
}

/**
 * Hears the running engine's events over its local socket (the command table's `subscribe`). Resolves once the
 * engine listens, so nothing emitted after that is missed; rejects as `requestDaemon` does when none runs.
 */
export async function subscribeToEngine(
  onEvent: (event: BurrowEvent) => void,
  options: { traffic?: boolean } = {},
  env: NodeJS.ProcessEnv = process.env,
): Promise<EngineSubscription> {
  const { socket, info } = await connectToDaemon(env);
  socket.on('error', () => {});
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  let rest: Buffer;
  let pid: number;
  try {
    socket.write(helloLine({ op: 'subscribe', token: info.token, traffic: options.traffic }));
    const first = await readFirstLine(socket, SUBSCRIBE_REPLY_TIMEOUT_MS, () => new Error(notAnswering(info)));
    let reply: SubscribeReply;
    try {
      reply = JSON.parse(first.line) as SubscribeReply;
    } catch {
      throw new Error('the Burrow engine sent a malformed reply');
    }
    if (reply.type !== 'subscribed') throw new Error(reply.type === 'error' ? reply.message : 'the Burrow engine sent a malformed reply');
    rest = first.rest;
    pid = reply.pid;
  } catch (error) {
    socket.destroy();
    throw error;
  }
  const decoder = new StringDecoder('utf8');
  let pending = '';
  const feed = (chunk: Buffer) => {
    const lines = (pending + decoder.write(chunk)).split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      if (!line) continue;
      let event: BurrowEvent;
      try {
        event = JSON.parse(line) as BurrowEvent;
      } catch {
        continue;
      }
      onEvent(event);
    }
  };
  feed(rest);
  socket.on('data', feed);
  // The engine's end is the end (the socket is half-open: it would wait for ours).
  socket.once('end', () => socket.destroy());
  return { pid, closed, close: () => socket.destroy() };
}
