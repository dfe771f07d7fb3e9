import { z } from 'zod';
import type {
  ApprovedHostKey,
  ConfigPlan,
  EngineSettings,
  HostEntries,
  EngineStatus,
  McpExchange,
  McpHostInfo,
  RemoteCatalog,
  RemoteStatus,
  TestStep,
  ToolAuditRecord,
  ToolCallResult,
  TrafficEntry,
} from './api.js';
import type { HostKeyAlert, PendingApproval } from './approvals.js';
import type { DeviceListing, SshServerState } from './devices.js';
import type { SshConfigHosts } from './ssh-config-hosts.js';
import type { BurrowEvent } from './events.js';
import { remoteNameSchema, remoteSchema, type Remote } from './remote.js';
import { BUILT_IN_TOOLS_TARGET } from './tools.js';

/**
 * The one command table: every operation a person or program asks of the engine. Each entry has its name, its
 * zod-checked arguments (a tuple, as the call is written), its result type and the surfaces that may call it.
 * The engine implements each once (electron/core/commands/); Electron IPC, the daemon's web bridge and the local
 * socket the CLI uses all serve this same table through `dispatchCommand`.
 */

/** Who is calling: the tray app's windows (IPC), the web UI (HTTP), or the `burrow` CLI (local socket). */
export type Caller = 'window' | 'web' | 'cli';
const EVERYONE = ['window', 'web', 'cli'] as const;
const CLI_ONLY = ['cli'] as const;

/** A result type carried by the table at the type level only. */
const returns = <T>() => undefined as unknown as T;

interface CommandSpec {
  args: z.ZodTuple;
  result: unknown;
  callers: readonly Caller[];
  /** Needs a running engine (the CLI cannot serve it from the settings file alone). */
  engine: boolean;
}

const hostId = z.enum(['claude-desktop', 'cursor', 'vscode', 'claude-code']);
const approvalId = z.string().min(1).max(512);
/** What the inspector reads and calls: a saved remote's MCP server, or Burrow's built-in SSH tools. */
const inspectTargetSchema = z.union([remoteNameSchema, z.literal(BUILT_IN_TOOLS_TARGET)]);
const installOptions = z.object({ entryName: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._ -]{0,63}$/, 'use letters, digits, space, dot, dash or underscore (at most 64)').optional() });
const secretId = z.string().min(1).max(128);
const engineSettingsPatch = z
  .object({
    approvalTimeoutSec: z.number().int().min(1, 'at least 1 second').max(3600, 'at most 3600 seconds'),
    idleTimeoutSec: z.number().int().min(0, 'at least 0 seconds').max(86_400, 'at most 86400 seconds (a day)'),
    prestart: z.boolean(),
    resumeWaitSec: z.number().int().min(1, 'at least 1 second').max(3600, 'at most 3600 seconds'),
  })
  .partial()
  .strict();
/** A passphrase or password: long enough for any real one, short enough to refuse abuse. */
export const secretValueSchema = z.string().min(1).max(4096);

export const COMMANDS = {
  engineStatus: { args: z.tuple([]), result: returns<EngineStatus>(), callers: EVERYONE, engine: true },
  /** Stops taking sessions, lets the open ones finish (or end with a clear error after a while), then exits. */
  stopEngine: { args: z.tuple([]), result: returns<null>(), callers: CLI_ONLY, engine: true },
  /**
   * Gives the socket to the engine that asks (the tray app starting while a daemon runs): this one stops taking
   * sessions, lets its open ones run to their end, then exits.
   */
  handOver: { args: z.tuple([]), result: returns<null>(), callers: CLI_ONLY, engine: true },
  /** Serves the web UI if it is not served yet; returns its address (with the token). */
  openUi: { args: z.tuple([]), result: returns<{ url: string }>(), callers: CLI_ONLY, engine: true },
  setPaused: { args: z.tuple([z.boolean()]), result: returns<boolean>(), callers: EVERYONE, engine: true },
  /** The engine's settings (approval and idle timeouts, prestart) and where its logs are. */
  settings: { args: z.tuple([]), result: returns<EngineSettings>(), callers: EVERYONE, engine: false },
  /** Saves the settings given (the others stay) and applies them to the running engine at once. */
  saveSettings: { args: z.tuple([engineSettingsPatch]), result: returns<EngineSettings>(), callers: EVERYONE, engine: false },
  /** The last relayed messages the engine kept (at most 1000), oldest first: a reloaded window shows them again. */
  trafficHistory: { args: z.tuple([]), result: returns<TrafficEntry[]>(), callers: EVERYONE, engine: true },
  /** The newest records of the built-in SSH tools' audit log for one remote (newest last). */
  toolAudit: { args: z.tuple([remoteNameSchema, z.number().int().min(1).max(1000).optional()]), result: returns<ToolAuditRecord[]>(), callers: EVERYONE, engine: false },

  listRemotes: { args: z.tuple([]), result: returns<Remote[]>(), callers: EVERYONE, engine: false },
  remoteStatuses: { args: z.tuple([]), result: returns<RemoteStatus[]>(), callers: EVERYONE, engine: true },
  /** Adds, or replaces when the flag is set; given the remote as the caller read it, replaces only that (an edit). */
  saveRemote: { args: z.tuple([remoteSchema, z.boolean(), remoteSchema.optional()]), result: returns<Remote>(), callers: EVERYONE, engine: false },
  removeRemote: { args: z.tuple([remoteNameSchema]), result: returns<boolean>(), callers: EVERYONE, engine: false },
  /** The first start's offer: serves Burrow's demo MCP server on 127.0.0.1 and saves it as remote "demo" (removeRemote takes it away). */
  addDemoRemote: { args: z.tuple([]), result: returns<Remote>(), callers: EVERYONE, engine: true },
  /** The Host aliases of ~/.ssh/config, each with the remote it makes (the remote form's picker). */
  sshConfigHosts: { args: z.tuple([]), result: returns<SshConfigHosts>(), callers: EVERYONE, engine: false },
  /** Connects step by step (TCP, host key, auth, MCP initialize) and says where it failed. */
  testRemote: { args: z.tuple([remoteSchema]), result: returns<TestStep[]>(), callers: EVERYONE, engine: true },

  catalog: { args: z.tuple([inspectTargetSchema]), result: returns<RemoteCatalog>(), callers: EVERYONE, engine: true },
  callTool: {
    args: z.tuple([inspectTargetSchema, z.string().min(1).max(256), z.record(z.string(), z.unknown())]),
    result: returns<ToolCallResult>(),
    callers: EVERYONE,
    engine: true,
  },
  /** prompts/get with the prompt's arguments filled in; the result as the server sent it. */
  getPrompt: {
    args: z.tuple([inspectTargetSchema, z.string().min(1).max(256), z.record(z.string(), z.string())]),
    result: returns<McpExchange>(),
    callers: EVERYONE,
    engine: true,
  },
  /** resources/read of one URI (a listed resource, or a filled-in template); the result as the server sent it. */
  readResource: { args: z.tuple([inspectTargetSchema, z.string().min(1).max(8192)]), result: returns<McpExchange>(), callers: EVERYONE, engine: true },
  /** Suggestions for a prompt argument or a template's URI variable (completion/complete); [] when the server has none. */
  complete: {
    args: z.tuple([
      inspectTargetSchema,
      z.object({ type: z.enum(['ref/prompt', 'ref/resource']), name: z.string().min(1).max(8192) }),
      z.string().min(1).max(256),
      z.string().max(4096),
      z.record(z.string(), z.string()),
    ]),
    result: returns<string[]>(),
    callers: EVERYONE,
    engine: true,
  },

  pendingApprovals: { args: z.tuple([]), result: returns<PendingApproval[]>(), callers: EVERYONE, engine: false },
  /** Answers a host key by its id or fingerprint; returns how many waiting items it answered. */
  answerApproval: { args: z.tuple([approvalId, z.enum(['approve', 'approve-once', 'reject'])]), result: returns<number>(), callers: EVERYONE, engine: true },
  /** Gives a waiting connection the passphrase or password it asked for (a pending item of kind 'secret'). */
  answerSecret: { args: z.tuple([secretId, secretValueSchema]), result: returns<null>(), callers: EVERYONE, engine: true },
  refuseSecret: { args: z.tuple([secretId]), result: returns<null>(), callers: EVERYONE, engine: true },
  hostKeyAlerts: { args: z.tuple([]), result: returns<HostKeyAlert[]>(), callers: EVERYONE, engine: false },
  dismissHostKeyAlert: { args: z.tuple([approvalId]), result: returns<boolean>(), callers: EVERYONE, engine: true },
  knownHostKeys: { args: z.tuple([]), result: returns<ApprovedHostKey[]>(), callers: EVERYONE, engine: false },
  forgetHostKey: { args: z.tuple([z.string().min(1).max(255), z.number().int().min(1).max(65535)]), result: returns<number>(), callers: EVERYONE, engine: false },

  /** Edge devices (Burrow's SSH server, `burrow daemon --listen`): approved ones, their tunnels, keys waiting. */
  listDevices: { args: z.tuple([]), result: returns<DeviceListing>(), callers: EVERYONE, engine: true },
  /** Approves a waiting device key under a name (remotes point at it), for one port (the one it asked for by default). */
  approveDevice: { args: z.tuple([approvalId, remoteNameSchema, z.number().int().min(1).max(65535).optional()]), result: returns<{ name: string; port: number }>(), callers: EVERYONE, engine: true },
  rejectDevice: { args: z.tuple([approvalId]), result: returns<number>(), callers: EVERYONE, engine: true },
  forgetDevice: { args: z.tuple([remoteNameSchema]), result: returns<boolean>(), callers: EVERYONE, engine: true },
  sshServerState: { args: z.tuple([]), result: returns<SshServerState>(), callers: EVERYONE, engine: true },
  /** The window's switch: listens for devices at `[ADDR:]PORT` (remembered for every start), or stops and forgets (no address). */
  setSshServer: { args: z.tuple([z.string().min(1).max(300).optional()]), result: returns<SshServerState>(), callers: EVERYONE, engine: true },

  mcpHosts: { args: z.tuple([]), result: returns<McpHostInfo[]>(), callers: EVERYONE, engine: false },
  /** `entryName`: the server's name in the host's config when the remote's own name is taken there. */
  planInstall: { args: z.tuple([hostId, remoteNameSchema, installOptions.optional()]), result: returns<ConfigPlan>(), callers: EVERYONE, engine: false },
  install: { args: z.tuple([hostId, remoteNameSchema, installOptions.optional()]), result: returns<ConfigPlan>(), callers: EVERYONE, engine: false },
  /** The built-in SSH tools' entry (`burrow connect --tools`, every tool-enabled remote): add or remove it, diff first. */
  planToolsEntry: { args: z.tuple([hostId, z.enum(['install', 'uninstall'])]), result: returns<ConfigPlan>(), callers: EVERYONE, engine: false },
  writeToolsEntry: { args: z.tuple([hostId, z.enum(['install', 'uninstall'])]), result: returns<ConfigPlan>(), callers: EVERYONE, engine: false },
  /** Which MCP host configs hold an entry for a remote (before removing or renaming it). */
  hostEntries: { args: z.tuple([remoteNameSchema]), result: returns<{ found: HostEntries[]; unreadable: string[] }>(), callers: EVERYONE, engine: false },
  /** Removes a remote's entries from every MCP host config that holds one; returns the files written and what failed. */
  removeHostEntries: { args: z.tuple([remoteNameSchema]), result: returns<{ removed: string[]; failed: string[] }>(), callers: EVERYONE, engine: false },
  planUninstall: { args: z.tuple([hostId, remoteNameSchema.optional()]), result: returns<ConfigPlan>(), callers: EVERYONE, engine: false },
  uninstall: { args: z.tuple([hostId, remoteNameSchema.optional()]), result: returns<ConfigPlan>(), callers: EVERYONE, engine: false },
} as const satisfies Record<string, CommandSpec>;

export type CommandName = keyof typeof COMMANDS;
export type CommandArgs<N extends CommandName> = z.input<(typeof COMMANDS)[N]['args']>;
export type CommandResult<N extends CommandName> = (typeof COMMANDS)[N]['result'];

/** What a surface's client offers: every command as a method (validated again on the engine's side). */
export type BurrowApi = { [N in CommandName]: (...args: CommandArgs<N>) => Promise<CommandResult<N>> } & {
  /**
   * Live events; returns the function that stops them. `traffic: false` leaves out the relayed messages
   * (the relay copies them only while some subscriber wants them: an open traffic view). Served to the window
   * over IPC, to the web UI over its WebSocket and to the CLI as a `subscribe` connection of the local socket.
   */
  subscribe(listener: (event: BurrowEvent) => void, options?: { traffic?: boolean }): () => void;
};

/** The engine's side: every command once, with arguments already checked. */
export type CommandHandlers = { [N in CommandName]: (...args: z.output<(typeof COMMANDS)[N]['args']>) => Promise<CommandResult<N>> };

export const COMMAND_NAMES = Object.keys(COMMANDS) as CommandName[];

/** The commands one surface may call, as a type (the preload lists the window's and the build checks the list). */
export type CommandsFor<C extends Caller> = { [N in CommandName]: C extends (typeof COMMANDS)[N]['callers'][number] ? N : never }[CommandName];

export function isCommandName(name: string): name is CommandName {
  return Object.prototype.hasOwnProperty.call(COMMANDS, name);
}

/** Turns zod issues into one line a person can act on: "saveRemote: 0.host: host is required". */
export function describeBadArguments(command: string, error: z.ZodError): string {
  const issues = error.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message));
  return `bad arguments for ${command}: ${issues.join('; ')}`;
}

/** Validates a request from any surface and runs its one implementation; a bad request is one line of error. */
export async function dispatchCommand(handlers: CommandHandlers, name: string, args: unknown, caller: Caller): Promise<unknown> {
  if (!isCommandName(name)) throw new Error(`unknown command "${name}"`);
  const spec: CommandSpec = COMMANDS[name];
  if (!spec.callers.includes(caller)) throw new Error(`${name} cannot be called from the ${caller === 'cli' ? 'command line' : caller === 'web' ? 'web UI' : 'window'}`);
  // JSON has no undefined: an omitted optional argument arrives as null from every surface.
  const given = Array.isArray(args) ? args.map((a) => (a === null ? undefined : a)) : (args ?? []);
  const parsed = spec.args.safeParse(given);
  if (!parsed.success) throw new Error(describeBadArguments(name, parsed.error));
  const run = handlers[name] as (...a: unknown[]) => Promise<unknown>;
  return run(...(parsed.data as unknown[]));
}

/** Commands a surface may call, for a client built from the table (the web bridge, the preload's check). */
export function commandsFor(caller: Caller): CommandName[] {
  return COMMAND_NAMES.filter((name) => (COMMANDS[name].callers as readonly Caller[]).includes(caller));
}
