import { describe, expect, it } from 'vitest';
import { formValuesOf, toRemoteInput, validateRemote } from '../../renderer/src/remote-form-values.js';
import { riskyChoiceOf, rulePatternError, withToolAction } from '../../renderer/src/tool-policy-draft.js';
import { remoteSchema, type Remote } from '../../shared/remote.js';

const base = remoteSchema.parse({ name: 'lab', host: 'lab.example', user: 'deploy' });
const withTools = (tools: Remote['tools']): Remote => ({ ...base, tools });

describe('the remote form’s Tools switch', () => {
  it('a policy edited by hand in the settings file is shown as such and saved unchanged', () => {
    const policy = { tools: { ssh_execute: 'allow' as const, ssh_forward_port: 'deny' as const }, commandRules: [{ pattern: 'rm -rf', action: 'deny' as const }] };
    const values = formValuesOf(withTools({ enabled: true, description: 'box', tags: ['ci'], policy }));
    expect(values.riskyTools).toBe('custom');
    expect(toRemoteInput(values).tools).toEqual({ enabled: true, description: 'box', tags: ['ci'], policy });
  });

  it('"Never" denies every tool that asks by default and keeps the command rules; "Ask" goes back to the defaults', () => {
    const rules = [{ pattern: '^reboot', action: 'ask' as const }];
    const values = { ...formValuesOf(withTools({ enabled: true, policy: { tools: {}, commandRules: rules } })), riskyTools: 'deny' as const };
    const denied = toRemoteInput(values).tools!;
    expect(denied.policy?.tools).toMatchObject({ ssh_execute: 'deny', ssh_sudo_execute: 'deny', ssh_write_remote_file: 'deny', ssh_forward_port: 'deny' });
    expect(denied.policy?.tools?.ssh_read_remote_file).toBeUndefined();
    expect(denied.policy?.commandRules).toEqual(rules);
    expect(formValuesOf(withTools(remoteSchema.parse({ ...base, tools: denied }).tools)).riskyTools).toBe('deny');
    expect(toRemoteInput({ ...values, riskyTools: 'ask' }).tools?.policy).toEqual({ tools: {}, commandRules: rules });
  });

  it('switched off, the remote keeps its description and policy for when it is switched on again', () => {
    const values = { ...formValuesOf(withTools({ enabled: true, description: 'box' })), tools: false };
    expect(toRemoteInput(values).tools).toEqual({ enabled: false, description: 'box' });
    expect(toRemoteInput(formValuesOf(base)).tools).toBeUndefined();
  });
});

describe('the remote form’s per-tool policy', () => {
  it('one tool set and a rule added are saved; the hand-written rule and tags stay exactly as they were', () => {
    const handWritten = { tools: { ssh_forward_port: 'deny' as const }, commandRules: [{ pattern: 'shutdown', action: 'ask' as const }] };
    const values = formValuesOf(withTools({ enabled: true, tags: ['ci'], policy: handWritten }));
    const toolActions = withToolAction(values.toolActions, 'ssh_execute', 'deny');
    const edited = { ...values, toolActions, riskyTools: riskyChoiceOf(toolActions), commandRules: [...values.commandRules, { pattern: '^rm ', action: 'deny' as const, description: '' }] };
    expect(toRemoteInput(edited).tools).toEqual({
      enabled: true,
      tags: ['ci'],
      policy: { tools: { ssh_forward_port: 'deny', ssh_execute: 'deny' }, commandRules: [{ pattern: 'shutdown', action: 'ask' }, { pattern: '^rm ', action: 'deny' }] },
    });
  });

  it('a risky tool written as "ask" by hand is saved as written, not dropped as the default', () => {
    const policy = { tools: { ssh_execute: 'ask' as const }, commandRules: [] };
    const values = formValuesOf(withTools({ enabled: true, policy }));
    expect(values.riskyTools).toBe('ask');
    expect(toRemoteInput(values).tools?.policy).toEqual(policy);
  });

  it('a tool set back to its default is left out, and with nothing set no policy is saved', () => {
    const values = formValuesOf(withTools({ enabled: true, policy: { tools: { ssh_execute: 'allow' }, commandRules: [] } }));
    const toolActions = withToolAction(values.toolActions, 'ssh_execute', undefined);
    expect(riskyChoiceOf(toolActions)).toBe('ask');
    expect(toRemoteInput({ ...values, toolActions, riskyTools: riskyChoiceOf(toolActions) }).tools?.policy).toBeUndefined();
  });

  it('a pattern the engine would refuse is named next to it and stops the save', () => {
    expect(rulePatternError('(unclosed')).toBe('not a valid regular expression');
    expect(rulePatternError('')).toBe('a pattern is required');
    expect(rulePatternError('^rm ')).toBeUndefined();
    const values = { ...formValuesOf(withTools({ enabled: true })), commandRules: [{ pattern: '(unclosed', action: 'deny' as const, description: '' }] };
    expect(validateRemote(values, []).errors.commandRules).toBe('not a valid regular expression');
  });
});
