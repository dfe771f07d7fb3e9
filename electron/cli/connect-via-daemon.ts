import type { Socket } from 'node:net';
import type { DaemonInfo } from '../core/ipc/daemon-info.js';
import { connectToDaemon, helloLine, notAnswering, readFirstLine } from '../core/ipc/ipc-client.js';
import type { ConnectReply, ControlNotice } from '../core/ipc/ipc-protocol.js';
import { offerStdio, type StdioOffer } from './stdio-offer.js';

const say = (message: string) => process.stderr.write(`burrow: ${message}\n`);
/** An engine that does not answer the hello by then is stopped or stuck. */
const HELLO_REPLY_TIMEOUT_MS = 5000;

/**
 * The helper MCP hosts start. After the hello the engine takes the host's stdin and stdout over (stdio-offer.ts)
 * and this process only waits; where it cannot, the helper is a pure byte pipe: stdin → data connection → stdout,
 * with no line splitting or parsing. Notices (waiting for approval, the final error, the exit status) arrive on the
 * control connection and go to stderr. A failure before the session starts is answered as a JSON-RPC error too.
 */
export async function connectViaDaemon(target: string | { tools: string[] }, logLevel: string, approvalTimeoutSec?: number): Promise<number> {
  const verbose = /^(info|debug)$/i.test(logLevel);
  let control: Socket;
  let info: DaemonInfo;
  let reply: Exclude<ConnectReply, { type: 'error' }>;
  let offer: StdioOffer | undefined;
  let early = '';
  try {
    ({ socket: control, info } = await reachDaemon(verbose));
    // The host's own stdio, offered to the engine, takes this process off the path of every message.
    offer = await offerStdio(info.socket);
    const what = typeof target === 'string' ? { remote: target } : { tools: target.tools };
    control.write(helloLine({ op: 'connect', token: info.token, ...what, approvalTimeoutSec, handoff: offer?.path }));
    const { line, rest } = await readFirstLine(control, HELLO_REPLY_TIMEOUT_MS, () => new Error(notAnswering(info)));
    // A session the engine started at once (stdio taken over) may have sent its first notices with the reply.
    early = rest.toString('utf8');
    const parsed = JSON.parse(line) as ConnectReply;
    if (parsed.type === 'error') throw new Error(parsed.message);
    reply = parsed;
    // The bench times helper start by this line (spawn → hello accepted).
    if (verbose) say(`connected to the Burrow engine (pid ${reply.pid}) ${Math.round(performance.now())} ms after start${'handoff' in reply ? '; it took over stdio' : ''}`);
  } catch (error) {
    offer?.withdraw();
    return failBeforePipe((error as Error).message);
  }
  if ('handoff' in reply) return followSession(control, early);
  offer?.withdraw();
  const data = (await connectToDaemon()).socket;
  data.write(helloLine({ op: 'data', token: info.token, ticket: reply.ticket }));
  return followSession(control, early, data);
}

/**
 * Writes the engine's notices to stderr and resolves with the session's exit status. With `data`, the host's bytes
 * are piped through it both ways; without, the engine holds the host's stdio itself and this process only waits.
 */
function followSession(control: Socket, early: string, data?: Socket): Promise<number> {
  return new Promise((resolve) => {
    let exitCode: number | undefined;
    let failed = false;
    let pending = '';
    control.setEncoding('utf8');
    const onNotices = (chunk: string) => {
      const lines = (pending + chunk).split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        if (!line) continue;
        let notice: ControlNotice;
        try {
          notice = JSON.parse(line) as ControlNotice;
        } catch {
          continue;
        }
        if (notice.type === 'exit') exitCode = notice.code;
        else {
          if (notice.type === 'error') failed = true;
          say(notice.message);
        }
      }
    };
    onNotices(early);
    control.on('data', onNotices);
    control.on('error', () => {});
    let stdinEnded = false;
    let dataDone = !data;
    let controlDone = false;
    const finish = () => {
      if (!dataDone || !controlDone) return;
      let code = exitCode ?? (failed ? 1 : 0);
      if (exitCode === undefined && !failed && !stdinEnded) {
        say('the Burrow engine closed the connection');
        code = 1;
      }
      // Let stdout drain before the exit code is final.
      if (!data) return resolve(code);
      process.stdout.write('', () => resolve(code));
    };
    if (data) {
      data.on('error', (error) => {
        if (!failed) say(`lost the connection to the Burrow engine: ${error.message}`);
        failed = true;
      });
      process.stdin.once('end', () => {
        stdinEnded = true;
      });
      process.stdin.pipe(data);
      data.pipe(process.stdout, { end: false });
      // The engine ending its side ends the session, even while the host keeps stdin open.
      const dataEnded = () => {
        if (dataDone) return;
        dataDone = true;
        process.stdin.unpipe(data);
        data.destroy();
        finish();
      };
      data.once('end', dataEnded);
      data.once('close', dataEnded);
    }
    const controlEnded = () => {
      controlDone = true;
      finish();
    };
    control.once('end', controlEnded);
    control.once('close', controlEnded);
  });
}

/**
 * Says why on stderr, and answers the host's requests (its `initialize`, usually sent at once) with the same
 * message as a JSON-RPC error, so the host shows it rather than "Connection closed".
 */
async function failBeforePipe(message: string): Promise<number> {
  say(message);
  const { LineSplitter } = await import('../core/framing/line-splitter.js');
  const { errorResponse, inspectLine } = await import('../core/relay/message-info.js');
  await new Promise<void>((resolve) => {
    let answered = false;
    const splitter = new LineSplitter((line) => {
      for (const info of inspectLine(line, false).infos) {
        if (info.kind === 'request' && info.id !== undefined) {
          process.stdout.write(errorResponse(info.id, message));
          answered = true;
        }
      }
      if (answered) done();
    });
    const timer = setTimeout(() => done(), 1500);
    const onData = (chunk: Buffer) => splitter.push(chunk);
    const done = () => {
      clearTimeout(timer);
      process.stdin.off('data', onData);
      process.stdin.pause();
      resolve();
    };
    process.stdin.on('data', onData);
    process.stdin.once('end', done);
  });
  await new Promise<void>((resolve) => process.stdout.write('', () => resolve()));
  return 1;
}

async function reachDaemon(verbose: boolean): Promise<{ socket: Socket; info: DaemonInfo }> {
  try {
    return await connectToDaemon();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ETIMEDOUT') throw error;
    if (code !== 'ENOENT' && code !== 'ECONNREFUSED') throw new Error(`cannot reach the Burrow engine: ${(error as Error).message}`);
  }
  if (verbose) say('no Burrow engine is running; starting burrow daemon');
  // Loaded only here: the helper's usual path (an engine runs) needs no child_process.
  return (await import('./daemon-autostart.js')).startDaemonAndConnect();
}
