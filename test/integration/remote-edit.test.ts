import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Remote } from '../../shared/remote.js';
import { burrowEnv, connectClient, runBurrow } from '../support/burrow-process.js';
import { startDaemon, type DaemonHandle } from '../support/daemon.js';
import { tempDir } from '../support/run-state.js';
import { EVERYTHING_COMMAND, keygen, startSshd, type SshdFixture } from '../support/sshd.js';
import { waitFor } from '../support/wait-for.js';

/** `burrow remote edit NAME [flags]`: one field changed, the rest of the saved remote kept. */

async function remotes(env: Record<string, string>): Promise<Remote[]> {
  const r = await runBurrow(['remote', 'list', '--json'], env);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as Remote[];
}

async function ok(args: string[], env: Record<string, string>): Promise<string> {
  const r = await runBurrow(args, env);
  expect(r.code, r.stderr).toBe(0);
  return r.stdout;
}

describe('remote edit without an engine (the settings file)', () => {
  const env = burrowEnv();
  const key = join(tempDir('remote-edit-key'), 'id_ed25519');
  let added: Remote;

  beforeAll(async () => {
    keygen(key);
    await ok(['remote', 'add', 'prod', '--host', 'prod.example.com', '--user', 'deploy', '--key', key, '--no-agent', '--command', 'node /srv/mcp.js', '--host-key-policy', 'strict', '--jump', 'me@bastion:2200'], env);
    await ok(['remote', 'add', 'lab', '--host', 'lab.example.com', '--tools', '--tool-policy', 'ssh_execute=allow', '--command-rule', 'deny:^rm '], env);
    added = (await remotes(env)).find((r) => r.name === 'prod')!;
  });

  it('changes the port and the user, says so per field, and keeps everything else', async () => {
    const out = await ok(['remote', 'edit', 'prod', '--port', '2222', '--user', 'ops'], env);
    expect(out).toBe('prod: port 22 → 2222\nprod: user deploy → ops\n');
    const now = (await remotes(env)).find((r) => r.name === 'prod');
    expect(now).toEqual({ ...added, port: 2222, user: 'ops' });
    expect(now).toMatchObject({ identityFiles: [key], useAgent: false, mode: 'exec', command: 'node /srv/mcp.js', hostKeyPolicy: 'strict', jump: [{ host: 'bastion', port: 2200, user: 'me' }] });
  });

  it('takes --host as ssh does, [user@]host[:port], and refuses the user or port given twice', async () => {
    const out = await ok(['remote', 'add', 'addr', '--host', 'alice@box.example.com:2200', '--no-agent'], env);
    expect(out).toBe('added remote "addr" (alice@box.example.com:2200, shell)\n');
    expect(await ok(['remote', 'edit', 'addr', '--host', '[::1]:2201'], env)).toBe('addr: host box.example.com → ::1\naddr: port 2200 → 2201\n');
    for (const [flags, message] of [
      [['--host', 'bob@box', '--user', 'carol'], 'remote edit: give the user in --host (bob@…) or with --user, not both'],
      [['--host', 'box:2222', '--port', '22'], 'remote edit: give the port in --host (…:2222) or with --port, not both'],
      [['--host', 'box:99999'], 'remote edit: --host: host "box:99999": bad port "99999" (use [user@]host[:port])'],
    ] as const) {
      const r = await runBurrow(['remote', 'edit', 'addr', ...flags], env);
      expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 1, stderr: `burrow: ${message}\n` });
    }
    expect((await remotes(env)).find((r) => r.name === 'addr')).toMatchObject({ host: '::1', port: 2201, user: 'alice' });
    await ok(['remote', 'remove', 'addr', '--yes'], env);
  });

  it('says "nothing changed" when the flags give the values it has', async () => {
    const before = await remotes(env);
    const r = await runBurrow(['remote', 'edit', 'prod', '--port', '2222'], env);
    expect({ code: r.code, stdout: r.stdout, stderr: r.stderr }).toEqual({ code: 0, stdout: 'prod: nothing changed\n', stderr: '' });
    expect(await remotes(env)).toEqual(before);
  });

  it('refuses an edit that makes the remote invalid in one line and saves nothing', async () => {
    const before = await remotes(env);
    for (const [args, line] of [
      [['--host', 'prod example'], 'burrow: remote edit: --host: host "prod example": a host name has no spaces or slashes (use [user@]host[:port])'],
      [['--user', ''], 'burrow: remote edit: user: user is required'],
      [['--port', '70000'], 'burrow: remote edit: --port must be a port number from 1 to 65535, not "70000"'],
      [['--command', 'x', '--shell'], 'burrow: remote edit: give --command or --shell, not both'],
      [['--key-server-port', '9000'], 'burrow: remote edit: --key-server-port needs --use-key-server'],
      [['--tool-policy', 'ssh_execute=allow'], 'burrow: remote edit: --tool-policy and --command-rule need --tools'],
      [[], 'burrow: remote edit: give what to change, e.g. burrow remote edit prod --port 2222 (see burrow remote edit --help)'],
    ] as const) {
      const r = await runBurrow(['remote', 'edit', 'prod', ...args], env);
      expect({ code: r.code, stderr: r.stderr, stdout: r.stdout }).toEqual({ code: 1, stderr: `${line}\n`, stdout: '' });
    }
    expect(await remotes(env)).toEqual(before);
  });

  it('refuses an unknown remote in one line, with the likely name', async () => {
    const typo = await runBurrow(['remote', 'edit', 'prdo', '--port', '2200'], env);
    expect({ code: typo.code, stderr: typo.stderr }).toEqual({ code: 1, stderr: 'burrow: remote edit: no remote named "prdo" (did you mean prod? burrow remote list lists them)\n' });
    const far = await runBurrow(['remote', 'edit', 'staging', '--port', '2200'], env);
    expect(far.stderr).toBe('burrow: remote edit: no remote named "staging" (burrow remote list lists them)\n');
  });

  it('changes one tool policy and keeps the others; list flags replace the list; the tools switch goes off and on', async () => {
    expect(await ok(['remote', 'edit', 'lab', '--tool-policy', 'ssh_forward_port=deny'], env)).toBe('lab: tool ssh_forward_port ask → deny\n');
    let lab = (await remotes(env)).find((r) => r.name === 'lab')!;
    expect(lab.tools?.policy).toEqual({ tools: { ssh_execute: 'allow', ssh_forward_port: 'deny' }, commandRules: [{ action: 'deny', pattern: '^rm ' }] });

    expect(await ok(['remote', 'edit', 'lab', '--command-rule', 'ask:^reboot'], env)).toBe('lab: command rules deny /^rm / → ask /^reboot/\n');
    // lab was added with --tools alone: a host with no MCP server of its own, so the tools cannot go off alone.
    const alone = await runBurrow(['remote', 'edit', 'lab', '--no-tools'], env);
    expect({ code: alone.code, stderr: alone.stderr }).toEqual({
      code: 1,
      stderr: 'burrow: remote edit: tools: a remote with no MCP server of its own is only there for the built-in SSH tools: keep them on, or give the command that starts its server\n',
    });
    expect(await ok(['remote', 'edit', 'lab', '--shell', '--no-tools', '--no-resume'], env)).toBe('lab: channel built-in SSH tools only → shell\nlab: resume on → off\nlab: tools on → off\n');
    lab = (await remotes(env)).find((r) => r.name === 'lab')!;
    // Off keeps the policy for when the tools are turned on again, as the window does.
    expect(lab.tools).toEqual({ enabled: false, policy: { tools: { ssh_execute: 'allow', ssh_forward_port: 'deny' }, commandRules: [{ action: 'ask', pattern: '^reboot' }] } });
    expect(await ok(['remote', 'edit', 'lab', '--tools', '--resume', '--description', 'the build box'], env)).toBe('lab: resume off → on\nlab: tools off → on\nlab: tools description none → "the build box"\n');
    // And back to a host with no MCP server of its own, for the tools alone.
    expect(await ok(['remote', 'edit', 'lab', '--tools-only'], env)).toBe('lab: channel shell → built-in SSH tools only\n');
    const both = await runBurrow(['remote', 'edit', 'lab', '--tools-only', '--command', 'mcp'], env);
    expect({ code: both.code, stderr: both.stderr }).toEqual({ code: 1, stderr: 'burrow: remote edit: give --command or --tools-only, not both\n' });
    expect(await ok(['remote', 'edit', 'prod', '--no-key', '--agent', '--no-jump', '--shell'], env)).toBe(
      `prod: keys ${key} → none\nprod: agent off → on\nprod: channel exec: node /srv/mcp.js → shell\nprod: jump hosts me@bastion:2200 → none\n`,
    );
    // --tools-only on a remote without the tools turns them on: that is all it is for now.
    expect(await ok(['remote', 'edit', 'prod', '--tools-only'], env)).toMatch(/^prod: channel shell → built-in SSH tools only\nprod: tools (none|off) → on\n$/);
  });

  it('is listed by burrow remote --help', async () => {
    expect(await ok(['remote', '--help'], env)).toMatch(/^ {7}burrow remote edit NAME /m);
    expect(await ok(['--help'], env)).toContain('remote add|edit|list|remove|import');
  });
});

describe('remote edit with a running daemon', () => {
  let sshd: SshdFixture;
  let env: Record<string, string>;
  let daemon: DaemonHandle;

  beforeAll(async () => {
    // No forced command: the server runs what the remote's --command asks for.
    sshd = await startSshd({ forcedCommand: null });
    env = burrowEnv();
    daemon = await startDaemon(env);
    await ok(['remote', 'add', 'live', '--host', '127.0.0.1', '--port', String(sshd.port), '--user', sshd.user, '--key', sshd.clientKey, '--no-agent', '--known-hosts', sshd.knownHostsFile, '--command', EVERYTHING_COMMAND], env);
  });

  afterAll(async () => {
    await daemon?.stop();
    sshd?.stop();
  });

  it('a connect --remote after editing the command starts the new command', async () => {
    const first = await connectClient(['--remote', 'live'], env);
    expect(JSON.stringify((await first.client.callTool({ name: 'get-sum', arguments: { a: 2, b: 40 } })).content)).toContain('42');
    await first.close();
    expect(sshd.remoteProcesses().some((p) => p.env.BURROW_EDITED === 'yes')).toBe(false);

    const edited = `BURROW_EDITED=yes ${EVERYTHING_COMMAND}`;
    expect(await ok(['remote', 'edit', 'live', '--command', edited], env)).toBe(`live: channel exec: ${EVERYTHING_COMMAND} → exec: ${edited}\n`);
    // Saved by the daemon (the one writer), which serves the new value to the next session at once.
    expect((await remotes(env)).find((r) => r.name === 'live')?.command).toBe(edited);
    const second = await connectClient(['--remote', 'live'], env);
    try {
      expect(JSON.stringify((await second.client.callTool({ name: 'get-sum', arguments: { a: 1, b: 1 } })).content)).toContain('2');
      await waitFor(() => sshd.remoteProcesses().some((p) => p.env.BURROW_EDITED === 'yes'), 10_000, () => `MCP servers: ${JSON.stringify(sshd.remoteProcesses().map((p) => p.command))}`);
    } finally {
      await second.close();
    }
  });
});
