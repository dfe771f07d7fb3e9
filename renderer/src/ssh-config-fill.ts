import type { JumpHopInput } from '../../shared/remote.js';
import type { SshConfigHost } from '../../shared/ssh-config-hosts.js';
import type { RemoteFormValues } from './remote-form-values.js';

/**
 * The form after picking a Host of ~/.ssh/config: its address, login, keys, host-key settings and jump hosts.
 * How the MCP server starts is the form's own question, so mode and command stay as typed; so does a name already given.
 */
export function fillFromSshConfig(v: RemoteFormValues, host: SshConfigHost): RemoteFormValues {
  const r = host.remote;
  if (!r) return v;
  return {
    ...v,
    name: v.name.trim() ? v.name : host.alias,
    host: r.host,
    port: String(r.port ?? 22),
    user: r.user,
    identityFiles: (r.identityFiles ?? []).join('\n'),
    useAgent: r.useAgent ?? true,
    hostKeyPolicy: r.hostKeyPolicy ?? v.hostKeyPolicy,
    knownHostsPath: r.knownHostsPath ?? '',
    kept: {
      ...v.kept,
      jump: r.jump,
      hostKeyAlias: r.hostKeyAlias,
      identityAgent: r.identityAgent,
      connectTimeoutSec: r.connectTimeoutSec,
      keepaliveIntervalSec: r.keepaliveIntervalSec,
    },
  };
}

/** "me@bastion:22 → admin@inner:2222", as the form shows the jump hosts it keeps. */
export function describeJumps(jump: JumpHopInput[] | undefined): string | undefined {
  if (!jump?.length) return undefined;
  return jump.map((h) => `${h.user}@${h.host}:${h.port ?? 22}`).join(' → ');
}
