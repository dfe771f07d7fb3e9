import { describe, expect, it } from 'vitest';
import { diffLines } from '../../renderer/src/line-diff.js';
import { formValuesOf, validateRemote, withAddressSpread } from '../../renderer/src/remote-form-values.js';
import { argumentsOf, fieldsOf } from '../../renderer/src/schema-form-values.js';
import { EngineStateReads, type EngineState } from '../../renderer/src/use-engine-state.js';
import type { HostKeyAlert } from '../../shared/approvals.js';

describe('the renderer’s own logic', () => {
  it('diffs a config file line by line, keeping every unchanged line as context', () => {
    const before = '{\n  "mcpServers": {\n    "other": {}\n  }\n}\n';
    const after = '{\n  "mcpServers": {\n    "other": {},\n    "lab": {}\n  }\n}\n';
    const d = diffLines(before, after);
    expect(d.filter((l) => l.kind === 'remove').map((l) => l.text)).toEqual(['    "other": {}']);
    expect(d.filter((l) => l.kind === 'add').map((l) => l.text)).toEqual(['    "other": {},', '    "lab": {}']);
    expect(d.filter((l) => l.kind === 'same')).toHaveLength(4);
    expect(diffLines('', 'a\nb\n').map((l) => l.kind)).toEqual(['add', 'add']);
  });

  it('checks the remote form with the engine’s schema and names the field at fault', () => {
    const values = { ...formValuesOf(), name: 'lab box', host: '', port: '70000', user: 'root', mode: 'exec' as const, command: '' };
    const { errors } = validateRemote(values, []);
    expect(errors.name).toMatch(/letters, digits/);
    expect(errors.host).toBe('host is required');
    expect(errors.port).toMatch(/1 to 65535/);
    expect(errors.command).toMatch(/needs a command/);
    const ok = validateRemote({ ...values, name: 'lab', host: 'h', port: '', command: 'srv' }, ['other']);
    expect(ok.errors).toEqual({});
    expect(ok.input).toMatchObject({ name: 'lab', host: 'h', port: undefined, command: 'srv', identityFiles: [] });
    expect(validateRemote({ ...values, name: 'lab', host: 'h', port: '22', command: 'srv' }, ['lab']).errors.name).toMatch(/exists/);
  });

  it('spreads an ssh-style address typed into Host over Host, User and Port, and leaves anything else alone', () => {
    const values = { ...formValuesOf(), user: 'me' };
    expect(withAddressSpread({ ...values, host: 'deploy@box.example.com:2222' })).toMatchObject({ host: 'box.example.com', user: 'deploy', port: '2222' });
    expect(withAddressSpread({ ...values, host: ' [::1]:2200 ' })).toMatchObject({ host: '::1', user: 'me', port: '2200' });
    expect(withAddressSpread({ ...values, host: 'ops@box' })).toMatchObject({ host: 'box', user: 'ops', port: '22' });
    for (const host of ['box.example.com', '::1', 'box:99999', '@box', 'me@box/x:22']) expect(withAddressSpread({ ...values, host }), host).toBeUndefined();
    // What the spread left with a colon is refused on save, not saved as a host name.
    const bad = validateRemote({ ...values, name: 'lab', host: 'box:99999', command: 'srv' }, []);
    expect(bad.errors.host).toMatch(/give the port in Port/);
    expect(validateRemote({ ...values, name: 'lab', host: '::1', command: 'srv' }, []).errors.host).toBeUndefined();
  });

  it('keeps an alarm raised while the window reads its state, whichever read answers last', () => {
    const reads = new EngineStateReads();
    const empty: EngineState = { remotes: [], statuses: {}, approvals: [], alerts: [], loaded: true };
    const alert = { id: 'a1', remote: 'moved' } as HostKeyAlert;
    // The window opens (read 1), its event stream connects (read 2), and the engine raises an alarm meanwhile.
    const first = reads.begin();
    const second = reads.begin();
    reads.hear({ type: 'host-key-alert', alert });
    // Read 2 had looked before the alarm; read 1 answers last of all, with what it saw before either.
    expect(reads.settle(second, empty)?.alerts).toEqual([alert]);
    expect(reads.settle(first, empty)).toBeUndefined();
    // Heard after the read settled: applied to the live state only, not kept for later reads.
    reads.hear({ type: 'host-key-alert-dismissed', id: 'a1' });
    const third = reads.begin();
    expect(reads.settle(third, { ...empty, alerts: [alert] })?.alerts).toEqual([alert]);
    expect(reads.failed(first)).toBe(false);
  });

  it('turns a tool’s JSON Schema into fields and typed arguments', () => {
    const schema = {
      type: 'object',
      properties: { a: { type: 'number' }, n: { type: 'integer' }, on: { type: 'boolean' }, mode: { enum: ['x', 'y'] }, obj: { type: 'object' }, s: { type: 'string' } },
      required: ['a'],
    };
    const fields = fieldsOf(schema);
    expect(fields.map((f) => `${f.name}:${f.kind}${f.required ? '!' : ''}`)).toEqual(['a:number!', 'n:integer', 'on:boolean', 'mode:enum', 'obj:json', 's:string']);
    expect(argumentsOf(fields, { a: '2', n: '3', on: true, mode: 'y', obj: '{"k":1}', s: 'hi' })).toEqual({
      args: { a: 2, n: 3, on: true, mode: 'y', obj: { k: 1 }, s: 'hi' },
      errors: {},
    });
    expect(argumentsOf(fields, { a: '', n: '1.5', on: false, mode: '', obj: '{', s: '' }).errors).toEqual({ a: 'required', n: 'a whole number', obj: 'not valid JSON' });
  });
});
