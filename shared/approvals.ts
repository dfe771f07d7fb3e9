/** Where a host key came from: the SSH handshake, or the m2m key server over HTTPS or plain HTTP. */
export type HostKeySource = 'ssh' | 'key-server-https' | 'key-server-http';

/** A decision waiting for a person. Host keys now; tool-call approvals later share the queue. */
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

export type PendingApproval = PendingHostKey;

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
