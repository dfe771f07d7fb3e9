import { createInterface } from 'node:readline';
import { askOnTerminal, terminalAvailable } from './tty-prompt.js';

/**
 * A person is at a terminal: stdin and stdout are both one (so they read the diff and can answer).
 * Scripts and CI (pipes, no stdin) are not asked anything: they get today's behaviour, or pass --yes.
 */
export function personAtTerminal(): boolean {
  return Boolean(process.stdin.isTTY && process.stdout.isTTY) && (process.platform === 'win32' || terminalAvailable());
}

/** Asks "QUESTION [y/N] " on the terminal; only y or yes (any case) is a yes, Ctrl-C/Ctrl-D and Enter are no. */
export async function confirm(question: string): Promise<boolean> {
  const prompt = `${question} [y/N] `;
  // Windows has no /dev/tty: ask on the console through stdin, which personAtTerminal() saw is one.
  const answer = process.platform === 'win32' ? await askOnConsole(prompt) : await askOnTerminal(prompt, false);
  return answer !== undefined && /^\s*y(es)?\s*$/i.test(answer);
}

function askOnConsole(prompt: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    const rl = createInterface({ input: process.stdin, output: process.stdout });
    let answered = false;
    rl.on('SIGINT', () => rl.close());
    rl.on('close', () => {
      if (!answered) resolve(undefined);
    });
    rl.question(prompt, (answer) => {
      answered = true;
      resolve(answer);
      rl.close();
    });
  });
}
