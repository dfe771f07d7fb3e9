import { remoteSchema, type HostKeyPolicy, type Remote, type RemoteInput } from '../../shared/remote.js';
import { parseJumpSpec } from '../../shared/jump-spec.js';
import type { ToolAction } from '../../shared/tools.js';
import { actionsOfForm, policyOf, riskyChoiceOf, ruleDraftsOf, type RuleDraft, type ToolActions } from './tool-policy-draft.js';

/** What the tools that ask by default (execute, write, upload, forward, sudo) do: one choice, or set tool by tool. */
export type RiskyToolsChoice = ToolAction | 'custom';

/** The add/edit form as typed: every field a string or a switch, turned into a RemoteInput only to check or send. */
export interface RemoteFormValues {
  name: string;
  host: string;
  port: string;
  user: string;
  identityFiles: string;
  useAgent: boolean;
  usePassword: boolean;
  mode: Remote['mode'];
  command: string;
  hostKeyPolicy: HostKeyPolicy;
  knownHostsPath: string;
  keyServerEnabled: boolean;
  keyServerPort: string;
  /** Burrow's built-in SSH tools (`burrow connect --tools`) for this remote. */
  tools: boolean;
  toolsDescription: string;
  riskyTools: RiskyToolsChoice;
  /** The per-tool actions (used as they are when riskyTools is 'custom') and the command rules, as typed. */
  toolActions: ToolActions;
  commandRules: RuleDraft[];
  /** Host sessions outlive a dropped connection or a crashed server (off: they end with the error). */
  resume: boolean;
  /** Settings the form does not show (jump hosts, HostKeyAlias… from an import): kept as they are on save. */
  kept?: Pick<RemoteInput, 'jump' | 'hostKeyAlias' | 'identityAgent' | 'connectTimeoutSec' | 'keepaliveIntervalSec' | 'tunnel'> & Pick<Remote, 'tools'>;
}

export function formValuesOf(remote?: Remote): RemoteFormValues {
  return {
    name: remote?.name ?? '',
    host: remote?.host ?? '',
    port: String(remote?.port ?? 22),
    user: remote?.user ?? '',
    identityFiles: remote?.identityFiles.join('\n') ?? '',
    useAgent: remote?.useAgent ?? true,
    usePassword: remote?.usePassword ?? false,
    mode: remote?.mode ?? 'exec',
    command: remote?.command ?? '',
    hostKeyPolicy: remote?.hostKeyPolicy ?? 'ask',
    knownHostsPath: remote?.knownHostsPath ?? '',
    keyServerEnabled: remote?.keyServer?.enabled ?? false,
    keyServerPort: String(remote?.keyServer?.port ?? 8000),
    tools: remote?.tools?.enabled ?? false,
    toolsDescription: remote?.tools?.description ?? '',
    riskyTools: riskyChoiceOf(remote?.tools?.policy?.tools ?? {}),
    toolActions: { ...remote?.tools?.policy?.tools },
    commandRules: ruleDraftsOf(remote?.tools?.policy?.commandRules),
    resume: remote?.resume ?? true,
    kept: remote
      ? {
          jump: remote.jump,
          hostKeyAlias: remote.hostKeyAlias,
          identityAgent: remote.identityAgent,
          connectTimeoutSec: remote.connectTimeoutSec,
          keepaliveIntervalSec: remote.keepaliveIntervalSec,
          tunnel: remote.tunnel,
          tools: remote.tools,
        }
      : undefined,
  };
}

const number = (text: string): number | undefined => (text.trim() === '' ? undefined : Number(text.trim()));

export function toRemoteInput(v: RemoteFormValues): RemoteInput {
  return {
    ...v.kept,
    name: v.name.trim(),
    host: v.host.trim(),
    port: number(v.port),
    user: v.user.trim(),
    identityFiles: v.identityFiles.split('\n').map((l) => l.trim()).filter(Boolean),
    useAgent: v.useAgent,
    usePassword: v.usePassword,
    mode: v.mode,
    command: v.mode === 'exec' && v.command.trim() ? v.command.trim() : undefined,
    hostKeyPolicy: v.hostKeyPolicy,
    knownHostsPath: v.knownHostsPath.trim() || undefined,
    keyServer: v.keyServerEnabled ? { enabled: true, port: number(v.keyServerPort) } : undefined,
    tools: toolsInput(v),
    ...(v.resume ? {} : { resume: false }),
  };
}

/** Switched off, a remote keeps its tags and policy (switching on again restores them). */
function toolsInput(v: RemoteFormValues): RemoteInput['tools'] {
  const kept = v.kept?.tools;
  if (!v.tools) return kept ? { ...kept, enabled: false } : undefined;
  return { ...kept, enabled: true, description: v.toolsDescription.trim() || undefined, policy: policyOf(actionsOfForm(v.riskyTools, v.toolActions), v.commandRules) };
}

export type FieldErrors = Partial<Record<keyof RemoteFormValues | 'form', string>>;

const FIELD_OF: Record<string, keyof RemoteFormValues> = { 'keyServer.port': 'keyServerPort', keyServer: 'keyServerEnabled' };

/**
 * An address pasted into Host as ssh takes it (`deploy@box:2222`, `[::1]:2200`), spread over Host, User and Port;
 * undefined when Host is a plain name or not an address at all (validateRemote says what is wrong with it).
 */
export function withAddressSpread(v: RemoteFormValues): RemoteFormValues | undefined {
  const text = v.host.trim();
  if (!/[@:]/.test(text)) return undefined;
  let address;
  try {
    address = parseJumpSpec(text, 'host');
  } catch {
    return undefined;
  }
  if (address.user === undefined && address.port === undefined) return undefined;
  return { ...v, host: address.host, user: address.user ?? v.user, port: address.port !== undefined ? String(address.port) : v.port };
}

/** The same schema the engine checks, so the form says what is wrong before anything is sent. */
export function validateRemote(v: RemoteFormValues, takenNames: string[]): { input: RemoteInput; errors: FieldErrors } {
  const input = toRemoteInput(v);
  const errors: FieldErrors = {};
  const parsed = remoteSchema.safeParse(input);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const path = issue.path.join('.');
      // A bad command rule is shown next to its pattern; the form only needs to know not to save.
      const field = (path.startsWith('tools.policy.') ? 'commandRules' : FIELD_OF[path]) ?? (issue.path[0] as keyof RemoteFormValues) ?? 'form';
      if (errors[field]) continue;
      errors[field] = field === 'port' || field === 'keyServerPort' ? 'a port is a number from 1 to 65535' : issue.message;
    }
  }
  // The schema's pattern message would tell an empty name which characters to use; it is simply missing.
  if (!input.name) errors.name = 'name is required';
  if (!errors.name && takenNames.includes(input.name)) errors.name = 'a remote with this name exists already';
  return { input, errors };
}
