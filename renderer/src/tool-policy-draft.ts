import { commandRuleSchema, DEFAULT_TOOL_ACTIONS, SSH_TOOL_NAMES, type CommandRule, type SshToolName, type ToolAction, type ToolPolicy } from '../../shared/tools.js';

/** Per-tool actions set for a remote; a tool that is missing takes its default. */
export type ToolActions = Partial<Record<SshToolName, ToolAction>>;

/** A command rule as typed in the form: every field a string, checked as the engine checks it. */
export interface RuleDraft {
  pattern: string;
  action: CommandRule['action'];
  description: string;
}

/** Tools whose command, input or written path is checked for the requests that are never offered (root shells, /etc/sudoers). */
export const GUARDED_TOOLS: ReadonlySet<SshToolName> = new Set(['ssh_execute', 'ssh_sudo_execute', 'ssh_shell_send', 'ssh_write_remote_file', 'ssh_upload_file']);

/** The tools that ask by default (execute, write, upload, forward, sudo): what the form's one choice sets. */
const RISKY_TOOLS = SSH_TOOL_NAMES.filter((t) => DEFAULT_TOOL_ACTIONS[t] === 'ask');

export function ruleDraftsOf(rules: CommandRule[] | undefined): RuleDraft[] {
  return (rules ?? []).map((r) => ({ pattern: r.pattern, action: r.action, description: r.description ?? '' }));
}

/** Back to the saved shape: a blank description is left out, so an untouched hand-written rule is saved as it was. */
export function commandRulesOf(drafts: RuleDraft[]): CommandRule[] {
  return drafts.map((d) => (d.description.trim() ? { pattern: d.pattern, action: d.action, description: d.description.trim() } : { pattern: d.pattern, action: d.action }));
}

/** The schema's word on one rule's pattern, next to it in the form; undefined when it is fine. */
export function rulePatternError(pattern: string): string | undefined {
  if (pattern === '') return 'a pattern is required';
  const checked = commandRuleSchema.shape.pattern.safeParse(pattern);
  return checked.success ? undefined : checked.error.issues[0]?.message;
}

/** The one choice for the risky tools that sets these actions, or 'custom' when they differ tool by tool. */
export function riskyChoiceOf(tools: ToolActions): ToolAction | 'custom' {
  const actions = new Set(RISKY_TOOLS.map((t) => tools[t] ?? 'ask'));
  const others = SSH_TOOL_NAMES.some((t) => DEFAULT_TOOL_ACTIONS[t] !== 'ask' && tools[t] !== undefined);
  return actions.size === 1 && !others ? [...actions][0] : 'custom';
}

/** The actions one choice stands for: every risky tool set to it ('ask' is the defaults: nothing set). */
export function actionsOfRiskyChoice(choice: ToolAction): ToolActions {
  return choice === 'ask' ? {} : Object.fromEntries(RISKY_TOOLS.map((t) => [t, choice]));
}

/**
 * The actions the form stands for: those set tool by tool, unless the one choice was changed since (then what it
 * stands for). Actions that match the choice are kept as they are, so `ssh_execute: "ask"` written by hand survives.
 */
export function actionsOfForm(choice: ToolAction | 'custom', tools: ToolActions): ToolActions {
  return choice === 'custom' || choice === riskyChoiceOf(tools) ? tools : actionsOfRiskyChoice(choice);
}

/** One tool set to an action, or back to its default (undefined). */
export function withToolAction(tools: ToolActions, tool: SshToolName, action: ToolAction | undefined): ToolActions {
  const next = { ...tools };
  if (action === undefined) delete next[tool];
  else next[tool] = action;
  return next;
}

/** The saved policy; none at all when nothing differs from the defaults. */
export function policyOf(tools: ToolActions, rules: RuleDraft[]): ToolPolicy | undefined {
  if (Object.keys(tools).length === 0 && rules.length === 0) return undefined;
  return { tools: { ...tools }, commandRules: commandRulesOf(rules) };
}
