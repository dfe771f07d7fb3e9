import { execFileSync, spawnSync } from 'node:child_process';
import { EVERYTHING_COMMAND, startSshd, type SshdFixture } from './sshd.js';

/** Creating a login user needs root and useradd; tests that need one skip with this reason otherwise. */
export const canMakeUsers = process.getuid?.() === 0 && spawnSync('useradd', ['--help']).status === 0;

export interface PasswordLogin {
  user: string;
  password: string;
  sshd: SshdFixture;
  remove(): void;
}

/** A throwaway user with a password, and an sshd that lets only that user in by password (forcing the MCP server). */
export async function startPasswordLogin(prefix: string): Promise<PasswordLogin> {
  const user = `${prefix}${process.pid}`.slice(0, 30);
  const password = `pw-${process.pid}-${Date.now()}`;
  execFileSync('useradd', ['-M', '-s', '/bin/sh', user]);
  execFileSync('chpasswd', { input: `${user}:${password}\n` });
  // The fixture's "PasswordAuthentication no" comes first and would win (sshd keeps the first value): a Match block overrides it.
  const sshd = await startSshd({ extraConfig: [`Match User ${user}`, '  PasswordAuthentication yes', `  ForceCommand ${EVERYTHING_COMMAND}`] });
  return {
    user,
    password,
    sshd,
    remove: () => {
      sshd.stop();
      spawnSync('userdel', [user]);
    },
  };
}
