import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { canRunShellSshd } from '../support/shell-sshd.js';
import { toolsOnShellSshd } from '../support/shell-sshd-tools.js';

/**
 * The text of every other built-in tool, as mcp-remote-ssh words it (its sentences, or compact JSON where it
 * returns a dict or a list); Burrow's fields stay in structuredContent (the harness's json).
 */
const lab = toolsOnShellSshd();
const local = mkdtempSync(join(tmpdir(), 'burrow-tools-text-'));
const remote = `/tmp/burrow-tools-text-${randomBytes(4).toString('hex')}`;

afterAll(() => {
  rmSync(local, { recursive: true, force: true });
});

describe.skipIf(!canRunShellSshd)('built-in tool texts in mcp-remote-ssh’s words (real sshd, SDK client)', () => {
  it('sessions, SFTP confirmations and forwards', async () => {
    const h = await lab.harness();
    const connected = await h.call('ssh_connect', { host: 'lab' });
    const s = connected.json.session_id as string;
    const summary = { session_id: s, host: 'lab', connected: true, shell_open: false, uptime_seconds: 0, active_forwards: 0 };
    expect(JSON.parse(connected.text)).toEqual(summary);
    expect(connected.text).toBe(JSON.stringify(JSON.parse(connected.text)));
    expect(JSON.parse((await h.call('ssh_list_sessions')).text)).toMatchObject([{ session_id: s, host: 'lab', connected: true }]);

    await h.call('ssh_execute', { session_id: s, command: `mkdir -p ${remote}` });
    const written = await h.call('ssh_write_remote_file', { session_id: s, remote_path: `${remote}/a.txt`, content: 'héllo\n' });
    expect(written.text).toBe(`Wrote lab:${remote}/a.txt (7 bytes)`);
    const appended = await h.call('ssh_write_remote_file', { session_id: s, remote_path: `${remote}/a.txt`, content: 'more\n', append: true });
    expect(appended.text).toBe(`Appended to lab:${remote}/a.txt (5 bytes)`);
    expect(appended.json).toEqual({ path: `${remote}/a.txt`, bytes_written: 5, size: 12 });

    writeFileSync(join(local, 'up.bin'), Buffer.alloc(1000, 7));
    const up = await h.call('ssh_upload_file', { session_id: s, local_path: join(local, 'up.bin'), remote_path: `${remote}/up.bin` });
    expect(up.text).toBe(`Uploaded ${join(local, 'up.bin')} to lab:${remote}/up.bin (1000 bytes)`);
    expect(up.json.sha256).toMatch(/^[0-9a-f]{64}$/);
    const down = await h.call('ssh_download_file', { session_id: s, remote_path: `${remote}/a.txt`, local_path: join(local, 'a.txt') });
    expect(down.text).toBe(`Downloaded lab:${remote}/a.txt to ${join(local, 'a.txt')} (12 bytes)`);

    const fw = await h.call('ssh_forward_port', { session_id: s, remote_port: lab.sshd.port });
    const port = fw.json.local_port as number;
    expect(fw.text).toBe(JSON.stringify({ forward_id: fw.json.forward_id, local_port: port, remote_host: '127.0.0.1', remote_port: lab.sshd.port }));
    expect(JSON.parse((await h.call('ssh_list_forwards', { session_id: s })).text)).toEqual([JSON.parse(fw.text)]);
    const closedFw = await h.call('ssh_close_forward', { session_id: s, forward_id: fw.json.forward_id });
    expect(closedFw.text).toBe(`Closed forward ${fw.json.forward_id} (127.0.0.1:${port} -> 127.0.0.1:${lab.sshd.port})`);
    await h.call('ssh_execute', { session_id: s, command: `rm -rf ${remote}` });
    expect((await h.call('ssh_close_session', { session_id: s })).text).toBe(`Session ${s} to lab closed.`);
  });

  it('shells: opening, the output itself for send, read and wait, a Ctrl key, and the timeout sentence', async () => {
    const h = await lab.harness();
    const s = (await h.call('ssh_connect', { host: 'lab' })).json.session_id as string;
    const opened = await h.call('ssh_shell_open', { session_id: s });
    expect(opened.text).toBe('Shell opened on lab.\n\n');
    expect(opened.json.shell_id).toMatch(/^sh-/);
    // A second open returns the same shell, in the same words.
    expect((await h.call('ssh_shell_open', { session_id: s })).text).toBe('Shell opened on lab.\n\n');
    const second = await h.call('ssh_shell_open', { session_id: s, new_shell: true });
    expect(second.text).toBe(`Shell opened on lab.\n\nshell_id: ${second.json.shell_id}`);

    await h.call('ssh_shell_wait', { session_id: s, idle_ms: 300 });
    const sent = await h.call('ssh_shell_send', { session_id: s, data: 'echo mark-$((40+2))', wait: 1 });
    expect(sent.text).toBe(sent.json.output);
    expect(sent.text).toContain('mark-42');
    expect((await h.call('ssh_shell_send', { session_id: s, data: 'echo quiet-$((1+1))' })).text).toBe('');
    const waited = await h.call('ssh_shell_wait', { session_id: s, pattern: 'quiet-2', timeout: 10 });
    expect(waited.text).toBe(waited.json.output);
    expect(waited.text).toContain('quiet-2');

    await h.call('ssh_shell_send', { session_id: s, data: 'sleep 30' });
    const control = await h.call('ssh_shell_send_control', { session_id: s, key: 'c' });
    expect(control.text).toBe('Sent Ctrl+C\n\n');
    await h.call('ssh_shell_wait', { session_id: s, idle_ms: 300 });
    const read = await h.call('ssh_shell_read', { session_id: s });
    expect(read.text).toBe(read.json.output);

    const late = await h.call('ssh_shell_wait', { session_id: s, pattern: 'never-printed', timeout: 1 });
    const [head, ...rest] = late.text.split('\n\n');
    expect(head).toMatch(/^Timeout after [1-9]\d*s waiting for pattern "never-printed"\. Latest output:$/);
    expect(rest.join('\n\n')).toBe(late.json.output);
    expect(late.json).toMatchObject({ reason: 'timeout', matched: false });
  });
});
