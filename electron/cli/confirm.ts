import { askOnTerminal, terminalAvailable } from './tty-prompt.js';

/**
 * A person is at a terminal: stdin and stdout are both one (so they read the diff and can answer).
 * Scripts and CI (pipes, no stdin) are not asked anything: they get today's behaviour, or pass --yes.
 */
export function personAtTerminal(): boolean {
  return Boolean(process.stdin.isTTY && process.stdout.isTTY) && terminalAvailable();
}

/** Asks "QUESTION [y/N] " on the terminal; only y or yes (any case) is a yes, Ctrl-C/Ctrl-D and Enter are no. */
export async function confirm(question: string): Promise<boolean> {
  const answer = await askOnTerminal(`${question} [y/N] `, false);
  return answer !== undefined && /^\s*y(es)?\s*$/i.test(answer);
}
