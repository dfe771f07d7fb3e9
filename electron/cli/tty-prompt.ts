import { closeSync, openSync } from 'node:fs';
import { ReadStream, WriteStream } from 'node:tty';

/**
 * Questions for the person at the terminal, as ssh asks them: on /dev/tty, because the helper's
 * stdin and stdout carry the MCP protocol. No terminal (an MCP host started us) means no prompt.
 */
export function terminalAvailable(): boolean {
  if (process.platform === 'win32') return false;
  try {
    closeSync(openSync('/dev/tty', 'r+'));
    return true;
  } catch {
    return false;
  }
}

/**
 * Asks one line on /dev/tty; `hidden` does not echo (passwords, passphrases). Resolves undefined on Ctrl-C/Ctrl-D,
 * and when `signal` aborts (answered elsewhere meanwhile): the terminal is left as it was found.
 */
export function askOnTerminal(question: string, hidden: boolean, signal?: AbortSignal): Promise<string | undefined> {
  return new Promise((resolve) => {
    if (signal?.aborted) {
      resolve(undefined);
      return;
    }
    let fd: number;
    try {
      fd = openSync('/dev/tty', 'r+');
    } catch {
      resolve(undefined);
      return;
    }
    const input = new ReadStream(fd);
    const output = new WriteStream(fd);
    let answer = '';
    const done = (value: string | undefined) => {
      signal?.removeEventListener('abort', aborted);
      input.setRawMode(false);
      input.pause();
      input.removeAllListeners('data');
      output.write('\n');
      input.destroy();
      resolve(value);
    };
    const aborted = () => done(undefined);
    signal?.addEventListener('abort', aborted, { once: true });
    input.setRawMode(true);
    output.write(question);
    input.on('data', (chunk: Buffer) => {
      for (const ch of chunk.toString('utf8')) {
        if (ch === '\r' || ch === '\n') return done(answer);
        if (ch === '\u0003' || ch === '\u0004') return done(undefined);
        if (ch === '\u007f' || ch === '\b') {
          if (answer.length > 0) {
            answer = answer.slice(0, -1);
            if (!hidden) output.write('\b \b');
          }
          continue;
        }
        answer += ch;
        if (!hidden) output.write(ch);
      }
    });
  });
}
