import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectClient } from '../support/burrow-process.js';
import { startDaemonLab, type DaemonHandle, type DaemonLab } from '../support/daemon.js';
import type { SshdFixture } from '../support/sshd.js';
import { otherUsersCanRunServer, SLOW_RC_BANNER, slowRcUser } from '../support/test-user.js';

// Every other test logs in as a user whose shell reads no rc file. Real remotes are not like that: OpenSSH runs
// the command through the user's login shell, and Debian's bash reads ~/.bashrc for commands that come over
// ssh. This remote's ~/.bashrc takes half a second and prints a banner on stdout, into the MCP stream.
describe.skipIf(!otherUsersCanRunServer())('a remote user whose bash ~/.bashrc is slow and prints a banner (needs root to create the user, and a checkout other users can read)', () => {
  let lab: DaemonLab;
  let sshd: SshdFixture;
  let daemon: DaemonHandle;
  let env: Record<string, string>;
  beforeAll(async () => {
    lab = await startDaemonLab('chatty', { sshd: { user: slowRcUser().name } });
    ({ sshd, daemon, env } = lab);
  });
  afterAll(() => lab?.stop());

  it('still serves the MCP session, and the daemon logs the banner line it skipped', async () => {
    const c = await connectClient(['--remote', 'chatty'], env);
    try {
      const sum = await c.client.callTool({ name: 'get-sum', arguments: { a: 2, b: 40 } });
      expect(JSON.stringify(sum.content)).toContain('42');
    } finally {
      await c.close();
    }
    expect(daemon.stderr()).toContain(`chatty: skipped a line that is not JSON: ${SLOW_RC_BANNER}`);
    // The banner came from the user's own shell, as on a real remote: sshd ran bash for that user.
    expect(sshd.log()).toContain(`Accepted publickey for ${sshd.user}`);
  });
});
