import { userInfo } from 'node:os';
import { resolve } from 'node:path';
import type { RemoteInput } from '../../shared/remote.js';
import { parseHostKeyPolicy } from '../../shared/host-key-policy.js';
import { parseJumpSpecs } from '../../shared/jump-spec.js';
import { parseHostFlag, parsePort } from './cli-args.js';

/** The flags of `burrow remote add`: what a remote is made of. */
export const REMOTE_FLAGS = {
  host: { type: 'string' },
  port: { type: 'string' },
  user: { type: 'string' },
  key: { type: 'string', multiple: true },
  agent: { type: 'boolean' },
  'no-agent': { type: 'boolean' },
  password: { type: 'boolean' },
  'known-hosts': { type: 'string' },
  command: { type: 'string' },
  shell: { type: 'boolean' },
  'tools-only': { type: 'boolean' },
  'host-key-policy': { type: 'string' },
  'use-key-server': { type: 'boolean' },
  'key-server-port': { type: 'string' },
  jump: { type: 'string' },
  tunnel: { type: 'string' },
  tools: { type: 'boolean' },
  description: { type: 'string' },
  'tool-policy': { type: 'string', multiple: true },
  'command-rule': { type: 'string', multiple: true },
  'no-resume': { type: 'boolean' },
} as const;

/**
 * The way back for what add only turns one way: on a new remote these are the defaults, so only `remote edit`
 * takes them.
 */
export const UNDO_FLAGS = {
  'no-key': { type: 'boolean' },
  'no-password': { type: 'boolean' },
  'no-key-server': { type: 'boolean' },
  'no-jump': { type: 'boolean' },
  'no-tools': { type: 'boolean' },
  'no-command-rules': { type: 'boolean' },
  resume: { type: 'boolean' },
} as const;

type Flags = typeof REMOTE_FLAGS & typeof UNDO_FLAGS;
export type RemoteFlagValues = {
  [K in keyof Flags]?: Flags[K] extends { multiple: true } ? string[] : Flags[K] extends { type: 'string' } ? string : boolean;
};

/** What `remote add` starts from: each field a flag leaves out takes its default. */
export function newRemoteBase(name: string): RemoteInput {
  // As OpenSSH: the local user name, and the agent unless --no-agent.
  return { name, host: '', port: 22, user: userInfo().username, identityFiles: [], useAgent: true, usePassword: false, mode: 'shell', hostKeyPolicy: 'ask' };
}

/** Whether any flag that changes a remote was given (edit with none of them is a mistake). */
export function anyRemoteFlag(values: RemoteFlagValues): boolean {
  return Object.keys(values).some((k) => k in REMOTE_FLAGS || k in UNDO_FLAGS);
}

/**
 * The remote `base` with the fields the flags name changed and every other field kept: `remote add` applies them
 * to the defaults, `remote edit` to the saved remote. List flags (--key, --jump, --command-rule) replace the list;
 * --tool-policy changes the tools it names. Each mistake is one line starting with `where`.
 */
export async function applyRemoteFlags(where: string, values: RemoteFlagValues, base: RemoteInput): Promise<RemoteInput> {
  const both = (a: keyof RemoteFlagValues, b: keyof RemoteFlagValues) => {
    if (values[a] !== undefined && values[b] !== undefined) throw new Error(`${where}: give --${a} or --${b}, not both`);
  };
  both('host', 'tunnel');
  both('command', 'shell');
  both('command', 'tools-only');
  both('shell', 'tools-only');
  both('tools-only', 'no-tools');
  both('agent', 'no-agent');
  both('password', 'no-password');
  both('key', 'no-key');
  both('jump', 'no-jump');
  both('tools', 'no-tools');
  both('use-key-server', 'no-key-server');
  both('resume', 'no-resume');
  both('command-rule', 'no-command-rules');
  if (values.command !== undefined && values.command.trim() === '') throw new Error(`${where}: --command is empty; give the command that starts the MCP server, e.g. --command 'npx -y some-mcp-server'`);
  const next: RemoteInput = { ...base };

  // A tunnel remote is reached on 127.0.0.1 at the device's live tunnel port (filled in when connecting).
  if (values.tunnel !== undefined) Object.assign(next, { host: '127.0.0.1', tunnel: { device: values.tunnel } });
  // As ssh takes it: --host alice@box:2222 is --host box --user alice --port 2222.
  if (values.host !== undefined) {
    const address = parseHostFlag(where, values.host, values.user !== undefined ? '--user' : undefined, values.port !== undefined);
    Object.assign(next, { host: address.host, tunnel: undefined });
    if (address.user !== undefined) next.user = address.user;
    if (address.port !== undefined) next.port = address.port;
  }
  if (values.port !== undefined) next.port = prefixed(where, () => parsePort(values.port, '--port', 22));
  if (values.user !== undefined) next.user = values.user;
  if (values.key !== undefined) {
    const { checkPrivateKeyFile } = await import('../core/ssh/key-file-check.js');
    next.identityFiles = values.key.map((k) => resolve(k));
    for (const key of next.identityFiles) prefixed(`${where}: --key`, () => checkPrivateKeyFile(key));
  }
  if (values['no-key']) next.identityFiles = [];
  if (values.agent || values['no-agent']) next.useAgent = !!values.agent;
  if (values.password || values['no-password']) next.usePassword = !!values.password;
  if (values['known-hosts'] !== undefined) next.knownHostsPath = resolve(values['known-hosts']);
  if (values.command !== undefined) Object.assign(next, { mode: 'exec', command: values.command });
  if (values.shell) Object.assign(next, { mode: 'shell', command: undefined });
  // No MCP server of its own: the remote is there for the built-in tools, which are turned on (toolsOf below).
  if (values['tools-only']) Object.assign(next, { mode: 'none', command: undefined });
  if (values['host-key-policy'] !== undefined) next.hostKeyPolicy = prefixed(`${where}: --host-key-policy`, () => parseHostKeyPolicy(values['host-key-policy']!));
  // As ssh -J: a hop logs in as the local user unless it names one.
  if (values.jump !== undefined) {
    const hops = prefixed(`${where}: --jump`, () => parseJumpSpecs(values.jump!));
    next.jump = hops.length ? hops.map((h) => ({ host: h.host, port: h.port ?? 22, user: h.user ?? userInfo().username })) : undefined;
  }
  if (values['no-jump']) next.jump = undefined;
  if (values['no-resume']) next.resume = false;
  // Unset means on: a remote turned back on reads as one that was never turned off.
  if (values.resume) next.resume = undefined;
  next.keyServer = keyServerOf(where, values, base.keyServer);
  next.tools = await toolsOf(where, values['tools-only'] ? { ...values, tools: true } : values, base.tools);
  return next;
}

function keyServerOf(where: string, values: RemoteFlagValues, kept: RemoteInput['keyServer']): RemoteInput['keyServer'] {
  if (values['no-key-server']) return undefined;
  const on = values['use-key-server'] || kept?.enabled;
  if (values['key-server-port'] !== undefined && !on) throw new Error(`${where}: --key-server-port needs --use-key-server`);
  if (!values['use-key-server'] && values['key-server-port'] === undefined) return kept;
  return { enabled: true, port: prefixed(where, () => parsePort(values['key-server-port'], '--key-server-port', kept?.port ?? 8000)) };
}

async function toolsOf(where: string, values: RemoteFlagValues, kept: RemoteInput['tools']): Promise<RemoteInput['tools']> {
  // Turned off, a remote keeps its description and policy for when the tools are turned on again (as the window does).
  if (values['no-tools']) return kept ? { ...kept, enabled: false } : undefined;
  const on = !!values.tools || !!(kept && kept.enabled !== false);
  const policyFlags = values['tool-policy'] !== undefined || values['command-rule'] !== undefined || !!values['no-command-rules'];
  if (policyFlags && !on) throw new Error(`${where}: --tool-policy and --command-rule need --tools`);
  if (values.description !== undefined && !on) throw new Error(`${where}: --description needs --tools`);
  if (!values.tools && !policyFlags && values.description === undefined) return kept;
  const { toolPolicyOfArgs } = await import('./tool-policy-args.js');
  const given = prefixed(where, () => toolPolicyOfArgs(values['tool-policy'], values['command-rule']));
  let policy = kept?.policy;
  if (given || values['no-command-rules']) {
    policy = {
      tools: { ...kept?.policy?.tools, ...given?.tools },
      commandRules: values['command-rule'] !== undefined ? given!.commandRules : values['no-command-rules'] ? [] : kept?.policy?.commandRules,
    };
  }
  return { ...kept, enabled: true, // An empty --description clears it.
    description: values.description !== undefined ? values.description || undefined : kept?.description, ...(policy ? { policy } : {}) };
}

/** Runs a check that throws one line, and says which command and flag it was about. */
function prefixed<T>(where: string, check: () => T): T {
  try {
    return check();
  } catch (error) {
    throw new Error(`${where}: ${(error as Error).message}`);
  }
}
