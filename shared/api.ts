import type { PendingApproval, HostKeyAlert } from './approvals.js';
import type { ConnectionState } from './events.js';

/** The data the engine's commands and events carry (the command table is in commands.ts, events in events.ts). */

/** A remote as a person sees it: its connection's state, or waiting for a person's approval. */
export type RemoteState = ConnectionState | 'waiting-approval';

export interface RemoteStatus {
  name: string;
  state: RemoteState;
  detail?: string;
  /** MCP apps' sessions on it; Burrow's own inspector session is not counted (status lists it apart). */
  sessions: number;
  /** For a remote that points at an edge device (`tunnel: { device }`): whether the device is dialled in now. */
  tunnel?: 'up' | 'down';
  /** Sessions that lost this remote and wait for it (they resume when it is back). */
  waiting?: number;
}

/** The last step is `mcp-initialize`, or `exec` for a remote with no MCP server of its own (the built-in tools run commands). */
export type TestStepName = 'tcp' | 'host-key' | 'auth' | 'mcp-initialize' | 'exec';

export interface TestStep {
  step: TestStepName;
  ok: boolean;
  detail: string;
  ms?: number;
}

export interface ToolInfo {
  name: string;
  title?: string;
  description?: string;
  inputSchema: unknown;
  outputSchema?: unknown;
}

export interface PromptInfo {
  name: string;
  title?: string;
  description?: string;
  arguments?: { name: string; description?: string; required?: boolean }[];
}

export interface ResourceInfo {
  uri: string;
  name: string;
  description?: string;
  mimeType?: string;
}

export interface ResourceTemplateInfo {
  uriTemplate: string;
  name: string;
  description?: string;
  mimeType?: string;
}

export interface RemoteCatalog {
  remote: string;
  serverName?: string;
  serverVersion?: string;
  tools: ToolInfo[];
  prompts: PromptInfo[];
  resources: ResourceInfo[];
  resourceTemplates: ResourceTemplateInfo[];
  /** The list requests that read this catalog (tools/list, prompts/list, …, every page), each with its raw result. */
  lists?: McpExchange[];
}

/** One request the inspector made and the result exactly as the server sent it (raw JSON for a person to read). */
export interface McpExchange {
  /** The JSON-RPC request as sent (method and params). */
  request: { method: string; params?: unknown };
  isError: boolean;
  /** The result exactly as the server sent it. */
  raw: unknown;
  ms: number;
}

export type ToolCallResult = McpExchange;

/** One relayed JSON-RPC message, as the inspector's traffic view shows it. */
export interface TrafficEntry {
  /** Its place in the engine's history (rises by one per message): a reloaded window joins history and live events by it. */
  seq?: number;
  sessionId: number;
  /** The MCP host's clientInfo name from its `initialize`, once seen. */
  client?: string;
  remote: string;
  direction: 'to-remote' | 'to-host';
  time: number;
  bytes: number;
  kind: string;
  method?: string;
  id?: string | number;
  latencyMs?: number;
  message?: unknown;
}

export type McpHostId = 'claude-desktop' | 'cursor' | 'vscode' | 'claude-code';

export interface McpHostInfo {
  id: McpHostId;
  label: string;
  configPath: string;
  /** The host's config folder exists on this machine. */
  detected: boolean;
  /** Saved remotes that have a Burrow entry in that config. */
  installed: string[];
  /** Burrow entries in that config whose remote is no longer saved (removed or renamed): offer to remove them. */
  orphaned: string[];
  /** It has Burrow's built-in SSH tools entry (`burrow connect --tools`). */
  tools?: boolean;
  /** Why the file cannot be written (it does not parse, …), if so. */
  problem?: string;
}

/** Where one remote has Burrow entries: the host, its config file, and the entry names there. */
export interface HostEntries {
  host: McpHostId;
  label: string;
  configPath: string;
  /** The keys of the entries (the remote's name, or the name given with --as). */
  entries: string[];
}

/** What an install or uninstall writes: the file before and after, for a diff a person reads first. */
export interface ConfigPlan {
  host: McpHostId;
  path: string;
  before: string;
  after: string;
  changed: boolean;
  backupPath?: string;
}

export interface ApprovedHostKey {
  host: string;
  port: number;
  keyType: string;
  fingerprint: string;
  firstSeen?: string;
  source?: string;
}

/** One open host session, as `burrow status` and the traffic view show it. */
export interface SessionInfo {
  id: number;
  remote: string;
  /** The MCP host's clientInfo name from its `initialize`, once seen. */
  client?: string;
  openedAt: string;
  /** Set while the session waits for its remote to come back (it resumes then): the remote's name. */
  waitingFor?: string;
  /**
   * Set on Burrow's own inspector session (`burrow tools`/`call`, the window's Inspector), which no MCP app uses:
   * when it closes unless used again (absent while it closes).
   */
  inspector?: { closesAt?: string };
}

/** An MCP host session using Burrow's built-in SSH tools, and what it has open on which remotes. */
export interface ToolHostSessionInfo {
  id: string;
  /** The MCP host's clientInfo name from its `initialize`, once seen. */
  client?: string;
  openedAt: string;
  /** Its `ssh_connect` sessions, with their open shells and port forwards. */
  sessions: { id: string; remote: string; shells: number; forwards: number }[];
}

/** The engine's settings a person may change (Settings screen), and where its records are kept. */
export interface EngineSettings {
  /** How long a host key, passphrase or tool call waits for a person. */
  approvalTimeoutSec: number;
  /** How long an unused SSH connection stays open. */
  idleTimeoutSec: number;
  /** Start each used remote's next MCP server ahead of time. */
  prestart: boolean;
  /** How long a request waits for a resuming session's remote to come back, then fails. */
  resumeWaitSec: number;
  /** Files a person may want to open: the daily logs' folder, the settings file, the tool audit. */
  paths: { logDir: string; settingsFile: string; toolAuditFile: string; knownHostsFile: string };
}

/** One record of the built-in SSH tools' audit log, as the Settings screen lists it. */
export interface ToolAuditRecord {
  time: string;
  phase: 'call' | 'result';
  remote?: string;
  tool: string;
  client?: string;
  /** call: allow, deny or timeout; result: ok or failed (with exit code or error). */
  outcome: string;
  detail?: string;
}

/** Whether an engine runs and what it is doing: `burrow status` and the window's header. */
export interface EngineStatus {
  kind: 'daemon' | 'app';
  pid: number;
  version: string;
  startedAt: string;
  uptimeSec: number;
  /** The web UI's address, when this engine serves one. */
  ui?: string;
  paused: boolean;
  remotes: RemoteStatus[];
  sessions: SessionInfo[];
  /** Host sessions of `burrow connect --tools`. */
  toolSessions: ToolHostSessionInfo[];
  pending: PendingApproval[];
  alerts: HostKeyAlert[];
  /** The engine process's memory: resident set and JS heap in use (for leak checks, `npm run bench -- --soak N`). */
  memory: { rssBytes: number; heapUsedBytes: number };
  /** Listeners on the engine's event bus: the engine's own plus one set per window, web UI tab or waiting CLI command. */
  eventListeners: number;
}

export type { BurrowApi } from './commands.js';
export type { BurrowEvent } from './events.js';
