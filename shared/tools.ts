import { z } from 'zod';

/**
 * Burrow's built-in SSH tools (the MCP server the engine serves for hosts that run no MCP server remotely):
 * their names, the policy that says which may run without a person, and what a person is asked.
 * The names follow mcp-remote-ssh so agents that know it need no new vocabulary.
 */
/**
 * What the inspector (the window's, `burrow tools`, `burrow call`) names Burrow's built-in SSH tools by, beside the
 * remotes: a session of the tools as `burrow connect --tools` serves them. No remote can have this name (a remote's
 * name starts with a letter or digit).
 */
export const BUILT_IN_TOOLS_TARGET = '@tools';

export const SSH_TOOL_NAMES = [
  'ssh_list_remotes',
  'ssh_connect',
  'ssh_list_sessions',
  'ssh_close_session',
  'ssh_execute',
  'ssh_sudo_execute',
  'ssh_shell_open',
  'ssh_shell_send',
  'ssh_shell_read',
  'ssh_shell_send_control',
  'ssh_shell_wait',
  'ssh_load_env_file',
  'ssh_clear_secrets',
  'ssh_upload_file',
  'ssh_download_file',
  'ssh_read_remote_file',
  'ssh_write_remote_file',
  'ssh_list_remote_dir',
  'ssh_forward_port',
  'ssh_list_forwards',
  'ssh_close_forward',
] as const;

export type SshToolName = (typeof SSH_TOOL_NAMES)[number];

export const TOOL_ACTIONS = ['allow', 'ask', 'deny'] as const;
export type ToolAction = (typeof TOOL_ACTIONS)[number];

/**
 * What each tool does without a policy: listing and reading run; anything that executes, writes, moves files
 * or opens a door (forwards) asks. Downloading asks too: it writes a file on this machine.
 */
export const DEFAULT_TOOL_ACTIONS: Record<SshToolName, ToolAction> = {
  ssh_list_remotes: 'allow',
  ssh_connect: 'allow',
  ssh_list_sessions: 'allow',
  ssh_close_session: 'allow',
  ssh_execute: 'ask',
  ssh_sudo_execute: 'ask',
  ssh_shell_open: 'ask',
  ssh_shell_send: 'ask',
  ssh_shell_read: 'allow',
  ssh_shell_send_control: 'allow',
  ssh_shell_wait: 'allow',
  ssh_load_env_file: 'allow',
  ssh_clear_secrets: 'allow',
  ssh_upload_file: 'ask',
  ssh_download_file: 'ask',
  ssh_read_remote_file: 'allow',
  ssh_write_remote_file: 'ask',
  ssh_list_remote_dir: 'allow',
  ssh_forward_port: 'ask',
  ssh_list_forwards: 'allow',
  ssh_close_forward: 'allow',
};

/** A command rule: a regular expression over the command (execute, sudo) or shell input that always asks or always denies. */
export const commandRuleSchema = z.object({
  pattern: z.string().min(1).refine(isValidRegex, 'not a valid regular expression'),
  action: z.enum(['ask', 'deny']),
  /** Shown to the person asked, and in the error when denied. */
  description: z.string().optional(),
});
export type CommandRule = z.infer<typeof commandRuleSchema>;

/** The policy of one saved remote's built-in tools. Missing tools take DEFAULT_TOOL_ACTIONS. */
export const toolPolicySchema = z.object({
  tools: z.partialRecord(z.enum(SSH_TOOL_NAMES), z.enum(TOOL_ACTIONS)).default({}),
  commandRules: z.array(commandRuleSchema).default([]),
});
export type ToolPolicy = z.infer<typeof toolPolicySchema>;
export type ToolPolicyInput = z.input<typeof toolPolicySchema>;

export const DEFAULT_TOOL_POLICY: ToolPolicy = { tools: {}, commandRules: [] };

export function toolAction(policy: ToolPolicy, tool: SshToolName): ToolAction {
  return policy.tools[tool] ?? DEFAULT_TOOL_ACTIONS[tool];
}

/** What a person is asked about one tool call (the engine turns it into a `tool-call` approval). */
export interface ToolApprovalRequest {
  tool: SshToolName;
  remote: string;
  /** The MCP host session's clientInfo (from its `initialize`): who asks. */
  client: { name?: string; version?: string };
  /** The exact command, input or path, redacted of loaded secrets. */
  detail: string;
  /** Why a person is asked: the tool's policy, or the command rule that matched. */
  reason: string;
}

/** Allow once, Allow for the rest of this host session, Deny; nobody answered in time; or the host cancelled the call first. */
export type ToolApprovalOutcome = 'allow-once' | 'allow-session' | 'deny' | 'timeout' | 'withdrawn';

function isValidRegex(pattern: string): boolean {
  try {
    new RegExp(pattern);
    return true;
  } catch {
    return false;
  }
}
