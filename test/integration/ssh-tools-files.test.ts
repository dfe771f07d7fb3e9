import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, chownSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { acceptsConnections } from '../support/port-probe.js';
import { canRunShellSshd } from '../support/shell-sshd.js';
import { toolsOnShellSshd } from '../support/shell-sshd-tools.js';
import { eventually } from '../support/tool-harness.js';

let http: Server | undefined;
const local = mkdtempSync(join(tmpdir(), 'burrow-tools-files-'));
const home = '/home/burrowtools';
const remoteFiles: string[] = [];

afterAll(() => {
  rmSync(local, { recursive: true, force: true });
  for (const f of remoteFiles) rmSync(f, { force: true });
});
afterEach(async () => {
  await new Promise<void>((r) => (http ? http.close(() => r()) : r()));
  http = undefined;
});
const lab = toolsOnShellSshd();

const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');
const refused = async (port: number) => !(await acceptsConnections(port));

describe.skipIf(!canRunShellSshd)('built-in SSH tools: SFTP and forwards (real sshd, SDK client)', () => {
  it('uploads and downloads a 50 MB file over SFTP with equal sha256 on both sides', async () => {
    const h = await lab.harness();
    const s = await h.connect();
    const src = join(local, 'big.bin');
    writeFileSync(src, randomBytes(50 * 1024 * 1024));
    const remote = `${home}/big-${randomBytes(3).toString('hex')}.bin`;
    remoteFiles.push(remote);
    const up = await h.call('ssh_upload_file', { session_id: s, local_path: src, remote_path: remote });
    expect(up.isError, up.text).toBe(false);
    expect(up.json).toMatchObject({ bytes: 50 * 1024 * 1024, sha256: sha256(src) });
    // The remote's own sha256sum agrees, and no temporary file is left beside it.
    const remoteSum = await h.call('ssh_execute', { session_id: s, command: `sha256sum ${remote} | cut -d" " -f1; ls -a ${home} | grep -c burrow- || true` });
    expect(remoteSum.json.stdout).toBe(`${sha256(src)}\n0\n`);

    const back = join(local, 'back.bin');
    const down = await h.call('ssh_download_file', { session_id: s, remote_path: remote, local_path: back });
    expect(down.json).toMatchObject({ bytes: 50 * 1024 * 1024, sha256: sha256(src) });
    expect(sha256(back)).toBe(sha256(src));

    const list = await h.call('ssh_list_remote_dir', { session_id: s, path: home });
    const entry = (list.json.entries as { name: string }[]).find((e) => remote.endsWith(e.name));
    expect(entry).toMatchObject({ type: 'file', size: 50 * 1024 * 1024, mode: '0644' });
  }, 180_000);

  it('writes, appends and reads text atomically, keeping the mode; errors are one line', async () => {
    const h = await lab.harness();
    const s = await h.connect();
    const path = `${home}/notes-${randomBytes(3).toString('hex')}.txt`;
    remoteFiles.push(path);
    writeFileSync(path, 'old\n');
    chownSync(path, statSync(home).uid, statSync(home).gid);
    chmodSync(path, 0o600);
    const w = await h.call('ssh_write_remote_file', { session_id: s, path, content: 'first\n' });
    expect(w.isError, w.text).toBe(false);
    await h.call('ssh_write_remote_file', { session_id: s, path, content: 'second\n', append: true });
    expect(readFileSync(path, 'utf8')).toBe('first\nsecond\n');
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const r = await h.call('ssh_read_remote_file', { session_id: s, path });
    expect(r.json).toMatchObject({ content: 'first\nsecond\n', size: 13, truncated: false });
    const capped = await h.call('ssh_read_remote_file', { session_id: s, path, max_bytes: 5 });
    expect(capped.json).toMatchObject({ content: 'first', truncated: true });
    const missing = await h.call('ssh_read_remote_file', { session_id: s, path: `${home}/no-such-file` });
    expect(missing).toMatchObject({ isError: true, text: `no such file: ${home}/no-such-file` });
    const denied = await h.call('ssh_write_remote_file', { session_id: s, path: '/root/x', content: 'x' });
    expect(denied.isError).toBe(true);
    expect(denied.text).toMatch(/permission denied|\/root/);
  });

  it('forwards a 127.0.0.1 port to an HTTP server on the remote side’s loopback; list and close', async () => {
    const h = await lab.harness();
    const s = await h.connect();
    http = createServer((req, res) => res.end(`hello from the remote side ${req.url}`));
    await new Promise<void>((r) => http!.listen(0, '127.0.0.1', () => r()));
    const remotePort = (http.address() as { port: number }).port;
    const fw = await h.call('ssh_forward_port', { session_id: s, remote_port: remotePort });
    expect(fw.json).toMatchObject({ local_host: '127.0.0.1', remote_host: '127.0.0.1', remote_port: remotePort });
    const localPort = fw.json.local_port as number;
    const body = await (await fetch(`http://127.0.0.1:${localPort}/ping`)).text();
    expect(body).toBe('hello from the remote side /ping');
    const listed = await h.call('ssh_list_forwards', {});
    expect(listed.json.forwards).toEqual([expect.objectContaining({ forward_id: fw.json.forward_id, local_port: localPort, connections: 1 })]);
    await h.call('ssh_close_forward', { forward_id: fw.json.forward_id });
    expect(await refused(localPort)).toBe(true);
    expect((await h.call('ssh_list_forwards', {})).json.forwards).toEqual([]);
  });

  it('when the host session ends, its shells, forwards and connection leases end too', async () => {
    const h = await lab.harness();
    const s = await h.connect();
    http = createServer((_req, res) => res.end('x'));
    await new Promise<void>((r) => http!.listen(0, '127.0.0.1', () => r()));
    const fw = await h.call('ssh_forward_port', { session_id: s, remote_port: (http.address() as { port: number }).port });
    const sh = (await h.call('ssh_shell_open', { session_id: s })).json.shell_id as string;
    const tag = `${Math.floor(Math.random() * 1e6) + 1000}`;
    await h.call('ssh_shell_send', { shell_id: sh, data: `sleep ${tag}` });
    await eventually(async () => (await h.call('ssh_execute', { session_id: s, command: `pgrep -x sleep -a | grep -c " ${tag}$" || true` })).json.stdout === '1\n', 'the shell’s sleep to start');
    await h.close();
    await eventually(() => h.releases() === 1, 'the lease to be released');
    expect(await refused(fw.json.local_port as number)).toBe(true);
    // The shell's process ended with its channel (sshd hangs up the pty).
    const probe = await lab.harness();
    const p = await probe.connect();
    await eventually(async () => (await probe.call('ssh_execute', { session_id: p, command: `pgrep -x sleep -a | grep -c " ${tag}$" || true` })).json.stdout === '0\n', 'the shell’s sleep to end');
    await probe.close();
    expect(existsSync(local)).toBe(true);
  });
});
