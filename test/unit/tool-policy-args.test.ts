import { describe, expect, it } from 'vitest';
import { toolPolicyOfArgs } from '../../electron/cli/tool-policy-args.js';

describe('burrow remote add --tool-policy / --command-rule', () => {
  it('sets the named tools and adds the rules; a pattern keeps its own colons', () => {
    expect(toolPolicyOfArgs(['ssh_execute=allow', 'ssh_forward_port=deny'], ['deny:^rm ', 'ask:^curl https?://'])).toEqual({
      tools: { ssh_execute: 'allow', ssh_forward_port: 'deny' },
      commandRules: [
        { pattern: '^rm ', action: 'deny' },
        { pattern: '^curl https?://', action: 'ask' },
      ],
    });
    expect(toolPolicyOfArgs(undefined, undefined)).toBeUndefined();
  });

  it('each mistake is one line naming the flag', () => {
    expect(() => toolPolicyOfArgs(['ssh_exec=allow'])).toThrow(/^--tool-policy ssh_exec=allow: no built-in tool "ssh_exec" \(the tools are ssh_list_remotes, /);
    expect(() => toolPolicyOfArgs(['ssh_execute=never'])).toThrow('--tool-policy ssh_execute=never: give TOOL=allow, TOOL=ask or TOOL=deny');
    expect(() => toolPolicyOfArgs(['ssh_execute'])).toThrow('--tool-policy ssh_execute: give TOOL=allow, TOOL=ask or TOOL=deny');
    expect(() => toolPolicyOfArgs([], ['allow:^ls'])).toThrow('--command-rule allow:^ls: give ask:PATTERN or deny:PATTERN');
    expect(() => toolPolicyOfArgs([], ['deny:^rm ('])).toThrow('--command-rule deny:^rm (: not a valid regular expression');
    expect(() => toolPolicyOfArgs([], ['deny:'])).toThrow('--command-rule deny:: the pattern is empty');
  });
});
