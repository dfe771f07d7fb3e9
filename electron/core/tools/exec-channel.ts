import type { Client, ClientChannel } from 'ssh2';
import { sendSignal } from '../ssh/channel-signal.js';

export interface ExecOptions {
  command: string;
  /** Bytes fed on stdin before it is closed (secrets' export script, a sudo password, the caller's input). */
  stdin?: Buffer;
  timeoutMs: number;
  /** Captured per stream; the rest is counted and dropped. */
  maxBytes: number;
  killGraceMs: number;
  /** Aborted when the host cancels the call: the command is stopped as on a timeout. */
  abort?: AbortSignal;
  /** Called with the open channel, so the session can close it when it ends. */
  onChannel?: (channel: ClientChannel) => () => void;
}

export interface ExecResult {
  stdout: Buffer;
  stderr: Buffer;
  stdoutBytes: number;
  stderrBytes: number;
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  durationMs: number;
  /** Timed out and no exit was seen: the remote process may still run (the server ignored the signals). */
  unconfirmed?: boolean;
}

/** Opens an exec channel, feeds stdin, captures both streams (capped) and waits for the exit, or signals on timeout. */
export function runExec(client: Client, opts: ExecOptions): Promise<ExecResult> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    client.exec(opts.command, (err, channel) => {
      if (err) {
        reject(new Error(`could not open an exec channel: ${channelRefusal(err)}`));
        return;
      }
      const detach = opts.onChannel?.(channel);
      const out = new Capture(opts.maxBytes);
      const errs = new Capture(opts.maxBytes);
      let exitCode: number | null = null;
      let signal: string | null = null;
      let timedOut = false;
      let stopping = false;
      const timers: NodeJS.Timeout[] = [];
      channel.on('data', (d: Buffer) => out.add(d));
      // Always consume stderr: an unread stream stops the channel's window and stalls the process.
      channel.stderr.on('data', (d: Buffer) => errs.add(d));
      channel.on('exit', (code: number | null, sig?: string) => {
        exitCode = typeof code === 'number' ? code : null;
        signal = sig ? String(sig) : null;
      });
      let done = false;
      const finish = () => {
        if (done) return;
        done = true;
        for (const t of timers) clearTimeout(t);
        opts.abort?.removeEventListener('abort', stop);
        detach?.();
        resolve({
          stdout: out.bytes(),
          stderr: errs.bytes(),
          stdoutBytes: out.total,
          stderrBytes: errs.total,
          exitCode,
          signal,
          timedOut,
          durationMs: Date.now() - started,
          ...(stopping && exitCode === null && signal === null ? { unconfirmed: true } : {}),
        });
      };
      channel.once('close', finish);
      channel.on('error', () => channel.close());
      const stop = () => {
        if (done || stopping) return;
        stopping = true;
        // sshd delivers the signal to the command's process group (OpenSSH >= 7.9); then KILL, then give up on it.
        sendSignal(channel, 'TERM');
        timers.push(
          setTimeout(() => {
            sendSignal(channel, 'KILL');
            timers.push(
              setTimeout(() => {
                channel.close();
                // A server that ignores signals keeps the channel until its process ends: stop waiting for it.
                timers.push(setTimeout(finish, opts.killGraceMs));
              }, opts.killGraceMs),
            );
          }, opts.killGraceMs),
        );
      };
      timers.push(
        setTimeout(() => {
          timedOut = true;
          stop();
        }, opts.timeoutMs),
      );
      // The host cancelled the call (notifications/cancelled): stop the command as on a timeout.
      if (opts.abort?.aborted) stop();
      opts.abort?.addEventListener('abort', stop, { once: true });
      channel.end(opts.stdin ?? undefined);
    });
  });
}

/** ssh2's refusal, plus what a person can do when it is the server's channel limit. */
export function channelRefusal(err: Error): string {
  return /Channel open failure/i.test(err.message)
    ? `${err.message} (the server allows no more channels on this connection — OpenSSH MaxSessions, 10 by default: close a shell, a forward or a session)`
    : err.message;
}


/** Keeps the first `max` bytes of a stream and counts the rest. */
class Capture {
  private readonly chunks: Buffer[] = [];
  private kept = 0;
  total = 0;

  constructor(private readonly max: number) {}

  add(chunk: Buffer): void {
    this.total += chunk.length;
    if (this.kept >= this.max) return;
    const part = chunk.length > this.max - this.kept ? chunk.subarray(0, this.max - this.kept) : chunk;
    this.chunks.push(part);
    this.kept += part.length;
  }

  bytes(): Buffer {
    return Buffer.concat(this.chunks);
  }
}
