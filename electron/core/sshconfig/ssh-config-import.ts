import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { HostKeyPolicy } from '../../../shared/host-key-policy.js';
import { parseJumpSpecs, type JumpSpec } from '../../../shared/jump-spec.js';
import { remoteNameSchema, type JumpHopInput, type RemoteInput } from '../../../shared/remote.js';
import { BurrowError } from '../errors.js';
import { displayPath } from '../ssh/auth-plan.js';
import { SshConfigReader, expandTokens, type ResolvedOptions, type SshConfigOptions } from './ssh-config-reader.js';

export const DEFAULT_SSH_CONFIG = join(homedir(), '.ssh', 'config');

/** The options Burrow turns into a remote (or a jump host); any other is named as ignored. */
const SUPPORTED = new Set([
  'host',
  'hostname',
  'port',
  'user',
  'identityfile',
  'identitiesonly',
  'identityagent',
  'proxyjump',
  'userknownhostsfile',
  'hostkeyalias',
  'stricthostkeychecking',
  'connecttimeout',
  'serveraliveinterval',
]);

const MAX_HOPS = 8;

export interface ImportOptions extends SshConfigOptions {
  /** Starts the MCP server with an exec channel; without it the remote asks for a shell (m2m servers). */
  command?: string;
  /** Overrides what StrictHostKeyChecking says. */
  hostKeyPolicy?: HostKeyPolicy;
  /** For the remote form's picker: the form asks how the server starts, so no note about shell mode. */
  formPicker?: boolean;
  /** Turns Burrow's built-in SSH tools on; without `command` the remotes then run no MCP server of their own. */
  tools?: boolean;
}

export interface ImportedRemote {
  remote: RemoteInput;
  /** One line each: what was ignored or changed, prefixed with the alias. */
  notes: string[];
}

/** The aliases of an ssh config a person can import (for a picker): Host names without wildcards. */
export function listSshConfigHosts(file: string = DEFAULT_SSH_CONFIG, options: SshConfigOptions = {}): string[] {
  return new SshConfigReader(file, options).hosts();
}

/** Reads a config and turns the named aliases (all of them when none is named) into remotes. */
export function importSshConfig(file: string, aliases: string[], options: ImportOptions = {}): { imported: ImportedRemote[]; failed: { alias: string; error: string }[]; warnings: string[] } {
  const reader = new SshConfigReader(file, options);
  const wanted = aliases.length ? aliases : reader.hosts();
  if (wanted.length === 0) throw new BurrowError(`${displayPath(file)} names no hosts to import (Host lines with wildcards only match others)`, 'config');
  const imported: ImportedRemote[] = [];
  const failed: { alias: string; error: string }[] = [];
  for (const alias of wanted) {
    try {
      imported.push(importHost(reader, alias, options));
    } catch (error) {
      failed.push({ alias, error: (error as Error).message });
    }
  }
  return { imported, failed, warnings: reader.warnings };
}

/** One alias as a remote, the way `ssh ALIAS` would connect. */
export function importHost(reader: SshConfigReader, alias: string, options: ImportOptions = {}): ImportedRemote {
  const name = remoteNameSchema.safeParse(alias);
  if (!name.success) throw new BurrowError(`"${alias}" cannot be a remote name: ${name.error.issues[0].message}`, 'config');
  const notes: string[] = [];
  const note = (m: string) => notes.push(`${alias}: ${m}`);
  const resolved = reader.resolve(alias);
  if (!reader.hasHostFor(alias)) throw new BurrowError(`no Host ${alias} in ${displayPath(reader.file)}`, 'config');
  const target = resolveEndpoint(reader, alias, resolved, {}, note);

  const unsupported = ignoredOptions(resolved);
  if (unsupported.length) note(`ignored ${unsupported.join(', ')} (not supported)`);

  const identitiesOnly = yes(first(resolved, 'identitiesonly'));
  let useAgent = !identitiesOnly;
  if (identitiesOnly) note('IdentitiesOnly yes: ssh-agent is not used (Burrow cannot limit the agent to the configured keys)');
  let identityAgent: string | undefined;
  const agent = first(resolved, 'identityagent');
  if (agent !== undefined) {
    if (agent.toLowerCase() === 'none') useAgent = false;
    else if (agent !== 'SSH_AUTH_SOCK') {
      const path = agent.startsWith('$') ? process.env[agent.slice(1).replace(/^\{|\}$/g, '')] : reader.expandPath(agent, target.tokens, 'IdentityAgent');
      if (path) identityAgent = path;
      else note(`IdentityAgent ${agent} is not set here: the default agent ($SSH_AUTH_SOCK) is used`);
    }
  }

  const hostKeyPolicy = options.hostKeyPolicy ?? hostKeyPolicyFrom(first(resolved, 'stricthostkeychecking'), note);
  const jump = resolveJump(reader, alias, proxyJumpOf(resolved, note), note, options.hostKeyPolicy);
  const connectTimeout = seconds(first(resolved, 'connecttimeout'), 'ConnectTimeout', 1);
  const keepalive = seconds(first(resolved, 'serveraliveinterval'), 'ServerAliveInterval', 0);
  if (!options.command && !options.formPicker && !options.tools) note('no --command given: saved in shell mode (an m2m-mcp-server-ssh-server); import with --command CMD to start a server with exec');

  const remote: RemoteInput = {
    name: alias,
    host: target.host,
    port: target.port,
    user: target.user,
    identityFiles: target.identityFiles ?? [],
    useAgent,
    mode: options.command ? 'exec' : options.tools ? 'none' : 'shell',
    command: options.command,
    ...(options.tools ? { tools: { enabled: true } } : {}),
    hostKeyPolicy,
    ...(target.knownHostsPath ? { knownHostsPath: target.knownHostsPath } : {}),
    ...(target.hostKeyAlias ? { hostKeyAlias: target.hostKeyAlias } : {}),
    ...(identityAgent ? { identityAgent } : {}),
    ...(jump.length ? { jump } : {}),
    ...(connectTimeout !== undefined ? { connectTimeoutSec: connectTimeout } : {}),
    ...(keepalive !== undefined ? { keepaliveIntervalSec: keepalive } : {}),
  };
  return { remote, notes };
}

interface Endpoint {
  host: string;
  port: number;
  user: string;
  /** Undefined when the config names none (OpenSSH's defaults apply). */
  identityFiles?: string[];
  knownHostsPath?: string;
  hostKeyAlias?: string;
  tokens: { alias: string; hostName: string; port: number; user: string; proxyJump?: string; hostKeyAlias?: string };
}

/** Address, login and key files of an alias (a target or a jump host), `given` (from a ProxyJump spec) first. */
function resolveEndpoint(reader: SshConfigReader, alias: string, resolved: ResolvedOptions, given: JumpSpec | Record<string, never>, note: (m: string) => void): Endpoint {
  const base = { alias, home: reader.home, localUser: reader.localUser };
  const hostName = expandTokens(first(resolved, 'hostname') ?? alias, { ...base, hostName: alias, port: 22, user: '' }, 'HostName');
  const portText = 'port' in given && given.port ? String(given.port) : first(resolved, 'port');
  const port = portText === undefined ? 22 : Number(portText);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new BurrowError(`${alias}: Port ${portText} is not a port number`, 'config');
  const hostKeyAlias = first(resolved, 'hostkeyalias');
  const proxyJump = first(resolved, 'proxyjump');
  const userRaw = ('user' in given && given.user) || first(resolved, 'user') || reader.localUser;
  const user = expandTokens(userRaw, { ...base, hostName, port, user: reader.localUser, proxyJump, hostKeyAlias }, 'User');
  const tokens = { alias, hostName, port, user, proxyJump, hostKeyAlias };

  let identityFiles: string[] | undefined;
  const configured = resolved.get('identityfile')?.values.filter((v) => v.toLowerCase() !== 'none');
  if (configured?.length) {
    identityFiles = [];
    for (const raw of configured) {
      const path = reader.expandPath(raw, tokens, 'IdentityFile');
      if (identityFiles.includes(path)) continue;
      // As ssh: a configured key that is not there is skipped, not an error.
      if (existsSync(path)) identityFiles.push(path);
      else {
        // The expanded path only when it says more than what was written (%h, %u, a relative path).
        const shown = displayPath(path);
        note(`IdentityFile ${raw}${shown === raw ? '' : ` (${shown})`} not found, skipped`);
      }
    }
  }
  let knownHostsPath: string | undefined;
  const knownHosts = resolved.get('userknownhostsfile')?.values;
  if (knownHosts?.length) {
    knownHostsPath = knownHosts[0].toLowerCase() === 'none' ? '/dev/null' : reader.expandPath(knownHosts[0], tokens, 'UserKnownHostsFile');
    if (knownHosts.length > 1) note(`UserKnownHostsFile: reads ${knownHosts[0]} only, ignored ${knownHosts.slice(1).join(' ')} (Burrow reads one user file per remote, plus its own)`);
  }
  return { host: hostName, port, user, identityFiles, knownHostsPath, hostKeyAlias, tokens };
}

/**
 * ProxyJump as ssh follows it: each hop is looked up in the config as an alias of its own (its
 * HostName, Port, User, IdentityFile…; `user@` and `:port` in the spec win), and the first hop's own
 * ProxyJump comes before it (ssh reaches that hop with its own config); later hops' ProxyJump is not used.
 */
function resolveJump(
  reader: SshConfigReader,
  alias: string,
  proxyJump: string | undefined,
  note: (m: string) => void,
  policyOverride: HostKeyPolicy | undefined,
  seen: string[] = [alias],
): JumpHopInput[] {
  if (proxyJump === undefined) return [];
  let specs: JumpSpec[];
  try {
    specs = parseJumpSpecs(proxyJump);
  } catch (error) {
    throw new BurrowError(`${alias}: ProxyJump ${(error as Error).message}`, 'config');
  }
  const hops: JumpHopInput[] = [];
  specs.forEach((spec, index) => {
    const resolved = reader.resolve(spec.host);
    const hopNote = (m: string) => note(`jump host ${spec.host}: ${m}`);
    const endpoint = resolveEndpoint(reader, spec.host, resolved, spec, hopNote);
    if (index === 0) {
      const own = proxyJumpOf(resolved, hopNote);
      if (own !== undefined && own.toLowerCase() !== 'none') {
        if (seen.includes(spec.host)) throw new BurrowError(`${seen[0]}: ProxyJump loops through ${[...seen, spec.host].join(' -> ')}`, 'config');
        hops.push(...resolveJump(reader, spec.host, own, note, policyOverride, [...seen, spec.host]));
      }
    }
    // Each hop is checked as its own config says (ssh reaches it with its own options).
    const strict = first(resolved, 'stricthostkeychecking');
    const hostKeyPolicy = policyOverride ?? (strict === undefined ? undefined : hostKeyPolicyFrom(strict, hopNote));
    const ignored = ignoredOptions(resolved);
    if (ignored.length) hopNote(`ignored ${ignored.join(', ')} (not supported)`);
    hops.push({
      host: endpoint.host,
      port: endpoint.port,
      user: endpoint.user,
      // The hop's own keys; none configured means ssh's defaults for it, not the remote's keys.
      identityFiles: endpoint.identityFiles ?? [],
      ...(endpoint.knownHostsPath ? { knownHostsPath: endpoint.knownHostsPath } : {}),
      ...(endpoint.hostKeyAlias ? { hostKeyAlias: endpoint.hostKeyAlias } : {}),
      ...(hostKeyPolicy ? { hostKeyPolicy } : {}),
    });
  });
  if (hops.length > MAX_HOPS) throw new BurrowError(`${alias}: more than ${MAX_HOPS} jump hosts`, 'config');
  return hops;
}

/**
 * StrictHostKeyChecking → Burrow's policy. `no`/`off` become accept-new, not insecure: Burrow never
 * connects through a changed key on the strength of a config line (say so in a note).
 */
export function hostKeyPolicyFrom(value: string | undefined, note: (m: string) => void): HostKeyPolicy {
  switch (value?.toLowerCase()) {
    case undefined:
    case 'ask':
      return 'ask';
    case 'yes':
    case 'true':
      return 'strict';
    case 'accept-new':
      return 'accept-new';
    case 'no':
    case 'off':
    case 'false':
      note(`StrictHostKeyChecking ${value} imported as accept-new: unknown keys are added, a changed key is still refused`);
      return 'accept-new';
    default:
      throw new BurrowError(`StrictHostKeyChecking ${value} is not one of yes, accept-new, no, off, ask`, 'config');
  }
}

/**
 * The jump hosts a host is reached through: ProxyJump, or the classic `ProxyCommand ssh -W %h:%p bastion`
 * read as `ProxyJump bastion` (said in a note). Whichever of the two comes first counts, as in ssh.
 */
function proxyJumpOf(resolved: ResolvedOptions, note?: (m: string) => void): string | undefined {
  for (const [key, option] of resolved) {
    if (key === 'proxyjump') return option.values.join(' ');
    if (key === 'proxycommand') {
      const command = option.values.join(' ');
      const jump = jumpFromProxyCommand(command);
      if (jump !== undefined) {
        if (jump !== 'none') note?.(`ProxyCommand ${command} read as ProxyJump ${jump}`);
        return jump;
      }
      return undefined;
    }
  }
  return undefined;
}

/** `ssh [-q] [-l USER] [-p PORT] -W %h:%p [USER@]HOST` as a ProxyJump spec; `none` for `ProxyCommand none`. */
export function jumpFromProxyCommand(command: string): string | undefined {
  const words = command.trim().split(/\s+/);
  if (words.length === 1 && words[0].toLowerCase() === 'none') return 'none';
  if (words[0] !== 'ssh' && !/\/ssh$/.test(words[0])) return undefined;
  let user: string | undefined;
  let port: string | undefined;
  let host: string | undefined;
  let forwards = false;
  for (let i = 1; i < words.length; i++) {
    const word = words[i];
    if (word === '-q') continue;
    if (word === '-W' && /^(%h|\[%h\]):%p$/.test(words[i + 1] ?? '')) {
      forwards = true;
      i++;
    } else if (word === '-l' && words[i + 1]) user = words[++i];
    else if (word === '-p' && /^\d+$/.test(words[i + 1] ?? '')) port = words[++i];
    else if (!word.startsWith('-') && host === undefined) host = word;
    else return undefined;
  }
  if (!forwards || !host) return undefined;
  const at = host.lastIndexOf('@');
  if (at >= 0) {
    user ??= host.slice(0, at);
    host = host.slice(at + 1);
  }
  return `${user ? `${user}@` : ''}${host}${port ? `:${port}` : ''}`;
}

/** Options Burrow does not use, as written; a ProxyCommand read as ProxyJump (or `none`) is used. */
function ignoredOptions(resolved: ResolvedOptions): string[] {
  return [...resolved.entries()]
    .filter(([key, option]) => !SUPPORTED.has(key) && !(key === 'proxycommand' && jumpFromProxyCommand(option.values.join(' ')) !== undefined))
    .map(([, option]) => option.name);
}

function first(resolved: ResolvedOptions, name: string): string | undefined {
  const option = resolved.get(name);
  return option ? option.values.join(' ') : undefined;
}

function yes(value: string | undefined): boolean {
  return value !== undefined && ['yes', 'true'].includes(value.toLowerCase());
}

function seconds(value: string | undefined, option: string, min: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < min || n > 3600) throw new BurrowError(`${option} ${value} is not a number of seconds (${min} to 3600)`, 'config');
  return n;
}
