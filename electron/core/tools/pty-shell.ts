import { EventEmitter } from 'node:events';
import { StringDecoder } from 'node:string_decoder';
import type { ClientChannel } from 'ssh2';
import stripAnsi from 'strip-ansi';
import type { Redactor } from './secrets.js';

/** A control key as typed: a letter a-z (either case; Ctrl-C is `c`) or a backslash (Ctrl-\, quit). */
export const CONTROL_KEY = /^[a-zA-Z\\]$/;

/** The byte Ctrl+key sends: 1 for a, 3 for c, 0x1c for a backslash. */
export function controlByte(key: string): string {
  if (!CONTROL_KEY.test(key)) throw new Error(`key must be one letter a-z or \\, got ${JSON.stringify(key)}`);
  return String.fromCharCode(key === '\\' ? 0x1c : key.toLowerCase().charCodeAt(0) - 96);
}

export interface ShellRead {
  output: string;
  /** Characters that fell out of the rolling buffer before they were read. */
  dropped_chars: number;
  closed: boolean;
}

export type WaitReason = 'pattern' | 'idle' | 'timeout' | 'closed';

/**
 * An interactive shell on a pty channel: output is kept as plain text (terminal escapes stripped, CRLF made LF)
 * in a rolling buffer, read from a cursor. Everything read is redacted; characters at the end that could be the
 * start of a secret wait for the next read, so a value split across two reads is still caught.
 */
export class PtyShell extends EventEmitter {
  private text = '';
  /** Absolute offset of text[0] (the buffer rolls). */
  private base = 0;
  private cursor = 0;
  /** Raw characters not yet cleaned: an escape sequence or CR whose end has not arrived. */
  private raw = '';
  private readonly decoder = new StringDecoder('utf8');
  private lastOutputAt = Date.now();
  closed = false;
  /** Input typed since the last newline, for the policy's view of the command being built. */
  pendingInput = '';

  constructor(
    readonly id: string,
    readonly sessionId: string,
    private readonly channel: ClientChannel,
    private readonly redactor: () => Redactor,
    private readonly maxChars: number,
  ) {
    super();
    channel.on('data', (d: Buffer) => this.onData(this.decoder.write(d)));
    channel.stderr.on('data', (d: Buffer) => this.onData(d.toString('utf8')));
    channel.once('close', () => {
      this.onData(this.decoder.end(), true);
      this.closed = true;
      this.emit('change');
    });
    channel.on('error', () => channel.close());
  }

  private onData(chunk: string, final = false): void {
    this.raw += chunk;
    let ready = this.raw;
    if (!final) {
      // Keep back an unfinished escape sequence (stripAnsi leaves it whole) or a CR that may be half of CRLF.
      const stripped = stripAnsi(ready);
      const esc = stripped.lastIndexOf('\x1b');
      const cut = esc >= 0 && stripped.length - esc < 64 ? ready.lastIndexOf('\x1b') : ready.endsWith('\r') ? ready.length - 1 : ready.length;
      ready = ready.slice(0, cut);
      this.raw = this.raw.slice(cut);
    } else {
      this.raw = '';
    }
    if (ready === '') return;
    const clean = stripAnsi(ready)
      .replace(/\r+\n/g, '\n')
      .replace(/\r/g, '\n')
      .replace(/[\x00-\x08\x0b-\x1f\x7f]/g, '');
    this.text += clean;
    if (this.text.length > this.maxChars) {
      const drop = this.text.length - this.maxChars;
      this.text = this.text.slice(drop);
      this.base += drop;
    }
    this.lastOutputAt = Date.now();
    this.emit('change');
  }

  /** The unread text, redacted, without what may be the start of a secret still arriving. */
  private unread(): { shown: string; consumed: number; dropped: number } {
    const dropped = Math.max(0, this.base - this.cursor);
    const available = this.text.slice(Math.max(this.cursor, this.base) - this.base);
    const redactor = this.redactor();
    const hold = redactor.pendingTail(available);
    const part = available.slice(0, available.length - hold);
    return { shown: redactor.redact(part), consumed: part.length, dropped };
  }

  read(): ShellRead {
    const { shown, consumed, dropped } = this.unread();
    this.cursor = Math.max(this.cursor, this.base) + consumed;
    return { output: shown, dropped_chars: dropped, closed: this.closed };
  }

  /**
   * Waits until the unread output matches `pattern` (matched against the redacted text, so a pattern cannot probe
   * a secret), or no output came for `idleMs`, or the shell closed, or `timeoutMs` passed; then reads.
   */
  wait(opts: { pattern?: { test(text: string): boolean }; idleMs?: number; timeoutMs: number }): Promise<ShellRead & { reason: WaitReason }> {
    return new Promise((resolve) => {
      const started = Date.now();
      let idleTimer: NodeJS.Timeout | undefined;
      const finish = (reason: WaitReason) => {
        clearTimeout(deadline);
        clearTimeout(idleTimer);
        this.off('change', check);
        resolve({ ...this.read(), reason });
      };
      const armIdle = () => {
        if (opts.idleMs === undefined) return;
        clearTimeout(idleTimer);
        const since = Math.max(started, this.lastOutputAt);
        idleTimer = setTimeout(() => finish('idle'), Math.max(0, since + opts.idleMs - Date.now()));
      };
      const check = () => {
        if (opts.pattern && opts.pattern.test(this.unread().shown)) return finish('pattern');
        if (this.closed) return finish('closed');
        armIdle();
      };
      const deadline = setTimeout(() => finish('timeout'), opts.timeoutMs);
      this.on('change', check);
      check();
    });
  }

  send(data: string): void {
    this.channel.write(data);
    const lastLine = data.split(/[\r\n]/).pop() ?? '';
    this.pendingInput = /[\r\n]/.test(data) ? lastLine : this.pendingInput + data;
  }

  control(key: string): void {
    this.channel.write(controlByte(key));
    this.pendingInput = '';
  }

  close(): void {
    if (this.closed) return;
    this.channel.close();
  }
}
