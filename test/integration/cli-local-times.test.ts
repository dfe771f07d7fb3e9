import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EngineStatus } from '../../shared/api.js';
import type { ApprovedHostKey } from '../../shared/api.js';
import type { PendingHostKey } from '../../shared/approvals.js';
import { HashChainLog } from '../../electron/core/audit/hash-chain-log.js';
import { burrowEnv, connectClient, runBurrow, type ConnectedClient } from '../support/burrow-process.js';
import { startDaemon, type DaemonHandle } from '../support/daemon.js';
import { startSshd, type SshdFixture } from '../support/sshd.js';
import { addSshdRemote } from '../support/sshd-remote.js';
import { waitFor } from '../support/wait-for.js';

/**
 * The CLI shows times in the person's zone, not UTC: each command runs with TZ=Pacific/Kiritimati (UTC+14, no
 * daylight saving), where every clock reading differs from UTC's, and `--json` keeps the engine's ISO UTC text.
 * After `burrow call`, `burrow status` shows the inspector session it left apart from the MCP apps' sessions.
 */
const TZ = 'Pacific/Kiritimati';
const OFFSET_MS = 14 * 3600_000;
const ISO_UTC = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;

/** What the CLI should print for an ISO time in that zone: "14:03:12" on the zone's today, else "2026-11-30 14:03". */
function localText(iso: string): string {
  const shifted = new Date(Date.parse(iso) + OFFSET_MS).toISOString();
  const today = new Date(Date.now() + OFFSET_MS).toISOString().slice(0, 10);
  return shifted.slice(0, 10) === today ? shifted.slice(11, 19) : `${shifted.slice(0, 10)} ${shifted.slice(11, 16)}`;
}
/** The same time as UTC would print it, which must not be shown. */
const utcClock = (iso: string) => new Date(iso).toISOString().slice(11, 16);
const recently = String.raw`\((just now|\d+ s ago)\)`;
const escaped = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

let sshd: SshdFixture;
let env: Record<string, string>;
let daemon: DaemonHandle | undefined;
let app: ConnectedClient | undefined;

beforeAll(async () => {
  sshd = await startSshd();
  env = burrowEnv({ TZ });
  // No known_hosts entry: the host key waits for a person, which gives `hostkeys list` a pending and an approved time.
  await addSshdRemote(env, 'lab', { ...sshd, knownHostsFile: sshd.emptyKnownHostsFile });
  daemon = await startDaemon(env);
});

afterAll(async () => {
  await app?.close();
  await daemon?.stop();
  sshd?.stop();
});

describe('times in the CLI are local, JSON stays ISO', () => {
  it('hostkeys list: the pending and the approved key show local times; --json keeps ISO', async () => {
    const call = runBurrow(['call', 'lab', 'get-sum', 'a=2', 'b=40'], env);
    let pending: PendingHostKey | undefined;
    await waitFor(
      async () => {
        const listed = await runBurrow(['hostkeys', 'list', '--json'], env);
        pending = listed.code === 0 ? (JSON.parse(listed.stdout) as { pending: PendingHostKey[] }).pending[0] : undefined;
        return !!pending;
      },
      20_000,
      () => 'no host key waited for approval',
      200,
    );
    expect(pending!.requestedAt).toMatch(ISO_UTC);
    const waitingRow = (await runBurrow(['hostkeys', 'list'], env)).stdout.split('\n').find((l) => l.startsWith('pending'));
    expect(waitingRow).toMatch(new RegExp(`  ${escaped(localText(pending!.requestedAt))} ${recently}  `));
    expect(waitingRow).not.toContain(utcClock(pending!.requestedAt));

    expect((await runBurrow(['hostkeys', 'approve', pending!.fingerprint], env)).code).toBe(0);
    const called = await call;
    expect(called.code, called.stderr).toBe(0);
    expect(called.stdout.trim()).toBe('The sum of 2 and 40 is 42.');

    const known = (JSON.parse((await runBurrow(['hostkeys', 'list', '--json'], env)).stdout) as { known: ApprovedHostKey[] }).known;
    expect(known[0].firstSeen).toMatch(ISO_UTC);
    const approvedRow = (await runBurrow(['hostkeys', 'list'], env)).stdout.split('\n').find((l) => l.startsWith('approved'));
    expect(approvedRow).toMatch(new RegExp(`  ${escaped(localText(known[0].firstSeen!))} ${recently}  `));
    expect(approvedRow).not.toContain(utcClock(known[0].firstSeen!));
  });

  it("status: after burrow call, its inspector session shows apart with when it closes, not in the remote's SESSIONS count; an MCP app's session shows in local time", async () => {
    const before = JSON.parse((await runBurrow(['status', '--json'], env)).stdout) as EngineStatus;
    const inspector = before.sessions.find((s) => s.client === 'burrow-inspector');
    expect(inspector?.openedAt).toMatch(ISO_UTC);
    expect(inspector?.inspector?.closesAt).toMatch(ISO_UTC);
    // The engine closes an unused inspector session after 10 minutes.
    expect(Date.parse(inspector!.inspector!.closesAt!) - Date.now()).toBeGreaterThan(8 * 60_000);

    const shown = (await runBurrow(['status'], env)).stdout;
    expect(shown).toMatch(new RegExp(`^Burrow inspector on lab \\(session ${inspector!.id}, since ${escaped(localText(inspector!.openedAt))}\\): closes when idle, in (10m 0s|9m \\d+s)$`, 'm'));
    // Not among the MCP apps' sessions.
    expect(shown).not.toMatch(/^SESSION /m);
    expect(shown).not.toMatch(/^\d+\s+lab\s+burrow-inspector/m);
    // Nor counted with them: no MCP app uses lab yet.
    expect(before.remotes.find((r) => r.name === 'lab')?.sessions).toBe(0);
    expect(shown).toMatch(/^lab\s+\S+\s+0(\s|$)/m);

    app = await connectClient(['--remote', 'lab'], env);
    let session: EngineStatus['sessions'][number] | undefined;
    await waitFor(
      async () => {
        const status = JSON.parse((await runBurrow(['status', '--json'], env)).stdout) as EngineStatus;
        session = status.sessions.find((s) => s.client === 'burrow-test');
        return !!session;
      },
      20_000,
      () => 'the MCP app session did not show',
      200,
    );
    expect(session!.inspector).toBeUndefined();
    const withAppJson = JSON.parse((await runBurrow(['status', '--json'], env)).stdout) as EngineStatus;
    expect(withAppJson.remotes.find((r) => r.name === 'lab')?.sessions).toBe(1);
    const withApp = (await runBurrow(['status'], env)).stdout;
    expect(withApp).toMatch(/^lab\s+\S+\s+1(\s|$)/m);
    expect(withApp).toMatch(/^SESSION\s+REMOTE\s+CLIENT\s+SINCE\s+STATE$/m);
    expect(withApp).toMatch(new RegExp(`^${session!.id}\\s+lab\\s+burrow-test\\s+${escaped(localText(session!.openedAt))} ${recently}\\s+relaying$`, 'm'));
    expect(withApp).not.toContain(`${utcClock(session!.openedAt)}:`);
    expect(withApp).toMatch(/^Burrow inspector on lab /m);
  });

  it('audit tail: each record at its local time; --json keeps the ISO record', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'burrow-audit-tz-')), 'tool-audit.jsonl');
    new HashChainLog(file).append({ kind: 'tool-call', phase: 'call', tool: 'ssh_execute', remote: 'lab', args: { command: 'uptime' }, decision: 'allow', decidedBy: 'policy' });
    const record = JSON.parse((await runBurrow(['audit', 'tail', '--json', '--file', file], env)).stdout) as { time: string };
    expect(record.time).toMatch(ISO_UTC);
    const line = (await runBurrow(['audit', 'tail', '--file', file], env)).stdout;
    expect(line).toBe(`${localText(record.time)} #1 ssh_execute on lab: allow (policy) — uptime\n`);
  });
});
