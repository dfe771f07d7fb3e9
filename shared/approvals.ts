/** Where a host key came from: the SSH handshake, or the m2m key server over HTTPS or plain HTTP. */
export type HostKeySource = 'ssh' | 'key-server-https' | 'key-server-http';

/** A decision waiting for a person: a host key. Secrets and tool-call approvals share the queue. */
export interface PendingHostKey {
  id: string;
  kind: 'host-key';
  host: string;
  port: number;
  keyType: string;
  fingerprint: string;
  source: HostKeySource;
  remote?: string;
  requestedAt: string;
}

/**
 * A passphrase or password a saved remote needs and no one gave: asked of a person in the same queue.
 * The value is answered apart (answerSecret) and never appears here, in events, lists or logs.
 */
export interface PendingSecret {
  id: string;
  kind: 'secret';
  /** `sudo-password`: asked by the built-in SSH tools' ssh_sudo_execute, for the remote's user. */
  secret: 'passphrase' | 'password' | 'sudo-password';
  remote: string;
  host: string;
  port: number;
  user: string;
  /** For a passphrase: the key file as a person reads it (`~/.ssh/id_ed25519`). */
  keyPath?: string;
  requestedAt: string;
}

/**
 * The key of an edge device that dialled into Burrow's embedded SSH server and asked to open a reverse tunnel
 * (`ssh -N -R PORT:localhost:22 burrow@LAPTOP`). Approving it lets that key forward that one port, nothing else.
 */
export interface PendingDeviceKey {
  id: string;
  kind: 'device-key';
  keyType: string;
  fingerprint: string;
  /** Where the device dialled from (its IP address as Burrow's server saw it). */
  address: string;
  /** The port on Burrow's side the device asked to forward (`-R PORT:…`). */
  port: number;
  /** Always unset: an unknown device has no name yet, so no saved remote points at it (kept for a uniform shape). */
  remote?: undefined;
  requestedAt: string;
}

export type PendingApproval = PendingHostKey | PendingSecret | PendingDeviceKey | PendingToolCall;

/** What a pending device key is, in words: "device key SHA256:… from 10.0.0.7 asks to open a tunnel on port 2222". */
export function deviceKeyWanted(p: PendingDeviceKey): string {
  return `device key ${p.fingerprint} from ${p.address} asks to open a tunnel on port ${p.port}`;
}

/**
 * A built-in SSH tool call that policy says to ask about: which host session asks, on which remote, and the exact
 * command or path. Answered `approve-once` (Allow once), `approve` (Allow for this session) or `reject` (Deny).
 */
export interface PendingToolCall {
  id: string;
  kind: 'tool-call';
  remote: string;
  tool: string;
  /** The asking MCP host's clientInfo name (from its `initialize`), when it gave one. */
  client?: string;
  /** The exact command, shell input or path, redacted of loaded secrets. */
  detail: string;
  /** Why it is asked: the tool's policy or the command rule that matched. */
  reason: string;
  requestedAt: string;
  /** When an unanswered call is refused (the approval timeout), so a person sees the time left. */
  expiresAt?: string;
}

/** `approve` remembers the key; `approve-once` lets this connection through only. */
export type ApprovalDecision = 'approve' | 'approve-once' | 'reject';

/** A host key that differs from the known one: refused, and shown to a person as an alarm, never as a question. */
export interface HostKeyAlert {
  id: string;
  host: string;
  port: number;
  remote?: string;
  offeredType: string;
  offeredFingerprint: string;
  expectedFingerprint: string;
  /** Where the expected key is written, as FILE:LINE. */
  knownAt: string;
  source: HostKeySource;
  time: string;
}

const hostPortText = (host: string, port: number) => (port === 22 ? host : `${host}:${port}`);

/** What a pending secret is, in words: "the passphrase of key ~/.ssh/id_ed25519 (prod, deploy@host:22)". */
export function secretWanted(p: PendingSecret): string {
  const where = `${p.remote}, ${p.user}@${hostPortText(p.host, p.port)}`;
  if (p.secret === 'sudo-password') return `the sudo password (${where})`;
  return p.secret === 'passphrase' ? `the passphrase of key ${p.keyPath} (${where})` : `the password (${where})`;
}
