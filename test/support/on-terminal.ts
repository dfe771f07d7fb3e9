import { spawn, spawnSync } from 'node:child_process';

/** util-linux `script` is there to give a command a real terminal (a pty). */
export const terminalAvailable = spawnSync('script', ['--version']).status === 0;

export interface TerminalRun {
  /** Everything the terminal has shown so far (what the command printed and asked). */
  screen: () => string;
  /** Keys typed at the terminal (`\r` is Enter). */
  type: (text: string) => void;
  exited: Promise<number | null>;
  /** Ends the command and everything it started, if it still runs. */
  kill: () => void;
}

/** Runs the shell line `command` on a terminal of its own, as a person at a terminal runs it. */
export function runOnTerminal(command: string, env: Record<string, string>): TerminalRun {
  const child = spawn('script', ['-qefc', command, '/dev/null'], { env, stdio: ['pipe', 'pipe', 'pipe'], detached: true });
  let screen = '';
  child.stdout.on('data', (c: Buffer) => (screen += c.toString()));
  return {
    screen: () => screen,
    type: (text) => child.stdin.write(text),
    exited: new Promise((resolve) => child.on('close', (code) => resolve(code))),
    kill: () => {
      if (child.exitCode !== null || !child.pid) return;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // gone already
      }
    },
  };
}
