import { connect as tcpConnect } from 'node:net';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { Client as SshClient, ClientChannel } from 'ssh2';
import type { TestStep, TestStepName } from '../../../shared/api.js';
import { runsServer, type Remote } from '../../../shared/remote.js';
import { BURROW_VERSION } from '../../../shared/version.js';
import type { Engine } from '../engine.js';
import { BurrowError, oneLine } from '../errors.js';
import { keyTypeLabel, keyTypeOf, sha256Fingerprint } from '../hostkeys/fingerprint.js';
import { ChannelTransport } from '../inspector/channel-transport.js';
import { channelSpec } from '../session-manager.js';
import { channelRefusal, runExec } from '../tools/exec-channel.js';
import { openOn } from '../ssh/connection-pool.js';
import { describeNetworkError } from '../ssh/network-errors.js';

export interface ConnectionTestContext {
  engine: Engine;
  approvalTimeoutMs: number;
  networkTimeoutMs?: number;
}

/**
 * Connects to a remote (saved or not) one step at a time — TCP, host key, authentication, MCP initialize (for a
 * remote with no MCP server of its own: running a command, what the built-in tools do) — and stops at the first
 * step that fails, saying why. Uses its own connection, never the pool's.
 */
export async function testConnection(remote: Remote, ctx: ConnectionTestContext): Promise<TestStep[]> {
  const steps: TestStep[] = [];
  const timeoutMs = ctx.networkTimeoutMs ?? 15_000;
  let started = Date.now();
  const record = (step: TestStepName, ok: boolean, detail: string, since = started) => {
    steps.push({ step, ok, detail, ms: Date.now() - since });
    started = Date.now();
    return ok;
  };
  const where = `${remote.host}:${remote.port}`;

  try {
    await tcpProbe(remote.host, remote.port, timeoutMs);
    record('tcp', true, `reached ${where}`);
  } catch (error) {
    record('tcp', false, oneLine(error));
    return steps;
  }

  let hostKey: { ok: boolean; detail: string; ms: number } | undefined;
  const sshStarted = Date.now();
  let ssh: SshClient;
  try {
    // The engine's own way to connect (key server, keys, secrets, host-key policy), on a connection of its own.
    ssh = await ctx.engine.newConnector(remote).connect({
      approvalTimeoutMs: ctx.approvalTimeoutMs,
      connectTimeoutMs: timeoutMs,
      onHostKey: (blob, decision) => {
        const label = `${keyTypeLabel(keyTypeOf(blob))} ${sha256Fingerprint(blob)}`;
        hostKey = { ok: decision.ok, detail: decision.ok ? `${label} is trusted` : decision.message, ms: Date.now() - sshStarted };
        started = Date.now();
      },
    });
  } catch (error) {
    if (hostKey) {
      steps.push({ step: 'host-key', ok: hostKey.ok, detail: hostKey.detail, ms: hostKey.ms });
      if (hostKey.ok) record('auth', false, oneLine(error));
    } else {
      // Failed before the handshake reached the host key: a key that cannot be used is an auth problem.
      record(error instanceof BurrowError && error.kind === 'auth' ? 'auth' : 'host-key', false, oneLine(error), sshStarted);
    }
    return steps;
  }
  if (hostKey) steps.push({ step: 'host-key', ok: true, detail: hostKey.detail, ms: hostKey.ms });
  record('auth', true, `logged in as ${remote.user}`);

  try {
    steps.push(runsServer(remote) ? await mcpInitialize(ssh, remote, timeoutMs) : await execProbe(ssh, timeoutMs));
  } finally {
    ssh.end();
  }
  return steps;
}

function tcpProbe(host: string, port: number, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = tcpConnect({ host, port });
    socket.setTimeout(timeoutMs);
    socket.once('connect', () => {
      socket.destroy();
      resolve();
    });
    socket.once('timeout', () => {
      socket.destroy();
      reject(new BurrowError(`no answer from ${host}:${port} within ${timeoutMs / 1000}s`, 'timeout'));
    });
    socket.once('error', (error: NodeJS.ErrnoException) => reject(describeNetworkError(error, host, port)));
  });
}

/** What the built-in tools need of a host: a command runs over an exec channel (no ForceCommand or restricted key in the way). */
async function execProbe(ssh: SshClient, timeoutMs: number): Promise<TestStep> {
  const started = Date.now();
  const marker = 'burrow-connection-test';
  try {
    const run = await runExec(ssh, { command: `echo ${marker}`, timeoutMs, maxBytes: 4096, killGraceMs: 1000 });
    const said = run.stdout.toString('utf8').trim();
    const ms = Date.now() - started;
    if (run.exitCode === 0 && said === marker) return { step: 'exec', ok: true, detail: 'a command ran (exec channel)', ms };
    const status = run.timedOut ? `no answer within ${timeoutMs / 1000}s` : `exit code ${run.exitCode ?? run.signal}`;
    // Something else answered in its place: the server forces a command for this login.
    const why = said === marker ? status : `${said ? `it printed "${said.slice(0, 80)}"` : 'it printed nothing'} (${status}): the server runs a forced command for this login (ForceCommand, or command= on the key)`;
    return { step: 'exec', ok: false, detail: `"echo ${marker}" did not run as asked: ${why}`, ms };
  } catch (error) {
    return { step: 'exec', ok: false, detail: `the server refused to run a command: ${channelRefusal(error as Error)}`, ms: Date.now() - started };
  }
}

async function mcpInitialize(ssh: SshClient, remote: Remote, timeoutMs: number): Promise<TestStep> {
  const started = Date.now();
  const what = remote.mode === 'exec' ? `"${remote.command}"` : 'the shell channel';
  let channel: ClientChannel;
  try {
    channel = await openOn(ssh, channelSpec(remote));
  } catch (error) {
    return { step: 'mcp-initialize', ok: false, detail: `the server refused to start ${what}: ${oneLine(error)}`, ms: Date.now() - started };
  }
  const transport = new ChannelTransport(channel);
  const client = new Client({ name: 'burrow-connection-test', version: BURROW_VERSION }, { capabilities: {} });
  try {
    await client.connect(transport, { timeout: timeoutMs });
    const server = client.getServerVersion();
    const caps = Object.keys(client.getServerCapabilities() ?? {}).filter((k) => ['tools', 'prompts', 'resources'].includes(k));
    const offers = caps.length ? `; offers ${caps.join(', ')}` : '';
    return { step: 'mcp-initialize', ok: true, detail: `${server?.name ?? 'server'} ${server?.version ?? ''}`.trim() + offers, ms: Date.now() - started };
  } catch (error) {
    const exit = transport.exitCode === 127 ? ` (command not found, exit code 127)` : transport.exitCode != null ? ` (exited with code ${transport.exitCode})` : '';
    const stderr = transport.stderrTail() ? `; stderr: ${transport.stderrTail()}` : '';
    const why = oneLine(error).replace(/^MCP error -?\d+:\s*/, '');
    return { step: 'mcp-initialize', ok: false, detail: `${what} did not answer initialize${exit}: ${why}${stderr}`, ms: Date.now() - started };
  } finally {
    await client.close().catch(() => {});
  }
}
