import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { verifyHashChain } from '../../electron/core/audit/hash-chain-log.js';
import { ApprovalBroker } from '../../electron/core/approvals/approval-broker.js';
import { approveThroughBroker } from '../../electron/core/tools/broker-approval.js';
import { secretWanted, type PendingApproval, type PendingSecret } from '../../shared/approvals.js';
import { SudoPasswords } from '../../electron/core/tools/sudo-passwords.js';
import { canRunShellSshd, TOOLS_PASSWORD } from '../support/shell-sshd.js';
import { toolsOnShellSshd } from '../support/shell-sshd-tools.js';
import { eventually } from '../support/tool-harness.js';

const lab = toolsOnShellSshd();


const home = '/home/burrowtools';
/** Letters and digits only, so the shell and the encodings treat it plainly; random so no output holds it by chance. */
const token = `tok${randomBytes(16).toString('hex')}`;
const split = `spl${randomBytes(16).toString('hex')}`;

function envFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'burrow-env-'));
  const file = join(dir, '.env');
  writeFileSync(file, ['# a comment', `export TOKEN=${token}`, `SPLIT="${split}"  # trailing comment`, "GREETING='hello world'", ''].join('\n'));
  return file;
}

/** Every form of a value the redaction promises to catch. */
function leaks(text: string, value: string): boolean {
  const b = Buffer.from(value);
  return [value, b.toString('base64'), b.toString('base64').replace(/=+$/, ''), b.toString('hex'), encodeURIComponent(value)].some((f) => text.includes(f));
}

describe.skipIf(!canRunShellSshd)('built-in SSH tools: secrets, redaction, audit (real sshd, SDK client)', () => {
  it('loads a .env and returns only names; values reach commands but never results, logs or the audit', async () => {
    const h = await lab.harness();
    const s = await h.connect();
    const loaded = await h.call('ssh_load_env_file', { session_id: s, file_path: envFile() });
    expect(loaded.json.loaded.sort()).toEqual(['GREETING', 'SPLIT', 'TOKEN']);
    expect(leaks(loaded.text, token)).toBe(false);

    const echo = await h.call('ssh_execute', { session_id: s, command: 'echo $TOKEN' });
    expect(echo.json.stdout).toBe('[secret TOKEN]\n');
    const env = await h.call('ssh_execute', { session_id: s, command: 'env | grep TOKEN' });
    expect(env.json.stdout).toBe('TOKEN=[secret TOKEN]\n');
    // The value really reached the remote: its length and a hash of it come back unredacted.
    const proof = await h.call('ssh_execute', { session_id: s, command: 'printf %s "$TOKEN" | sha256sum | cut -c1-16; printf %s "$TOKEN" | wc -c' });
    const sha = (await import('node:crypto')).createHash('sha256').update(token).digest('hex').slice(0, 16);
    expect(proof.json.stdout).toBe(`${sha}\n${token.length}\n`);

    const file = `${home}/token-${randomBytes(3).toString('hex')}.txt`;
    await h.call('ssh_execute', { session_id: s, command: `printf '%s\\n' "$TOKEN" > ${file}` });
    expect(readFileSync(file, 'utf8')).toBe(`${token}\n`);
    const cat = await h.call('ssh_execute', { session_id: s, command: `cat ${file}` });
    expect(cat.json.stdout).toBe('[secret TOKEN]\n');
    const read = await h.call('ssh_read_remote_file', { session_id: s, path: file });
    expect(read.json.content).toBe('[secret TOKEN]\n');

    const b64 = await h.call('ssh_execute', { session_id: s, command: 'echo -n $TOKEN | base64' });
    expect(b64.json.stdout).toContain('[secret TOKEN base64]');
    // Whatever dash's echo prints around it, the base64 in the result no longer decodes to the value.
    expect(Buffer.from(b64.json.stdout.replace(/\[secret TOKEN base64\]/g, ''), 'base64').toString('latin1')).not.toContain(token);
    const hex = await h.call('ssh_execute', { session_id: s, command: 'printf %s "$TOKEN" | od -An -tx1 | tr -d " \\n"; echo; printf %s "$TOKEN" | base64 -w0 | tr "+/" "-_"' });
    expect(hex.json.stdout).toMatch(/^\[secret TOKEN hex\]\n\[secret TOKEN base64/);

    for (const text of [echo.text, env.text, cat.text, read.text, b64.text, hex.text, h.logLines.join('\n'), readFileSync(h.auditFile, 'utf8')]) {
      expect(leaks(text, token)).toBe(false);
    }
  });

  it('a shell gets the secrets without typing them, and a value split across two reads stays redacted', async () => {
    const h = await lab.harness();
    const s = await h.connect();
    await h.call('ssh_load_env_file', { session_id: s, file_path: envFile() });
    const opened = await h.call('ssh_shell_open', { session_id: s });
    expect(opened.json.secrets_exported.sort()).toEqual(['GREETING', 'SPLIT', 'TOKEN']);
    const sh = opened.json.shell_id as string;
    await h.call('ssh_shell_send', { shell_id: sh, data: 'echo "got:$TOKEN"' });
    const got = await h.call('ssh_shell_wait', { shell_id: sh, pattern: 'got:\\[secret TOKEN\\]', timeout_s: 10 });
    expect(got.json.matched).toBe(true);

    // The first half, a pause long enough for a read, then the second half.
    await h.call('ssh_shell_send', { shell_id: sh, data: 'printf "%s" "${SPLIT%????????????????}"; sleep 1.5; printf "%s\\n" "${SPLIT#???????????????????}"; echo split-done' });
    const first = await h.call('ssh_shell_wait', { shell_id: sh, idle_ms: 700, timeout_s: 10 });
    expect(first.json.reason).toBe('idle');
    const second = await h.call('ssh_shell_wait', { shell_id: sh, pattern: 'split-done\\n', timeout_s: 10 });
    const both = first.json.output + second.json.output;
    expect(both).toContain('[secret SPLIT]');
    for (const part of [split, split.slice(0, 16), split.slice(16)]) expect(both).not.toContain(part);
    expect(leaks(h.logLines.join('\n') + readFileSync(h.auditFile, 'utf8'), split)).toBe(false);

    // A shell opened before the secrets were loaded gets them when they are.
    const s2 = await h.connect();
    const early = (await h.call('ssh_shell_open', { session_id: s2 })).json.shell_id as string;
    const loadedLater = await h.call('ssh_load_env_file', { session_id: s2, file_path: envFile() });
    expect(loadedLater.json.exported_to_shells).toEqual([early]);
    await h.call('ssh_shell_send', { shell_id: early, data: 'echo "late:${#TOKEN}:$TOKEN"' });
    const late = await h.call('ssh_shell_wait', { shell_id: early, pattern: 'late:\\d+:\\[secret TOKEN\\]', timeout_s: 10 });
    expect(late.json.output).toContain(`late:${token.length}:[secret TOKEN]`);

    const cleared = await h.call('ssh_clear_secrets', { session_id: s });
    expect(cleared.json.cleared.sort()).toEqual(['GREETING', 'SPLIT', 'TOKEN']);
    const after = await h.call('ssh_execute', { session_id: s, command: 'echo "[$TOKEN]"' });
    expect(after.json.stdout).toBe('[]\n');
  });

  it('an ask goes to the real approval queue as a tool-call item; its answer decides', async () => {
    const broker = new ApprovalBroker();
    const h = await lab.harness();
    h.state.policy = { tools: {}, commandRules: [] };
    h.state.approve = approveThroughBroker(broker, 5_000);
    const s = await h.connect();
    const seen: PendingApproval[] = [];
    broker.events.on('approval-added', ({ approval }) => seen.push(approval));
    const marker = `${home}/broker-${randomBytes(3).toString('hex')}`;
    const pending = h.call('ssh_execute', { session_id: s, command: `touch ${marker}` });
    const item = await eventually(() => seen[0], 'a tool-call approval');
    expect(item).toMatchObject({ kind: 'tool-call', remote: 'lab', tool: 'ssh_execute', client: 'test-host', detail: `touch ${marker}` });
    expect(existsSync(marker)).toBe(false);
    expect(broker.answer(item.id, 'approve-once')).toBe(1);
    expect((await pending).isError).toBe(false);
    expect(existsSync(marker)).toBe(true);

    h.state.approve = approveThroughBroker(broker, 300);
    const late = await h.call('ssh_execute', { session_id: s, command: `rm ${marker}` });
    expect(late.text).toMatch(/no one approved/);
    expect(existsSync(marker)).toBe(true);
    expect(broker.pending()).toHaveLength(0);
  });

  it('the sudo password is a secret item in the real queue: a wrong one is forgotten, a right one kept in memory', async () => {
    const broker = new ApprovalBroker();
    const sudo = new SudoPasswords(broker, () => ({ host: '127.0.0.1', port: lab.sshd.port, user: 'burrowtools' }), 5_000);
    const h = await lab.harness();
    h.state.sudoPassword = (remote, reason) => sudo.get(remote, reason);
    h.state.forgetSudoPassword = (remote) => sudo.forget(remote);
    const answers = ['wrong-password', TOOLS_PASSWORD];
    const asked: PendingApproval[] = [];
    broker.events.on('approval-added', ({ approval }) => {
      asked.push(approval);
      if (approval.kind === 'secret') broker.answerSecret(approval.id, answers.shift() as string);
    });
    const s = await h.connect();
    const wrong = await h.call('ssh_sudo_execute', { session_id: s, command: 'id -u' });
    expect(wrong.text).toMatch(/wrong sudo password for lab/);
    const right = await h.call('ssh_sudo_execute', { session_id: s, command: 'id -u' });
    expect(right.json.stdout).toBe('0\n');
    const again = await h.call('ssh_sudo_execute', { session_id: s, command: 'id -u' });
    expect(again.json.stdout).toBe('0\n');
    expect(asked).toHaveLength(2);
    expect(asked[0]).toMatchObject({ kind: 'secret', secret: 'sudo-password', remote: 'lab', user: 'burrowtools' });
    expect(secretWanted(asked[0] as PendingSecret)).toBe(`the sudo password (lab, burrowtools@127.0.0.1:${lab.sshd.port})`);
  });

  it('audit: every call is chained before it runs; verify passes, then names the record whose byte was changed', async () => {
    const h = await lab.harness();
    const s = await h.connect();
    await h.call('ssh_execute', { session_id: s, command: 'echo one' });
    await h.call('ssh_execute', { session_id: s, command: 'sudo -s' });
    await h.call('ssh_list_remote_dir', { session_id: s, path: '/tmp' });
    const lines = readFileSync(h.auditFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    const exec = lines.filter((r) => r.tool === 'ssh_execute');
    expect(exec[0]).toMatchObject({ phase: 'call', decision: 'allow', decidedBy: 'policy', remote: 'lab', client: { name: 'test-host' }, args: { command: 'echo one' } });
    expect(exec[1]).toMatchObject({ phase: 'result', ok: true, exitCode: 0, bytesOut: 4 });
    expect(exec[1].durationMs).toBeGreaterThanOrEqual(0);
    expect(exec[2]).toMatchObject({ phase: 'call', decision: 'deny', decidedBy: 'never-offered', args: { command: 'sudo -s' } });
    expect(verifyHashChain(h.auditFile)).toEqual({ ok: true, records: lines.length });

    // One byte of record 3 changed (its command text).
    const raw = readFileSync(h.auditFile);
    const third = raw.indexOf('echo one');
    raw[third] = 'E'.charCodeAt(0);
    writeFileSync(h.auditFile, raw);
    const bad = verifyHashChain(h.auditFile);
    const line = raw.subarray(0, third).toString().split('\n').length;
    expect(bad).toMatchObject({ ok: false, firstBad: { line, seq: line, reason: expect.stringMatching(/hash does not match/) } });
  });

  it('when the audit cannot be written, nothing is sent', async () => {
    const h = await lab.harness({
      audit: {
        append: () => {
          throw new Error('disk full');
        },
      },
    });
    const s = await h.connect().catch((e: Error) => e.message);
    expect(s).toMatch(/the audit log cannot be written \(disk full\): nothing was sent/);
  });
});
