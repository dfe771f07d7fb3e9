import { z } from 'zod';
import type { ApprovalDecision, PendingApproval, HostKeyAlert } from './approvals.js';
import { remoteNameSchema, remoteSchema, type Remote } from './remote.js';

/**
 * The one API between the UI and the engine. The Electron preload implements it over ipcRenderer;
 * `burrow daemon --ui` implements it over HTTP + WebSocket. The renderer knows nothing else.
 */

export type RemoteState = 'connected' | 'idle' | 'connecting' | 'reconnecting' | 'waiting-approval' | 'error' | 'disconnected';

export interface RemoteStatus {
  name: string;
  state: RemoteState;
  detail?: string;
  sessions: number;
  /** For a remote that points at an edge device (`tunnel: { device }`): whether the device is dialled in now. */
  tunnel?: 'up' | 'down';
}

export type TestStepName = 'tcp' | 'host-key' | 'auth' | 'mcp-initialize';

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
}

export interface RemoteCatalog {
  remote: string;
  serverName?: string;
  serverVersion?: string;
  tools: ToolInfo[];
  prompts: PromptInfo[];
  resources: ResourceInfo[];
  resourceTemplates: ResourceTemplateInfo[];
}

export interface ToolCallResult {
  isError: boolean;
  /** The result exactly as the server sent it. */
  raw: unknown;
  ms: number;
}

/** One relayed JSON-RPC message, as the inspector's traffic view shows it. */
export interface TrafficEntry {
  sessionId: number;
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
  /** Remotes that have a Burrow entry in that config. */
  installed: string[];
  /** Why the file cannot be written (it does not parse, …), if so. */
  problem?: string;
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

export type BurrowEvent =
  | { type: 'remote-state'; status: RemoteStatus }
  | { type: 'remotes-changed' }
  | { type: 'approval-added'; approval: PendingApproval }
  | { type: 'approval-removed'; id: string; outcome: ApprovalDecision | 'timeout' }
  | { type: 'host-key-alert'; alert: HostKeyAlert }
  | { type: 'host-key-alert-dismissed'; id: string }
  | { type: 'traffic'; entry: TrafficEntry }
  | { type: 'catalog-changed'; remote: string };

export interface BurrowApi {
  listRemotes(): Promise<Remote[]>;
  remoteStatuses(): Promise<RemoteStatus[]>;
  saveRemote(remote: z.input<typeof remoteSchema>, replace: boolean): Promise<Remote>;
  removeRemote(name: string): Promise<boolean>;
  /** Connects step by step (TCP, host key, auth, MCP initialize) and says where it failed. */
  testRemote(remote: z.input<typeof remoteSchema>): Promise<TestStep[]>;
  catalog(remote: string): Promise<RemoteCatalog>;
  callTool(remote: string, tool: string, args: Record<string, unknown>): Promise<ToolCallResult>;
  pendingApprovals(): Promise<PendingApproval[]>;
  answerApproval(id: string, decision: ApprovalDecision): Promise<number>;
  /** Gives a waiting connection the passphrase or password it asked for (a pending item of kind 'secret'). */
  answerSecret(id: string, value: string): Promise<void>;
  refuseSecret(id: string): Promise<void>;
  hostKeyAlerts(): Promise<HostKeyAlert[]>;
  dismissHostKeyAlert(id: string): Promise<void>;
  knownHostKeys(): Promise<ApprovedHostKey[]>;
  mcpHosts(): Promise<McpHostInfo[]>;
  planInstall(host: McpHostId, remote: string): Promise<ConfigPlan>;
  install(host: McpHostId, remote: string): Promise<ConfigPlan>;
  planUninstall(host: McpHostId, remote?: string): Promise<ConfigPlan>;
  uninstall(host: McpHostId, remote?: string): Promise<ConfigPlan>;
  /** Live events; returns the function that stops them. */
  subscribe(listener: (event: BurrowEvent) => void): () => void;
}

export type ApiMethod = Exclude<keyof BurrowApi, 'subscribe'>;

const hostId = z.enum(['claude-desktop', 'cursor', 'vscode', 'claude-code']);
const remoteInput = remoteSchema;

/**
 * The argument list of every request, checked on the engine's side of either bridge:
 * whatever a page or a compromised renderer sends is validated before it reaches the engine.
 */
export const apiArgs = {
  listRemotes: z.tuple([]),
  remoteStatuses: z.tuple([]),
  saveRemote: z.tuple([remoteInput, z.boolean()]),
  removeRemote: z.tuple([remoteNameSchema]),
  testRemote: z.tuple([remoteInput]),
  catalog: z.tuple([remoteNameSchema]),
  callTool: z.tuple([remoteNameSchema, z.string().min(1).max(256), z.record(z.string(), z.unknown())]),
  pendingApprovals: z.tuple([]),
  answerApproval: z.tuple([z.string().min(1).max(512), z.enum(['approve', 'approve-once', 'reject'])]),
  answerSecret: z.tuple([z.string().min(1).max(128), z.string().min(1).max(4096)]),
  refuseSecret: z.tuple([z.string().min(1).max(128)]),
  hostKeyAlerts: z.tuple([]),
  dismissHostKeyAlert: z.tuple([z.string().min(1).max(512)]),
  knownHostKeys: z.tuple([]),
  mcpHosts: z.tuple([]),
  planInstall: z.tuple([hostId, remoteNameSchema]),
  install: z.tuple([hostId, remoteNameSchema]),
  planUninstall: z.tuple([hostId, remoteNameSchema.optional()]),
  uninstall: z.tuple([hostId, remoteNameSchema.optional()]),
} satisfies Record<ApiMethod, z.ZodType>;

export function isApiMethod(name: string): name is ApiMethod {
  return Object.prototype.hasOwnProperty.call(apiArgs, name);
}

/** Validates a request from either bridge and calls the implementation; throws a one-line error on bad input. */
export async function dispatchApi(api: BurrowApi, method: string, args: unknown): Promise<unknown> {
  if (!isApiMethod(method)) throw new Error(`unknown API method "${method}"`);
  const parsed = apiArgs[method].safeParse(args);
  if (!parsed.success) throw new Error(`bad arguments for ${method}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const fn = api[method] as (...a: unknown[]) => Promise<unknown>;
  return fn.apply(api, parsed.data as unknown[]);
}
