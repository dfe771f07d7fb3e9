import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { canRunShellSshd } from '../support/shell-sshd.js';
import { toolsOnShellSshd } from '../support/shell-sshd-tools.js';

/** Probe 2026-12-02: results that could break the declared outputSchema or the mcp-remote-ssh text shape. */
const made: string[] = [];
afterAll(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});
const lab = toolsOnShellSshd();

/** A folder the remote user can read, on the given file system. */
function readableDir(parent: string): string {
  const dir = mkdtempSync(join(parent, 'burrow-probe4-'));
  made.push(dir);
  chmodSync(dir, 0o755);
  return dir;
}

describe.skipIf(!canRunShellSshd)('probe4: built-in tool results always match their schema (real sshd, SDK client)', () => {
  it('a sparse file larger than 2^53 bytes is listed, stat-ed and read, not refused by the outputSchema', async () => {
    // tmpfs takes a sparse file of any size (ext4 stops at 16 TiB): its SFTP size is past Number.MAX_SAFE_INTEGER.
    const dir = readableDir('/dev/shm');
    const huge = join(dir, 'huge.img');
    writeFileSync(huge, 'hello\n');
    execFileSync('truncate', ['-s', '9007199254740993', huge]);
    chmodSync(huge, 0o644);
    const h = await lab.harness();
    const s = await h.connect();
    const list = await h.call('ssh_list_remote_dir', { session_id: s, path: dir });
    expect(list.isError, list.text).toBe(false);
    const entry = (list.json.entries as { name: string; size: number }[]).find((e) => e.name === 'huge.img');
    expect(entry?.size).toBeGreaterThan(Number.MAX_SAFE_INTEGER - 1);
    expect(JSON.parse(list.text)[0]).toMatchObject({ name: 'huge.img', is_dir: false });
    const read = await h.call('ssh_read_remote_file', { session_id: s, path: huge, max_bytes: 6 });
    expect(read.isError, read.text).toBe(false);
    expect(read.json).toMatchObject({ truncated: true, content: 'hello\n' });
    expect(read.json.size).toBeGreaterThan(Number.MAX_SAFE_INTEGER - 1);
  });

  it('binary stdout, NUL bytes, 1 MB+ output, odd names and 10k entries all answer as text and structured results', async () => {
    const dir = readableDir('/home/burrowtools');
    writeFileSync(join(dir, 'nul.bin'), Buffer.from([0x61, 0x00, 0xff, 0xfe, 0x00, 0x62, 0xc3]));
    for (const name of ['line\nbreak', 'quote"s', "apos'", 'back\\slash', 'tab\there', '\u001b[31mred']) writeFileSync(join(dir, name), 'x');
    const many = join(dir, 'many');
    mkdirSync(many, { mode: 0o755 });
    for (let i = 0; i < 10_000; i++) writeFileSync(join(many, `f${i}`), '');
    execFileSync('chmod', ['-R', 'a+rX', dir]);
    const h = await lab.harness();
    const s = await h.connect();

    const binary = await h.call('ssh_execute', { session_id: s, command: `head -c 4096 /dev/urandom; cat ${dir}/nul.bin >&2` });
    expect(binary.isError, binary.text).toBe(false);
    expect(JSON.parse(binary.text)).toMatchObject({ exit_code: 0 });
    expect(binary.json.stderr.startsWith('a\0')).toBe(true);

    const big = await h.call('ssh_execute', { session_id: s, command: 'head -c 3000000 /dev/zero | tr "\\0" x; echo; yes e | head -c 1500000 >&2' });
    expect(big.isError, big.text).toBe(false);
    expect(JSON.parse(big.text).exit_code).toBe(0);

    // A file with NUL bytes is not text: one line says what to use instead (by design, not a schema error).
    const nul = await h.call('ssh_read_remote_file', { session_id: s, path: join(dir, 'nul.bin') });
    expect(nul).toMatchObject({ isError: true, text: `${join(dir, 'nul.bin')} is binary: use ssh_download_file` });

    const odd = await h.call('ssh_list_remote_dir', { session_id: s, path: dir });
    expect(odd.isError, odd.text).toBe(false);
    const names = (JSON.parse(odd.text) as { name: string }[]).map((e) => e.name);
    expect(names).toEqual(expect.arrayContaining(['line\nbreak', 'quote"s', "apos'", 'back\\slash', 'tab\there', '\u001b[31mred', 'many']));

    const lots = await h.call('ssh_list_remote_dir', { session_id: s, path: many });
    expect(lots.isError, lots.text).toBe(false);
    expect(lots.json.entries).toHaveLength(10_000);
  });

  it('a secret printed whole on stdout and on stderr is redacted in both, in the text and the structured result', async () => {
    const value = `sec${randomBytes(12).toString('hex')}`;
    const envDir = mkdtempSync(join(tmpdir(), 'burrow-probe4-env-'));
    made.push(envDir);
    writeFileSync(join(envDir, '.env'), `PROBE=${value}\n`);
    const h = await lab.harness();
    const s = await h.connect();
    await h.call('ssh_load_env_file', { session_id: s, file_path: join(envDir, '.env') });
    const r = await h.call('ssh_execute', { session_id: s, command: 'printf %s "$PROBE"; printf %s "$PROBE" >&2; printf "\\377%s" "$PROBE"' });
    expect(r.isError, r.text).toBe(false);
    expect(r.text).not.toContain(value);
    expect(JSON.stringify(r.json)).not.toContain(value);
    expect(r.json.stderr).toBe('[secret PROBE]');
  });

  it('a loaded secret that equals a value Burrow itself fills in (127.0.0.1, a port) leaves the result valid: the SDK does not refuse it and the text stays JSON', async () => {
    const envDir = mkdtempSync(join(tmpdir(), 'burrow-probe4-env-'));
    made.push(envDir);
    // Ordinary .env values: a database on this host, its port.
    writeFileSync(join(envDir, '.env'), 'DB_HOST=127.0.0.1\nDB_PORT=5432\n');
    const h = await lab.harness();
    const s = await h.connect();
    const loaded = await h.call('ssh_load_env_file', { session_id: s, file_path: join(envDir, '.env') });
    expect(loaded.json.loaded.sort()).toEqual(['DB_HOST', 'DB_PORT']);
    const fwd = await h.call('ssh_forward_port', { session_id: s, remote_port: 5432 });
    expect(fwd.isError, fwd.text).toBe(false);
    expect(fwd.json).toMatchObject({ local_host: '127.0.0.1', remote_port: 5432 });
    expect(JSON.parse(fwd.text)).toMatchObject({ remote_port: 5432 });
    const all = await h.call('ssh_list_forwards', { session_id: s });
    expect(all.isError, all.text).toBe(false);
    expect(JSON.parse(all.text)).toHaveLength(1);
    // What the remote itself prints is still redacted, in both parts.
    const echo = await h.call('ssh_execute', { session_id: s, command: 'echo "$DB_HOST:$DB_PORT"' });
    expect(echo.json.stdout).toBe('[secret DB_HOST]:[secret DB_PORT]\n');
    expect(echo.text).not.toContain('127.0.0.1');
  });
});
