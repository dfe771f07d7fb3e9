import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client as McpClient } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { Client as SshClient } from 'ssh2';
import { SSH_TOOL_NAMES, type ToolApprovalOutcome, type ToolApprovalRequest, type ToolPolicy } from '../../shared/tools.js';
import { ToolAuditLog, type ToolAudit } from '../../electron/core/audit/tool-audit.js';
import { createLogger } from '../../electron/core/logging/logger.js';
import { createSshToolServer, type ToolDeps } from '../../electron/core/tools/tool-server.js';
import { toolResultJson } from './tool-result-text.js';

/** Every tool allowed, no rules: for tests about what a tool does rather than whether it may. */
export const ALLOW_ALL: ToolPolicy = { tools: Object.fromEntries(SSH_TOOL_NAMES.map((t) => [t, 'allow'])), commandRules: [] };

export interface ToolCallResult {
  text: string;
  isError: boolean;
  /** The tool's structured result, structuredContent ({} for errors). */
  json: Record<string, any>;
}

/** The built-in tools server driven by the SDK's Client over an in-memory pair, as an MCP host would. */
export interface ToolHarness {
  client: McpClient;
  call(name: string, args?: Record<string, unknown>): Promise<ToolCallResult>;
  /** Connects to the saved remote "lab" and returns the session_id. */
  connect(): Promise<string>;
  /** Change these between calls. */
  state: {
    policy: ToolPolicy;
    approve: (r: ToolApprovalRequest) => Promise<ToolApprovalOutcome>;
    sudoPassword: (remote: string, reason: string) => Promise<string | undefined>;
    forgetSudoPassword: (remote: string) => void;
  };
  approvals: ToolApprovalRequest[];
  sudoAsked: string[];
  forgotten: string[];
  releases: () => number;
  logLines: string[];
  auditFile: string;
  close(): Promise<void>;
}

export async function startToolHarness(ssh: SshClient, opts: { audit?: ToolAudit; limits?: ToolDeps['limits'] } = {}): Promise<ToolHarness> {
  const auditFile = join(mkdtempSync(join(tmpdir(), 'burrow-tools-audit-')), 'tool-audit.jsonl');
  const approvals: ToolApprovalRequest[] = [];
  const sudoAsked: string[] = [];
  const forgotten: string[] = [];
  const logLines: string[] = [];
  let released = 0;
  const state: ToolHarness['state'] = {
    policy: ALLOW_ALL,
    approve: async () => 'deny',
    sudoPassword: async () => undefined,
    forgetSudoPassword: () => undefined,
  };
  const server = createSshToolServer({
    remotes: () => [{ name: 'lab', description: 'the test box', tags: ['test'] }],
    acquire: async () => ({ client: ssh, release: () => released++ }),
    approve: (r) => {
      approvals.push(r);
      return state.approve(r);
    },
    sudoPassword: (remote, reason) => {
      sudoAsked.push(reason);
      return state.sudoPassword(remote, reason);
    },
    forgetSudoPassword: (remote) => {
      forgotten.push(remote);
      state.forgetSudoPassword(remote);
    },
    policy: () => state.policy,
    audit: opts.audit ?? new ToolAuditLog(auditFile),
    client: () => ({ name: 'test-host', version: '1.0' }),
    logger: createLogger([{ level: 'debug', write: (_l, line) => logLines.push(line) }]),
    limits: { killGraceMs: 500, ...opts.limits },
  });
  const [clientEnd, serverEnd] = InMemoryTransport.createLinkedPair();
  await server.connect(serverEnd);
  const client = new McpClient({ name: 'test-host', version: '1.0' });
  await client.connect(clientEnd);
  const call = async (name: string, args: Record<string, unknown> = {}): Promise<ToolCallResult> => {
    const r = (await client.callTool({ name, arguments: args }, undefined, { timeout: 120_000 })) as { content: { type: string; text: string }[]; isError?: boolean };
    const text = r.content.map((c) => c.text).join('');
    const isError = r.isError === true;
    return { text, isError, json: isError ? {} : toolResultJson(r) };
  };
  return {
    client,
    call,
    connect: async () => {
      const r = await call('ssh_connect', { remote: 'lab' });
      if (r.isError) throw new Error(r.text);
      return r.json.session_id as string;
    },
    state,
    approvals,
    sudoAsked,
    forgotten,
    releases: () => released,
    logLines,
    auditFile,
    close: () => client.close(),
  };
}

/** Polls until `check` returns a value (not undefined/false), or fails after the deadline. */
export async function eventually<T>(check: () => T | undefined | false | Promise<T | undefined | false>, what: string, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
