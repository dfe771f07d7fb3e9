import { existsSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { canRunShellSshd, TOOLS_PASSWORD } from '../support/shell-sshd.js';
import { toolsOnShellSshd } from '../support/shell-sshd-tools.js';
import { ALLOW_ALL, eventually } from '../support/tool-harness.js';

const lab = toolsOnShellSshd();


const home = '/home/burrowtools';

describe.skipIf(!canRunShellSshd)('built-in SSH tools: exec, sudo, shells (real sshd, SDK client)', () => {
  it('lists saved remotes without addresses and refuses a host that is not one', async () => {
    const h = await lab.harness();
    const names = (await h.client.listTools()).tools.map((t) => t.name);
    expect(names).toEqual(expect.arrayContaining(['ssh_connect', 'ssh_execute', 'ssh_shell_wait', 'ssh_forward_port', 'ssh_list_remotes']));
    const remotes = await h.call('ssh_list_remotes');
    expect(remotes.json.remotes).toEqual([{ name: 'lab', description: 'the test box', tags: ['test'] }]);
    expect(remotes.text).not.toMatch(/127\.0\.0\.1|burrowtools|port/);
    const adhoc = await h.call('ssh_connect', { host: '10.0.0.1' });
    expect(adhoc.isError).toBe(true);
    expect(adhoc.text).toMatch(/"10.0.0.1" is not a saved remote .*other hosts are refused unless a person turns on tools.allowAdHocHosts/);
  });

  it('runs a command: stdout, stderr, exit code 3, cwd and stdin', async () => {
    const h = await lab.harness();
    const s = await h.connect();
    const r = await h.call('ssh_execute', { session_id: s, command: 'echo out; echo err >&2; exit 3' });
    expect(r.json).toMatchObject({ stdout: 'out\n', stderr: 'err\n', exit_code: 3, signal: null, truncated: false });
    expect(r.json.duration_ms).toBeGreaterThanOrEqual(0);
    const cwd = await h.call('ssh_execute', { session_id: s, command: 'pwd; tr a-z A-Z', cwd: '/tmp', stdin: 'piped in' });
    expect(cwd.json.stdout).toBe('/tmp\nPIPED IN');
    const nowhere = await h.call('ssh_execute', { session_id: s, command: 'echo first; echo second', cwd: '/no/such/dir' });
    expect(nowhere.json).toMatchObject({ stdout: '', exit_code: 1 });
    expect(nowhere.json.stderr).toMatch(/can't cd|No such file/);
  });

  it('a call the host cancels stops its remote command', async () => {
    const h = await lab.harness();
    const s = await h.connect();
    const tag = `${Math.floor(Math.random() * 1e6) + 2000}`;
    const count = async () => (await h.call('ssh_execute', { session_id: s, command: `pgrep -x sleep -a | grep -c " ${tag}$" || true` })).json.stdout;
    const abort = new AbortController();
    const call = h.client.callTool({ name: 'ssh_execute', arguments: { session_id: s, command: `sleep ${tag}`, timeout_s: 600 } }, undefined, { signal: abort.signal });
    await eventually(async () => (await count()) === '1\n', 'the sleep to start');
    abort.abort();
    await expect(call).rejects.toThrow();
    await eventually(async () => (await count()) === '0\n', 'the sleep to be stopped');
  });

  it('reports a signal, and signals a command that runs past its timeout', async () => {
    const h = await lab.harness();
    const s = await h.connect();
    const killed = await h.call('ssh_execute', { session_id: s, command: 'kill -TERM $$' });
    expect(killed.json).toMatchObject({ exit_code: null, signal: 'SIGTERM' });
    // The text as mcp-remote-ssh's: no exit status reads -1 (paramiko's), and the signal is added.
    expect(killed.text).toBe('{"stdout":"","stderr":"","exit_code":-1,"signal":"SIGTERM"}');
    const tag = `${Math.floor(Math.random() * 1e6) + 100}`;
    const started = Date.now();
    const slow = await h.call('ssh_execute', { session_id: s, command: `sleep ${tag}`, timeout_s: 1 });
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(slow.json.timed_out).toBe(true);
    expect(slow.json.signal).toMatch(/SIG(TERM|KILL)/);
    const slowText = JSON.parse(slow.text) as Record<string, unknown>;
    expect(Object.keys(slowText).slice(0, 3)).toEqual(['stdout', 'stderr', 'exit_code']);
    expect(slowText).toMatchObject({ exit_code: -1, timed_out: true, note: expect.stringMatching(/did not finish in time/) });
    // The remote process is gone, not left running.
    const left = await h.call('ssh_execute', { session_id: s, command: `pgrep -x sleep -a | grep -c " ${tag}$" || true` });
    expect(left.json.stdout).toBe('0\n');
  });

  it('caps output at 1 MB per stream and says it was truncated', async () => {
    const h = await lab.harness();
    const s = await h.connect();
    const r = await h.call('ssh_execute', { session_id: s, command: 'head -c 1500000 /dev/zero | tr "\\0" a' });
    expect(r.json.truncated).toBe(true);
    expect(r.json.stdout.length).toBe(1024 * 1024);
    expect(r.json.stdout_bytes).toBe(1_500_000);
    expect(JSON.parse(r.text)).toMatchObject({ exit_code: 0, truncated: true, stdout_bytes: 1_500_000, stderr_bytes: 0 });
  });

  it('sudo: the password comes from the secret queue on stdin; a wrong one is an error, not a hang', async () => {
    const h = await lab.harness();
    const s = await h.connect();
    h.state.sudoPassword = async () => TOOLS_PASSWORD;
    const ok = await h.call('ssh_sudo_execute', { session_id: s, command: 'id -u; ps -o args= -p $PPID' });
    expect(ok.isError).toBe(false);
    expect(ok.json.stdout.split('\n')[0]).toBe('0');
    expect(ok.text).not.toContain(TOOLS_PASSWORD);
    expect(h.sudoAsked).toHaveLength(1);
    h.state.sudoPassword = async () => 'not-the-password';
    const started = Date.now();
    const wrong = await h.call('ssh_sudo_execute', { session_id: s, command: 'touch /root/should-not-exist' });
    expect(wrong.isError).toBe(true);
    expect(wrong.text).toMatch(/wrong sudo password for lab/);
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(h.forgotten).toEqual(['lab']);
    expect(existsSync('/root/should-not-exist')).toBe(false);
    h.state.sudoPassword = async () => undefined;
    const refused = await h.call('ssh_sudo_execute', { session_id: s, command: 'id -u' });
    expect(refused.text).toMatch(/no sudo password for lab was given/);
  });

  it('a shell keeps its cwd, waits on a pattern and on quiet, and Ctrl-C stops a running sleep', async () => {
    const h = await lab.harness();
    const s = await h.connect();
    const sh = (await h.call('ssh_shell_open', { session_id: s })).json.shell_id as string;
    await h.call('ssh_shell_send', { shell_id: sh, data: 'cd /tmp' });
    await h.call('ssh_shell_send', { shell_id: sh, data: 'echo "cwd=$(pwd)"' });
    const w = await h.call('ssh_shell_wait', { shell_id: sh, pattern: 'cwd=/tmp', timeout_s: 10 });
    expect(w.json).toMatchObject({ matched: true, reason: 'pattern' });
    expect(w.json.output).toContain('cwd=/tmp');
    expect(w.json.output).not.toMatch(/\x1b/);

    await h.call('ssh_shell_send', { shell_id: sh, data: 'echo quiet-now' });
    const idle = await h.call('ssh_shell_wait', { shell_id: sh, idle_ms: 400, timeout_s: 10 });
    expect(idle.json.reason).toBe('idle');
    expect(idle.json.output).toContain('quiet-now');

    await h.call('ssh_shell_send', { shell_id: sh, data: 'sleep 300; echo slept-through' });
    await h.call('ssh_shell_wait', { shell_id: sh, idle_ms: 300, timeout_s: 5 });
    const started = Date.now();
    await h.call('ssh_shell_send_control', { shell_id: sh, key: 'c' });
    await h.call('ssh_shell_send', { shell_id: sh, data: 'echo after-$((40+2))' });
    const after = await h.call('ssh_shell_wait', { shell_id: sh, pattern: 'after-42', timeout_s: 10 });
    expect(after.json.matched).toBe(true);
    expect(after.json.output).not.toContain('slept-through');
    expect(Date.now() - started).toBeLessThan(10_000);
    // A pattern that would backtrack for ever in a JS RegExp returns at once (RE2), and a bad one is one line.
    await h.call('ssh_shell_send', { shell_id: sh, data: `echo ${'a'.repeat(40)}b` });
    const started2 = Date.now();
    // (No "c" ever comes, so only quiet can end the wait, however the output arrives in pieces.)
    const evil = await h.call('ssh_shell_wait', { shell_id: sh, pattern: '(a+)+c', idle_ms: 500, timeout_s: 10 });
    expect(evil.json.reason).toBe('idle');
    expect(Date.now() - started2).toBeLessThan(5000);
    expect((await h.call('ssh_shell_wait', { shell_id: sh, pattern: '(?<=x)y' })).text).toMatch(/^pattern is not a valid RE2 regular expression/);
    const read = await h.call('ssh_shell_read', { shell_id: sh });
    expect(read.json.closed).toBe(false);
  });

  it('ask: Allow once runs it, Deny and a timeout run nothing, Allow for this session stops asking', async () => {
    const h = await lab.harness();
    h.state.policy = { tools: {}, commandRules: [] };
    const s = await h.connect();
    const marker = `${home}/approved-${randomBytes(4).toString('hex')}`;
    h.state.approve = async () => 'allow-once';
    const once = await h.call('ssh_execute', { session_id: s, command: `touch ${marker}` });
    expect(once.isError).toBe(false);
    expect(existsSync(marker)).toBe(true);
    expect(h.approvals[0]).toMatchObject({ tool: 'ssh_execute', remote: 'lab', client: { name: 'test-host' }, detail: `touch ${marker}` });

    h.state.approve = async () => 'deny';
    const denied = await h.call('ssh_execute', { session_id: s, command: `touch ${marker}-denied` });
    expect(denied.isError).toBe(true);
    expect(denied.text).toMatch(/denied by a person/);
    h.state.approve = async () => 'timeout';
    const late = await h.call('ssh_execute', { session_id: s, command: `touch ${marker}-late` });
    expect(late.text).toMatch(/no one approved ssh_execute on lab in time: nothing was run/);
    expect(existsSync(`${marker}-denied`) || existsSync(`${marker}-late`)).toBe(false);

    h.state.approve = async () => 'allow-session';
    const asked = h.approvals.length;
    await h.call('ssh_execute', { session_id: s, command: 'true' });
    await h.call('ssh_execute', { session_id: s, command: 'true' });
    expect(h.approvals.length).toBe(asked + 1);
    // Reading is allowed by default: no question.
    await h.call('ssh_list_remote_dir', { session_id: s, path: '/tmp' });
    expect(h.approvals.length).toBe(asked + 1);
  });

  it('command rules: deny wins whatever the tool allows; ask asks even for an allowed tool', async () => {
    const h = await lab.harness();
    h.state.policy = { ...ALLOW_ALL, commandRules: [{ pattern: '\\brm\\s+-rf\\b', action: 'deny', description: 'no rm -rf' }, { pattern: '^reboot', action: 'ask' }] };
    const s = await h.connect();
    const rm = await h.call('ssh_execute', { session_id: s, command: 'rm -rf /tmp/nothing-here' });
    expect(rm.text).toMatch(/denied: command rule "no rm -rf"/);
    h.state.approve = async () => 'deny';
    await h.call('ssh_execute', { session_id: s, command: 'reboot now' });
    expect(h.approvals.at(-1)?.reason).toMatch(/command rule \/\^reboot\/ of lab asks/);
  });

  it('never offers a root shell by sudo or a write to /etc/sudoers*, whatever the policy', async () => {
    const h = await lab.harness();
    h.state.approve = async () => 'allow-once';
    h.state.sudoPassword = async () => TOOLS_PASSWORD;
    const s = await h.connect();
    for (const command of ['sudo -s', 'sudo -i', 'sudo su', 'sudo su -', 'sudo bash', 'sudo sh', 'sudo -u root -s', 'cd /; sudo -E bash -l', 'echo "x ALL=(ALL) NOPASSWD: ALL" | sudo tee /etc/sudoers.d/x']) {
      const r = await h.call('ssh_execute', { session_id: s, command });
      expect(r.isError, command).toBe(true);
      expect(r.text, command).toMatch(/^refused: .*never offered/);
    }
    for (const command of ['bash', 'su -', 'sh -i', 'exec zsh', 'visudo', 'sudo -i']) {
      const r = await h.call('ssh_sudo_execute', { session_id: s, command });
      expect(r.text, command).toMatch(/^refused: .*never offered/);
    }
    const write = await h.call('ssh_write_remote_file', { session_id: s, path: '/etc/sudoers.d/evil', content: 'burrowtools ALL=(ALL) NOPASSWD: ALL\n' });
    expect(write.text).toMatch(/^refused: writing \/etc\/sudoers\* is never offered/);
    const sh = (await h.call('ssh_shell_open', { session_id: s })).json.shell_id as string;
    await h.call('ssh_shell_send', { shell_id: sh, data: 'sudo ', enter: false });
    const typed = await h.call('ssh_shell_send', { shell_id: sh, data: '-i' });
    expect(typed.text).toMatch(/^refused: a root shell by sudo/);
    expect(h.approvals).toHaveLength(0);
    expect(h.sudoAsked).toHaveLength(0);
    // Ordinary sudo use is not caught by the guard.
    const fine = await h.call('ssh_sudo_execute', { session_id: s, command: 'id -un' });
    expect(fine.json.stdout).toBe('root\n');
  });
  // Last in the file: it fills the shared connection's channels.
  it('at the server’s channel limit (MaxSessions) a call fails with what to do, and works again once a shell closes', async () => {
    const h = await lab.harness();
    const s = await h.connect();
    const opened: string[] = [];
    for (let i = 0; i < 10; i++) {
      const r = await h.call('ssh_shell_open', { session_id: s, new_shell: true });
      if (r.isError) break;
      opened.push(r.json.shell_id as string);
    }
    const full = await h.call('ssh_execute', { session_id: s, command: 'true' });
    expect(full.isError).toBe(true);
    expect(full.text).toMatch(/MaxSessions, 10 by default: close a shell, a forward or a session/);
    await h.call('ssh_shell_send_control', { shell_id: opened[0], key: 'd' });
    await h.call('ssh_shell_wait', { shell_id: opened[0], timeout_s: 10, pattern: 'never-printed-[x]yz' });
    const closedShell = await h.call('ssh_shell_read', { shell_id: opened[0] });
    expect(closedShell.json.closed).toBe(true);
    // sshd frees the slot a moment after it closes the channel.
    const again = await eventually(async () => {
      const r = await h.call('ssh_execute', { session_id: s, command: 'echo again' });
      return r.isError ? undefined : r;
    }, 'a free channel');
    expect(again.json.stdout).toBe('again\n');
  });
});
