import { describe, expect, it } from 'vitest';
import { formValuesOf, toRemoteInput } from '../../renderer/src/remote-form-values.js';
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
