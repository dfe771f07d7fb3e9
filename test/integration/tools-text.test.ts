import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SSH_TOOL_NAMES } from '../../shared/tools.js';
import { BURROW_BIN, burrowEnv } from '../support/burrow-process.js';
import { startDaemon, type DaemonHandle } from '../support/daemon.js';
import { canRunShellSshd, startShellSshd, type ShellSshd } from '../support/shell-sshd.js';
import { addSshdRemote } from '../support/sshd-remote.js';
import { toolResultJson, toolResultText } from '../support/tool-result-text.js';

/**
 * What a model reads of the built-in tools' results through `burrow connect --tools`: the text has
 * mcp-remote-ssh's shape (compact JSON for its dict and list results, the file itself for a read), and Burrow's
 * own fields come as structuredContent, declared by each tool's outputSchema.
 */
let sshd: ShellSshd;
let env: Record<string, string>;
let daemon: DaemonHandle;
let client: Client;

beforeAll(async () => {
  if (!canRunShellSshd) return;
  sshd = await startShellSshd();
  env = burrowEnv();
  await addSshdRemote(env, 'box', sshd, ['--tools', '--tool-policy', 'ssh_execute=allow']);
  daemon = await startDaemon(env);
  const transport = new StdioClientTransport({ command: process.execPath, args: [BURROW_BIN, 'connect', '--tools'], env, stderr: 'pipe' });
  client = new Client({ name: 'claude-ai', version: '1.0.0' }, { capabilities: {} });
  await client.connect(transport);
});

afterAll(async () => {
  await client?.close();
  await daemon?.stop();
  sshd?.stop();
});

const call = async (name: string, args: Record<string, unknown>) => {
  const r = await client.callTool({ name, arguments: args }, undefined, { timeout: 60_000 });
  expect(r.isError, toolResultText(r)).toBeFalsy();
  return { text: toolResultText(r), json: toolResultJson(r) };
};

describe.skipIf(!canRunShellSshd)('built-in tool results read as mcp-remote-ssh’s', () => {
  it('declares an output schema for every tool', async () => {
    const tools = (await client.listTools()).tools;
    expect(tools.map((t) => t.name).sort()).toEqual([...SSH_TOOL_NAMES].sort());
    for (const t of tools) expect(t.outputSchema, t.name).toMatchObject({ type: 'object' });
    const exec = tools.find((t) => t.name === 'ssh_execute');
    expect(Object.keys(exec?.outputSchema?.properties ?? {})).toEqual(expect.arrayContaining(['stdout', 'stderr', 'exit_code', 'signal', 'duration_ms', 'truncated']));
  });

  it('ssh_execute answers {"stdout","stderr","exit_code"} as text, Burrow’s fields as structured content, a loaded secret redacted in both', async () => {
    const session = (await call('ssh_connect', { host: 'box' })).json.session_id as string;
    const ran = await call('ssh_execute', { session_id: session, command: 'echo "hello \\"there\\""; echo oops >&2; exit 3' });
    expect(ran.text).toBe('{"stdout":"hello \\"there\\"\\n","stderr":"oops\\n","exit_code":3}');
    expect(ran.json).toMatchObject({ stdout: 'hello "there"\n', stderr: 'oops\n', exit_code: 3, signal: null, truncated: false });
    expect(typeof ran.json.duration_ms).toBe('number');

    const envFile = join(mkdtempSync(join(tmpdir(), 'burrow-text-env-')), '.env');
    writeFileSync(envFile, 'DEPLOY_TOKEN=tok-8c1e55d2f0\n');
    const loaded = await call('ssh_load_env_file', { session_id: session, file_path: envFile });
    expect(loaded.text).toBe(`Loaded 1 variables from local:${envFile}: DEPLOY_TOKEN`);
    const secret = await call('ssh_execute', { session_id: session, command: 'echo "$DEPLOY_TOKEN"' });
    expect(secret.text).toBe('{"stdout":"[secret DEPLOY_TOKEN]\\n","stderr":"","exit_code":0}');
    expect(secret.json.stdout).toBe('[secret DEPLOY_TOKEN]\n');
    const cleared = await call('ssh_clear_secrets', { session_id: session });
    expect(cleared.text).toBe('Cleared 1 secrets from redaction registry.');
  });

  it('a file read is the file’s text itself, and a directory listing is [{"name","size","modified","is_dir"}] with folders first', async () => {
    const session = (await call('ssh_connect', { host: 'box' })).json.session_id as string;
    const dir = (await call('ssh_execute', { session_id: session, command: 'mktemp -d /tmp/burrow-text-XXXXXX' })).json.stdout.trim() as string;
    await call('ssh_execute', {
      session_id: session,
      command: `cd ${dir} && printf 'first line\\nsecond "line"\\n' > notes.txt && printf abc > a.txt && mkdir zeta && touch -d @1700000000 a.txt`,
    });

    const read = await call('ssh_read_remote_file', { session_id: session, remote_path: `${dir}/notes.txt` });
    expect(read.text).toBe('first line\nsecond "line"\n');
    expect(read.json).toMatchObject({ path: `${dir}/notes.txt`, size: 25, truncated: false, content: 'first line\nsecond "line"\n' });

    const listed = await call('ssh_list_remote_dir', { session_id: session, remote_path: dir });
    const rows = JSON.parse(listed.text) as { name: string; size: number; modified: number; is_dir: boolean }[];
    // Compact, as FastMCP sends a list: the same bytes JSON.stringify gives.
    expect(listed.text).toBe(JSON.stringify(rows));
    expect(rows.map((r) => [r.name, r.is_dir])).toEqual([
      ['zeta', true],
      ['a.txt', false],
      ['notes.txt', false],
    ]);
    expect(Object.keys(rows[0] ?? {})).toEqual(['name', 'size', 'modified', 'is_dir']);
    expect(rows[1]).toMatchObject({ size: 3, modified: 1700000000 });
    // Burrow's listing keeps its own fields, sorted by name.
    expect((listed.json.entries as { name: string; type: string; mtime: string }[]).map((e) => [e.name, e.type])).toEqual([
      ['a.txt', 'file'],
      ['notes.txt', 'file'],
      ['zeta', 'dir'],
    ]);
    expect(listed.json.entries[0].mtime).toBe('2023-11-14T22:13:20.000Z');
    await call('ssh_execute', { session_id: session, command: `rm -rf ${dir}` });
    expect((await call('ssh_close_session', { session_id: session })).text).toBe(`Session ${session} to box closed.`);
  });
});
