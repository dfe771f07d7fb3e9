import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { recordPid, tempDir } from './run-state.js';

export interface TestAgent {
  socket: string;
  pid: number;
  add(keyPath: string): void;
  stop(): void;
}

/** A real OpenSSH ssh-agent on its own socket; stopped by its pid, never by name. */
export function startAgent(): TestAgent {
  const socket = join(tempDir('burrow-agent'), 'agent.sock');
  // -s prints sh commands; the agent forks into the background and says its pid.
  const out = execFileSync('ssh-agent', ['-s', '-a', socket], { encoding: 'utf8' });
  const pid = Number(/SSH_AGENT_PID=(\d+)/.exec(out)?.[1]);
  if (!pid) throw new Error(`ssh-agent did not say its pid: ${out}`);
  recordPid(pid, 'ssh-agent');
  return {
    socket,
    pid,
    add: (keyPath) => execFileSync('ssh-add', [keyPath], { env: { ...process.env, SSH_AUTH_SOCK: socket }, stdio: 'ignore' }),
    stop: () => {
      try {
        process.kill(pid, 'SIGTERM');
      } catch {
        // already gone
      }
    },
  };
}
