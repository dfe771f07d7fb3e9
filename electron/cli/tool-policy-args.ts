import { commandRuleSchema, SSH_TOOL_NAMES, TOOL_ACTIONS, type CommandRule, type SshToolName, type ToolAction, type ToolPolicy } from '../../shared/tools.js';

/**
 * `--tool-policy TOOL=allow|ask|deny` and `--command-rule ask|deny:PATTERN` (each repeatable) as a remote's tool
 * policy; undefined when neither is given (the defaults). Each mistake is one line naming the flag.
 */
export function toolPolicyOfArgs(toolPolicy: string[] = [], commandRules: string[] = []): ToolPolicy | undefined {
  if (toolPolicy.length === 0 && commandRules.length === 0) return undefined;
  const tools: Partial<Record<SshToolName, ToolAction>> = {};
  for (const arg of toolPolicy) {
    const [tool, action] = splitOnce(arg, '=');
    if (!(SSH_TOOL_NAMES as readonly string[]).includes(tool)) throw new Error(`--tool-policy ${arg}: no built-in tool "${tool}" (the tools are ${SSH_TOOL_NAMES.join(', ')})`);
    if (!(TOOL_ACTIONS as readonly string[]).includes(action ?? '')) throw new Error(`--tool-policy ${arg}: give TOOL=allow, TOOL=ask or TOOL=deny`);
    tools[tool as SshToolName] = action as ToolAction;
  }
  return { tools, commandRules: commandRules.map(ruleOfArg) };
}

function ruleOfArg(arg: string): CommandRule {
  // The pattern may hold colons itself: only the first one ends the action.
  const [action, pattern] = splitOnce(arg, ':');
  if (action !== 'ask' && action !== 'deny') throw new Error(`--command-rule ${arg}: give ask:PATTERN or deny:PATTERN`);
  const checked = commandRuleSchema.safeParse({ pattern, action });
  if (!checked.success) throw new Error(`--command-rule ${arg}: ${pattern ? checked.error.issues[0]?.message : 'the pattern is empty'}`);
  return checked.data;
}

function splitOnce(text: string, separator: string): [string, string | undefined] {
  const at = text.indexOf(separator);
  return at < 0 ? [text, undefined] : [text.slice(0, at), text.slice(at + 1)];
}
