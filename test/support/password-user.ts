import { EVERYTHING_COMMAND, startSshd, type SshdFixture } from './sshd.js';
import { otherUsersCanRunServer, underUserLock } from './test-user.js';
import { recordUser } from './run-state.js';

/** Root, useradd, and a checkout another user can run the MCP server from: tests that need a password user skip otherwise. */
export const canMakeUsers = otherUsersCanRunServer();

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
  underUserLock('useradd', ['-M', '-s', '/bin/sh', user]);
  recordUser(user);
  underUserLock('chpasswd', [], `${user}:${password}\n`);
  // The fixture's "PasswordAuthentication no" comes first and would win (sshd keeps the first value): a Match block overrides it.
  const sshd = await startSshd({ user, extraConfig: [`Match User ${user}`, '  PasswordAuthentication yes', `  ForceCommand ${EVERYTHING_COMMAND}`] });
  return {
    user,
    password,
    sshd,
    remove: () => {
      sshd.stop();
      try {
        underUserLock('userdel', [user]);
      } catch {
        // already gone
      }
    },
  };
}
