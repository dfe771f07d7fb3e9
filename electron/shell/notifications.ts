import { deviceKeyWanted, secretWanted, type HostKeyAlert, type PendingApproval, type PendingHostKey } from '../../shared/approvals.js';

export interface NoticeText {
  title: string;
  body: string;
}

const SOURCE_WORDS: Record<PendingHostKey['source'], string> = {
  ssh: 'SSH handshake',
  'key-server-https': 'key server over HTTPS',
  'key-server-http': 'key server over plain HTTP',
};

/** The native notification for a host key or a secret that waits for a person (clicking it opens Burrow). */
export function approvalNotice(approval: PendingApproval): NoticeText {
  if (approval.kind === 'secret') {
    return { title: `${approval.remote} needs a ${approval.secret}`, body: `A connection is waiting for ${secretWanted(approval)}. Open Burrow to enter it.` };
  }
  if (approval.kind === 'device-key') {
    return { title: 'A device asks to dial in', body: `The ${deviceKeyWanted(approval)}. Open Burrow, or run: burrow devices approve ${approval.fingerprint} --name NAME` };
  }
  if (approval.kind === 'tool-call') {
    return { title: `${approval.client ?? 'An MCP host'} asks to run ${approval.tool} on ${approval.remote}`, body: `${approval.detail}. Open Burrow to allow or deny it.` };
  }
  const who = approval.remote ? `${approval.remote} (${approval.host}:${approval.port})` : `${approval.host}:${approval.port}`;
  return {
    title: `New host key for ${approval.remote ?? approval.host}`,
    body: `${who} offers ${approval.keyType} ${approval.fingerprint} from the ${SOURCE_WORDS[approval.source]}. Open Burrow to approve or reject it.`,
  };
}

/** A changed key is refused already; the notification says so and never offers to accept it. */
export function hostKeyAlertNotice(alert: HostKeyAlert): NoticeText {
  return {
    title: `Host key CHANGED for ${alert.remote ?? alert.host} — connection refused`,
    body: `${alert.host}:${alert.port} now offers ${alert.offeredFingerprint}; the known key (${alert.knownAt}) is ${alert.expectedFingerprint}. Open Burrow for details.`,
  };
}
