import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PendingApproval } from '../../shared/approvals.js';
import type { Remote } from '../../shared/remote.js';
import { Engine } from '../../electron/core/engine.js';
import { silentLogger } from '../../electron/core/logging/logger.js';
import { createEndPair } from '../../electron/core/relay/ends/in-process-ends.js';
import type { ControlNotice } from '../../electron/core/relay/line-end.js';
import { INITIALIZE } from '../support/burrow-process.js';
import { EVERYTHING_COMMAND, startSshd, type SshdFixture } from '../support/sshd.js';

/** A host session through the engine on an in-process end: what it receives and the notices it is told. */
function hostSession(engine: Engine, remote: Remote) {
  const [engineSide, host] = createEndPair();
  const lines: string[] = [];
  const notices: ControlNotice[] = [];
  host.onLine = (l) => lines.push(Buffer.from(l).toString());
  host.onNotice = (n) => notices.push(n);
  host.start();
  engine.startSession(remote, engineSide);
  host.send(Buffer.from(`${INITIALIZE}\n`));
  return { host, lines, notices };
}

let sshd: SshdFixture;
beforeAll(async () => {
  sshd = await startSshd();
});
afterAll(() => sshd?.stop());

describe('a background reconnect uses the remote\'s own connector', () => {
  it('reconnects after the session that last asked has ended, and tells no dead session anything', async () => {
    const home = mkdtempSync(join(tmpdir(), 'burrow-reconnect-'));
    const engine = new Engine({ home, logger: silentLogger, keepWarm: true, prestart: false, idleTimeoutMs: 60_000, approvalTimeoutMs: () => 20_000 });
    const remote: Remote = {
      name: 'lab',
      host: '127.0.0.1',
      port: sshd.port,
      user: sshd.user,
      identityFiles: [sshd.clientKey],
      useAgent: false,
      usePassword: false,
      knownHostsPath: sshd.emptyKnownHostsFile,
      mode: 'exec',
      command: EVERYTHING_COMMAND,
      // Approved once: every new connection asks again, so a reconnect has something to say.
      hostKeyPolicy: 'ask',
      // The session is to end with the drop (not resume), so the reconnect is the pool's alone.
      resume: false,
    };
    const approvals: PendingApproval[] = [];
    engine.events.on('approval-added', ({ approval }) => {
      approvals.push(approval);
      if (approvals.length === 1) engine.broker.answer(approval.id, 'approve-once');
    });
    try {
      const b = hostSession(engine, remote);
      await expect.poll(() => b.lines.length, { timeout: 30_000, message: JSON.stringify(b.notices) + JSON.stringify(approvals) }).toBe(1);
      // A opens after B (the last to ask for a channel), and ends.
      const a = hostSession(engine, remote);
      await expect.poll(() => a.lines.length, { timeout: 30_000 }).toBe(1);
      a.host.end();
      await expect.poll(() => a.notices.some((n) => n.type === 'exit'), { timeout: 10_000 }).toBe(true);
      const aHeardBeforeDrop = a.notices.length;

      // The connection drops under B: B fails, the engine reconnects in the background and asks again.
      expect(sshd.dropConnections()).toBeGreaterThan(0);
      await expect.poll(() => b.notices.some((n) => n.type === 'exit'), { timeout: 10_000 }).toBe(true);
      await expect.poll(() => approvals.length, { timeout: 15_000 }).toBe(2);
      // Nobody waits: the question is in the queue only; the ended session A is told nothing.
      expect(a.notices.length).toBe(aHeardBeforeDrop);
      expect(engine.broker.answer(approvals[1].id, 'approve')).toBe(1);
      await expect.poll(() => sshd.acceptedLogins(), { timeout: 15_000 }).toBe(2);

      // The reconnected connection serves the next session without another login or question.
      const c = hostSession(engine, remote);
      await expect.poll(() => c.lines.length, { timeout: 30_000 }).toBe(1);
      expect(JSON.parse(c.lines[0]).result.serverInfo.name).toBe('mcp-servers/everything');
      expect(sshd.acceptedLogins()).toBe(2);
      expect(approvals).toHaveLength(2);
    } finally {
      engine.close();
    }
  });
});

