import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { canonicalJson, HashChainLog, verifyHashChain } from '../../electron/core/audit/hash-chain-log.js';
import { Redactor } from '../../electron/core/tools/secrets.js';
import { decide, neverOffered, neverWritten } from '../../electron/core/tools/tool-policy.js';
import { toolPolicySchema } from '../../shared/tools.js';
import { burrowEnv, runBurrow } from '../support/burrow-process.js';

describe('never offered: root shells by sudo and sudoers writes', () => {
  it.each([
    'sudo -s',
    'sudo -i',
    'sudo -is',
    'sudo --login',
    'sudo su',
    'sudo su - root',
    'sudo bash',
    'sudo /bin/sh',
    'sudo -u root zsh',
    'sudo -E env FOO=1 bash',
    'ls && sudo -s',
    'echo $(sudo -i)',
    "sh -c 'sudo su'",
    'sudo sudo -s',
    'echo "x ALL=(ALL) ALL" | sudo tee -a /etc/sudoers',
    'sudo cp /tmp/x /etc/sudoers.d/x',
    'sudo sed -i s/a/b/ /etc/sudoers',
    'sudo visudo',
  ])('refuses %s', (command) => {
    expect(neverOffered(command)).toMatch(/never offered/);
  });

  it.each(['sudo apt-get update', 'sudo systemctl restart nginx', 'sudo -u postgres psql -c "select 1"', 'cat /etc/sudoers', 'sudo visudo -c', 'sudo'])('lets %s through', (command) => {
    expect(neverOffered(command)).toBeUndefined();
  });

  it('reads a sudo command (ssh_sudo_execute) as already under sudo', () => {
    expect(neverOffered('bash', true)).toMatch(/root shell/);
    expect(neverOffered('su -', true)).toMatch(/root shell/);
    expect(neverOffered('apt-get install -y jq', true)).toBeUndefined();
    expect(neverWritten('/etc/sudoers.d/../sudoers')).toMatch(/never offered/);
    expect(neverWritten('/etc/hosts')).toBeUndefined();
  });
});

describe('policy', () => {
  it('defaults: reading allowed, executing asks; deny rules win over ask rules and over allow', () => {
    const policy = toolPolicySchema.parse({ commandRules: [{ pattern: '^rm ', action: 'deny' }, { pattern: 'rm', action: 'ask' }] });
    expect(decide(policy, 'ssh_read_remote_file', 'lab').action).toBe('allow');
    expect(decide(policy, 'ssh_execute', 'lab', 'ls').action).toBe('ask');
    expect(decide(policy, 'ssh_execute', 'lab', 'rm -r x')).toMatchObject({ action: 'deny', by: 'command-rule' });
    const allowAll = toolPolicySchema.parse({ tools: { ssh_execute: 'allow' }, commandRules: [{ pattern: 'shutdown', action: 'ask' }] });
    expect(decide(allowAll, 'ssh_execute', 'lab', 'sudo shutdown -h now')).toMatchObject({ action: 'ask', by: 'command-rule' });
    expect(decide(toolPolicySchema.parse({ tools: { ssh_list_remote_dir: 'deny' } }), 'ssh_list_remote_dir', 'lab').action).toBe('deny');
    expect(toolPolicySchema.safeParse({ commandRules: [{ pattern: '(', action: 'deny' }] }).success).toBe(false);
  });
});

describe('redactor', () => {
  const value = 'S3cr3t/Value+With=Odd&Bytes';
  const r = new Redactor([['API_KEY', value], ['SHORT', 'abc']]);

  it('replaces the value and its encodings, longest first; short values are left alone', () => {
    const b = Buffer.from(value);
    for (const form of [value, b.toString('base64'), b.toString('base64url'), b.toString('hex'), b.toString('hex').toUpperCase(), encodeURIComponent(value)]) {
      expect(r.redact(`x ${form} y`)).toMatch(/^x \[secret API_KEY( [a-z0-9-]+)?\] y$/);
    }
    // Base64 of the value with something before it (dash's `echo -n` prints "-n VALUE").
    for (const prefix of ['-', '-n', '-n ']) {
      const text = Buffer.from(`${prefix}${value}\n`).toString('base64');
      expect(Buffer.from(r.redact(text).replace(/\[secret API_KEY base64\]/g, ''), 'base64').toString('latin1')).not.toContain(value.slice(3, -3));
    }
    expect(r.redact('abc')).toBe('abc');
  });

  it('holds back the end of a text that may be the start of a value', () => {
    expect(r.pendingTail(`output ${value.slice(0, 10)}`)).toBe(10);
    expect(r.pendingTail('output S')).toBe(1);
    expect(r.pendingTail('output\n$ ')).toBe(0);
    expect(r.redactValue({ a: [value], b: 1 })).toEqual({ a: ['[secret API_KEY]'], b: 1 });
  });
});

describe('hash-chained audit', () => {
  it('continues a chain across reopen; names the first record removed, reordered or edited', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'burrow-chain-')), 'a.jsonl');
    new HashChainLog(file).append({ tool: 'one' });
    const reopened = new HashChainLog(file);
    reopened.append({ tool: 'two' });
    reopened.append({ tool: 'three', nested: { b: 1, a: [1, 'x'] } });
    expect(verifyHashChain(file)).toEqual({ ok: true, records: 3 });
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    writeFileSync(file, `${[lines[0], lines[2]].join('\n')}\n`);
    expect(verifyHashChain(file)).toMatchObject({ ok: false, firstBad: { line: 2, seq: 3, reason: expect.stringMatching(/prev does not match/) } });
    writeFileSync(file, `${[lines[1], lines[0], lines[2]].join('\n')}\n`);
    expect(verifyHashChain(file)).toMatchObject({ ok: false, firstBad: { line: 1, seq: 2 } });
    writeFileSync(file, `${[lines[0], lines[1].replace('"two"', '"TWO"'), lines[2]].join('\n')}\n`);
    expect(verifyHashChain(file)).toMatchObject({ ok: false, firstBad: { line: 2, seq: 2, reason: expect.stringMatching(/hash does not match/) } });
    // Two writers on one file (one per host session) extend one chain.
    const shared = join(mkdtempSync(join(tmpdir(), 'burrow-chain-')), 'b.jsonl');
    const [w1, w2] = [new HashChainLog(shared), new HashChainLog(shared)];
    for (let i = 0; i < 3; i++) {
      w1.append({ i });
      w2.append({ i });
    }
    expect(verifyHashChain(shared)).toEqual({ ok: true, records: 6 });
    expect(canonicalJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: null } })).toBe('{"a":{"c":null,"d":[1,{"x":1,"y":2}]},"b":1}');
  });

  it('burrow audit verify and tail read the file and say which record broke', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'burrow-chain-')), 'tool-audit.jsonl');
    const log = new HashChainLog(file);
    log.append({ kind: 'tool-call', phase: 'call', tool: 'ssh_execute', remote: 'lab', client: { name: 'host' }, args: { command: 'uptime' }, decision: 'allow', decidedBy: 'policy' });
    log.append({ kind: 'tool-call', phase: 'result', tool: 'ssh_execute', remote: 'lab', ok: true, exitCode: 0, bytesOut: 42, durationMs: 7 });
    const good = await runBurrow(['audit', 'verify', '--file', file], burrowEnv());
    expect(good).toMatchObject({ code: 0, stdout: `${file}: intact (2 records)\n` });
    const tail = await runBurrow(['audit', 'tail', '-n', '5', '--file', file], burrowEnv());
    expect(tail.stdout).toMatch(/#1 ssh_execute on lab for host: allow \(policy\) — uptime\n.*#2 ssh_execute on lab: ok, exit 0, 42 bytes out, 7 ms\n$/);
    writeFileSync(file, readFileSync(file, 'utf8').replace('uptime', 'uptimE'));
    const bad = await runBurrow(['audit', 'verify', '--file', file], burrowEnv());
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/BROKEN at record 1 \(line 1, .*\): its hash does not match its content/);
  });
});
