import type { PendingHostKey } from '../../shared/approvals.js';
import { keyTypeLabel, knownHostsName } from '../core/hostkeys/fingerprint.js';

/** OpenSSH's question about a host key it does not know, as ssh words it, with the remote's name and where the key came from if not SSH. */
export function hostKeyQuestion(item: PendingHostKey, remote?: string): string {
  const name = knownHostsName(item.host, item.port);
  const from = item.source === 'ssh' ? '' : ` (served by the key server over ${item.source === 'key-server-https' ? 'HTTPS' : 'plain HTTP'})`;
  const which = remote ? ` for ${remote}` : '';
  return `The authenticity of host '${name}'${which} can't be established${from}.\n${keyTypeLabel(item.keyType)} key fingerprint is ${item.fingerprint}.\nAre you sure you want to continue connecting (yes/no/[fingerprint])? `;
}

/** As ssh reads the answer: "yes" or the fingerprint itself trusts the key; anything else refuses it. */
export function trustsHostKey(answer: string | undefined, item: PendingHostKey): boolean {
  const text = answer?.trim();
  return text === 'yes' || text === item.fingerprint;
}
