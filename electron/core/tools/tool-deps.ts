import type { Client } from 'ssh2';
import type { ToolApprovalOutcome, ToolApprovalRequest, ToolPolicy } from '../../../shared/tools.js';
import type { ToolAudit } from '../audit/tool-audit.js';
import type { Logger } from '../logging/logger.js';

/** A saved remote as the tools show it: never its address, user or key paths. */
export interface ToolRemote {
  name: string;
  description?: string;
  tags?: string[];
}

/** What the built-in SSH tools need from the engine; tests give plain ssh2 clients and functions. */
export interface ToolDeps {
  /** Saved remotes this entry may use. */
  remotes(): ToolRemote[];
  /** A pooled, authenticated ssh2 Client for a saved remote; release() when the tool session ends. */
  acquire(remote: string): Promise<{ client: Client; release(): void }>;
  /**
   * A host that is not a saved remote (`ssh_connect {host, user?, port?}`): the name acquire() and policy() then
   * know it by, or undefined while ad-hoc hosts are off (then it is refused); throws when the address is not valid.
   */
  adHocHost?(target: { host: string; user?: string; port?: number }): string | undefined;
  /** Ask a person (approval queue); resolves with the decision. */
  /** `signal`: the host cancelled the call; the question is taken back (`withdrawn`). */
  approve(request: ToolApprovalRequest, signal?: AbortSignal): Promise<ToolApprovalOutcome>;
  /** Ask a person for the sudo password of a remote through the secret queue; undefined = refused/timeout. */
  sudoPassword(remote: string, reason: string): Promise<string | undefined>;
  /** Forget a sudo password that was wrong. */
  forgetSudoPassword(remote: string): void;
  /** The remote's tool policy (per tool allow|ask|deny, command rules). */
  policy(remote: string): ToolPolicy;
  /** Hash-chained; append() throws if it cannot write, and then nothing is sent. */
  audit: ToolAudit;
  /** The MCP host session's clientInfo, for approvals and audit. */
  client: () => { name?: string; version?: string };
  logger: Logger;
  /** The host session's id in the engine, for audit records (a random id when not given). */
  hostSession?: string;
  /** Told what this host session has open while it runs (`burrow status`); returns the function that forgets it. */
  register?(view: ToolServerView): () => void;
  /** What it has open changed outside a call's answer (a shell ended, a connection dropped): read the view again. */
  changed?(): void;
  /** Limits, mainly for tests; defaults in tool-server.ts. */
  limits?: Partial<ToolLimits>;
}

/** What a tool server shows of itself to the engine's status. */
export interface ToolServerView {
  sessions(): { id: string; remote: string; shells: number; forwards: number }[];
}

export interface ToolLimits {
  /** Per stream (stdout, stderr) of one execute. */
  execOutputBytes: number;
  /** Default and largest timeout of one execute, in seconds. */
  execTimeoutS: number;
  maxExecTimeoutS: number;
  /** Rolling output buffer of one shell. */
  shellBufferChars: number;
  /** Largest text file ssh_read_remote_file returns. */
  readFileBytes: number;
  /** Time from SIGTERM to SIGKILL, and from SIGKILL to closing the channel, on a timeout. */
  killGraceMs: number;
}
