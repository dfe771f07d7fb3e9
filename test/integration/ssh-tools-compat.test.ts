import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { canRunShellSshd, TOOLS_PASSWORD } from '../support/shell-sshd.js';
import { toolsOnShellSshd } from '../support/shell-sshd-tools.js';
import { eventually, type ToolHarness } from '../support/tool-harness.js';

const lab = toolsOnShellSshd();
const home = '/home/burrowtools';
const remoteFiles: string[] = [];

afterAll(() => {
  for (const f of remoteFiles) rmSync(f, { force: true });
});

/** The first bytes a TCP server at 127.0.0.1:port sends. */
const banner = (port: number) =>
  new Promise<string>((resolve, reject) => {
    const s = connect(port, '127.0.0.1');
    s.once('data', (d) => {
      s.destroy();
      resolve(d.toString('utf8'));
    });
    s.once('error', reject);
  });

/** mcp-remote-ssh's ssh_connect, as its users call it: host, username, port (and a key path). */
async function connectAsMcpRemoteSsh(t: ToolHarness): Promise<string> {
  const r = await t.call('ssh_connect', { host: 'lab', username: 'root', port: 22, key_path: '~/.ssh/id_ed25519', timeout: 60 });
  expect(r.isError, r.text).toBe(false);
  expect(r.json.ignored).toEqual(['key_path', 'timeout']);
  return r.json.session_id as string;
}

describe.skipIf(!canRunShellSshd)('built-in SSH tools with mcp-remote-ssh’s arguments (real sshd, SDK client)', () => {
  it('connects and executes with timeout; one shell per session_id, driven with press_enter, wait, read_lines, lines and a plain-text pattern', async () => {
    const h = await lab.harness();
    const s = await connectAsMcpRemoteSsh(h);
    const ran = await h.call('ssh_execute', { session_id: s, command: 'echo hi; exit 4', timeout: 20 });
    expect(ran.json).toMatchObject({ stdout: 'hi\n', exit_code: 4 });
    const started = Date.now();
    const slow = await h.call('ssh_execute', { session_id: s, command: 'sleep 60', timeout: 1 });
    expect(slow.json.timed_out).toBe(true);
    expect(Date.now() - started).toBeLessThan(20_000);

    const opened = await h.call('ssh_shell_open', { session_id: s, term: 'xterm', width: 120, height: 40 });
    expect(opened.isError, opened.text).toBe(false);
    const again = await h.call('ssh_shell_open', { session_id: s });
    expect(again.json).toMatchObject({ shell_id: opened.json.shell_id, reused: true });

    await h.call('ssh_shell_send', { session_id: s, data: 'cd /tmp', press_enter: true });
    await h.call('ssh_shell_send', { session_id: s, data: 'echo "cwd=$(pwd)"' });
    // A plain-text pattern: as a regular expression "cwd=/tmp\n$ " could never match ($ ends the text).
    const w = await h.call('ssh_shell_wait', { session_id: s, pattern: 'cwd=/tmp\n$ ', timeout: 10, poll_interval: 0.2, lines: 100 });
    expect(w.json).toMatchObject({ matched: true, shell_id: opened.json.shell_id });

    // Typed without Enter, then Enter alone: the line runs once it is complete.
    await h.call('ssh_shell_send', { session_id: s, data: 'echo "$((6*7))-typed"', press_enter: false });
    const typed = await h.call('ssh_shell_send', { session_id: s, data: '', wait: 3, read_lines: 2 });
    expect(typed.json.output).toContain('42-typed');
    expect(typed.json.output.trimEnd().split('\n').length).toBeLessThanOrEqual(2);
    expect(typed.json.omitted_lines).toBeGreaterThan(0);

    // Fifty lines in one write, a second after the send: ssh_shell_read with lines returns only the tail.
    await h.call('ssh_shell_send', { session_id: s, data: "sleep 1; printf 'r%s\\n' $(seq 1 50)" });
    await h.call('ssh_shell_wait', { session_id: s, pattern: 'seq 1 50)', timeout: 10 });
    const tail = await eventually(async () => {
      const r = (await h.call('ssh_shell_read', { session_id: s, lines: 3 })).json;
      return String(r.output).includes('r50') ? r : undefined;
    }, 'the printed lines');
    expect(tail.output).toContain('r50');
    expect(tail.output).not.toContain('r45');
    expect(tail.omitted_lines).toBeGreaterThan(40);

    // Without a pattern, poll_interval sets how long quiet means.
    await h.call('ssh_shell_send', { session_id: s, data: 'echo quiet-now' });
    const quiet = await h.call('ssh_shell_wait', { session_id: s, poll_interval: 0.3, timeout: 10 });
    expect(quiet.json.reason).toBe('idle');

    // Ctrl+C by letter stops a running sleep; any letter a-z is a control key.
    await h.call('ssh_shell_send', { session_id: s, data: 'sleep 300; echo slept-through' });
    const ctrlC = await h.call('ssh_shell_send_control', { session_id: s, key: 'c' });
    expect(ctrlC.json.sent).toBe('Ctrl-C');
    await h.call('ssh_shell_send', { session_id: s, data: 'echo after-ctrl-c' });
    const after = await h.call('ssh_shell_wait', { session_id: s, pattern: 'after-ctrl-c\n', timeout: 10 });
    expect(after.json.matched).toBe(true);
    expect(after.json.output).not.toContain('slept-through');
    expect((await h.call('ssh_shell_send_control', { session_id: s, key: 'L' })).json.sent).toBe('Ctrl-L');
    const notAKey = await h.call('ssh_shell_send_control', { session_id: s, key: 'ctrl-c' });
    expect(notAKey.isError).toBe(true);
    expect(notAKey.text).toMatch(/one letter a-z/);

    // Burrow's own names still work alongside, and new_shell opens a second shell.
    const second = await h.call('ssh_shell_open', { session_id: s, new_shell: true });
    expect(second.json.shell_id).not.toBe(opened.json.shell_id);
    expect((await h.call('ssh_shell_send', { shell_id: second.json.shell_id, data: 'echo in-second', enter: true })).isError).toBe(false);
    expect((await h.call('ssh_shell_wait', { shell_id: second.json.shell_id, pattern: 'in-second\\n', timeout_s: 10 })).json.matched).toBe(true);
  });

  it('refuses a password from the model (sudo_password, ssh_connect password): nothing runs and it is in no result, log or audit', async () => {
    const h = await lab.harness();
    const s = await connectAsMcpRemoteSsh(h);
    const marker = `/tmp/compat-sudo-${randomBytes(4).toString('hex')}`;
    const r = await h.call('ssh_sudo_execute', { session_id: s, command: `touch ${marker}`, sudo_password: TOOLS_PASSWORD, timeout: 20 });
    expect(r.isError).toBe(true);
    expect(r.text).toMatch(/^sudo_password is refused: Burrow never takes a password from the model \(one the model holds has already leaked: change it\); Burrow asks a person for the sudo password itself/);
    expect(r.text).not.toContain(TOOLS_PASSWORD);
    expect(h.sudoAsked).toEqual([]);
    expect(existsSync(marker)).toBe(false);

    const login = await h.call('ssh_connect', { host: 'lab', username: 'burrowtools', password: TOOLS_PASSWORD });
    expect(login.isError).toBe(true);
    expect(login.text).toMatch(/^password is refused: Burrow never takes a password from the model/);

    const audit = readFileSync(h.auditFile, 'utf8');
    expect(audit).toContain('[withheld]');
    expect(audit + h.logLines.join('\n')).not.toContain(TOOLS_PASSWORD);

    // mcp-remote-ssh's "no password" (empty) is fine: the password is then asked of a person, as always.
    h.state.sudoPassword = async () => TOOLS_PASSWORD;
    const asked = await h.call('ssh_sudo_execute', { session_id: s, command: 'id -un', sudo_password: '', timeout: 20 });
    expect(asked.json).toMatchObject({ stdout: 'root\n', exit_code: 0 });
    expect(h.sudoAsked).toHaveLength(1);
  });

  it('SFTP and forward tools take remote_path, max_bytes 0 and session_id as mcp-remote-ssh names them', async () => {
    const h = await lab.harness();
    const s = await connectAsMcpRemoteSsh(h);
    const name = `compat-${randomBytes(3).toString('hex')}.txt`;
    const file = `${home}/${name}`;
    remoteFiles.push(file);
    expect((await h.call('ssh_write_remote_file', { session_id: s, remote_path: file, content: 'one\n' })).json).toMatchObject({ path: file, bytes_written: 4 });
    await h.call('ssh_write_remote_file', { session_id: s, remote_path: file, content: 'two\n', append: true });
    expect((await h.call('ssh_read_remote_file', { session_id: s, remote_path: file, max_bytes: 0 })).json).toMatchObject({ content: 'one\ntwo\n', truncated: false });
    expect((await h.call('ssh_read_remote_file', { session_id: s, remote_path: file, max_bytes: 3 })).json).toMatchObject({ content: 'one', truncated: true });
    // No path: the login folder, as mcp-remote-ssh's default ".".
    const listed = await h.call('ssh_list_remote_dir', { session_id: s });
    expect(listed.json.entries.map((e: { name: string }) => e.name)).toContain(name);
    expect((await h.call('ssh_list_remote_dir', { session_id: s, remote_path: home })).json.entries.map((e: { name: string }) => e.name)).toContain(name);

    const fw = await h.call('ssh_forward_port', { session_id: s, remote_port: lab.sshd.port, local_port: 0, remote_host: 'localhost' });
    expect(fw.isError, fw.text).toBe(false);
    expect(await banner(fw.json.local_port as number)).toMatch(/^SSH-2\.0-/);
    expect((await h.call('ssh_list_forwards', { session_id: s })).json.forwards.map((f: { forward_id: string }) => f.forward_id)).toEqual([fw.json.forward_id]);
    const wrongSession = await h.call('ssh_close_forward', { session_id: 'no-such-session', forward_id: fw.json.forward_id });
    expect(wrongSession.text).toMatch(/is not in session no-such-session/);
    expect((await h.call('ssh_close_forward', { session_id: s, forward_id: fw.json.forward_id })).json.closed).toBe(fw.json.forward_id);
  });

  it('unknown arguments, disagreeing aliases and a shell tool with neither id are one-line errors', async () => {
    const h = await lab.harness();
    const s = await connectAsMcpRemoteSsh(h);
    // What a host reads: both names, and no room for others.
    const send = (await h.client.listTools()).tools.find((t) => t.name === 'ssh_shell_send');
    expect(Object.keys(send?.inputSchema.properties ?? {})).toEqual(expect.arrayContaining(['shell_id', 'session_id', 'enter', 'press_enter', 'wait', 'read_lines']));
    expect(send?.inputSchema.additionalProperties).toBe(false);
    const junk = await h.call('ssh_execute', { session_id: s, command: 'true', bogus: 1 });
    expect(junk.isError).toBe(true);
    expect(junk.text).toMatch(/Invalid arguments for tool ssh_execute: .*bogus/);
    const both = await h.call('ssh_execute', { session_id: s, command: 'true', timeout_s: 5, timeout: 6 });
    expect(both.text).toMatch(/^timeout_s and timeout are the same argument and disagree: give one/);
    const paths = await h.call('ssh_read_remote_file', { session_id: s, path: '/a', remote_path: '/b' });
    expect(paths.text).toMatch(/^path and remote_path are the same argument/);
    const neither = await h.call('ssh_shell_read', {});
    expect(neither.text).toMatch(/^give shell_id \(from ssh_shell_open\), or session_id/);
    const noShell = await h.call('ssh_shell_send', { session_id: s, data: 'ls' });
    expect(noShell.text).toMatch(new RegExp(`^session ${s} has no shell \\(open one with ssh_shell_open\\)`));
  });
});
