import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { REPO } from './sshd.js';
import { recordPid, tempDir } from './run-state.js';

export const BURROW_BIN = join(REPO, 'bin', 'burrow.js');

/** A fresh Burrow home (settings, approvals, socket) so tests never touch the user's or each other's. */
export function burrowEnv(extra: Record<string, string> = {}): Record<string, string> {
  const home = tempDir('burrow-home');
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && k !== 'SSH_AUTH_SOCK') env[k] = v;
  return { ...env, BURROW_HOME: home, HOME: home, ...extra };
}

export interface ConnectedClient {
  client: Client;
  transport: StdioClientTransport;
  stderr: () => string;
  close: () => Promise<void>;
}

/** Starts `burrow connect ARGS` as an MCP host would and connects the SDK's Client to it. */
export async function connectClient(args: string[], env: Record<string, string>, capabilities: Record<string, unknown> = {}): Promise<ConnectedClient> {
  const transport = new StdioClientTransport({ command: process.execPath, args: [BURROW_BIN, 'connect', ...args], env, stderr: 'pipe' });
  let stderr = '';
  transport.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const client = new Client({ name: 'burrow-test', version: '1.0.0' }, { capabilities });
  await client.connect(transport);
  if (transport.pid) recordPid(transport.pid, 'burrow-connect');
  return { client, transport, stderr: () => stderr, close: () => client.close() };
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  env: Record<string, string>;
  /** Written to stdin; stdin is then closed unless `holdStdin`. */
  input?: string;
  /** Keep stdin open as an MCP host keeps it, so only the other side can end the session. */
  holdStdin?: boolean;
  timeoutMs?: number;
  /** Another user and folder to run as (uid, gid, cwd). */
  spawn?: Pick<SpawnOptions, 'uid' | 'gid' | 'cwd'>;
}

/** Runs a command to completion and collects what it printed; SIGKILL and a rejection after the time limit. */
export function runProcess(command: string, args: string[], options: RunOptions): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: options.env, stdio: ['pipe', 'pipe', 'pipe'], ...options.spawn });
    if (child.pid) recordPid(child.pid, command === process.execPath && args[0] === BURROW_BIN ? `burrow-${args[1] ?? ''}` : command);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${command === process.execPath ? 'burrow' : command} ${args.slice(command === process.execPath ? 1 : 0).join(' ')} timed out; stderr: ${stderr}`));
    }, options.timeoutMs ?? 30_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.on('error', () => {});
    if (options.holdStdin) child.stdin.write(options.input ?? '');
    else child.stdin.end(options.input ?? '');
  });
}

/** A `burrow ARGS` left running: its output so far, while it runs (a line must come before anyone answers it). */
export interface LiveBurrow {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  /** Its exit code once it ended. */
  done: Promise<number | null>;
}

export function startBurrow(args: string[], env: Record<string, string>): LiveBurrow {
  const child = spawn(process.execPath, [BURROW_BIN, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  if (child.pid) recordPid(child.pid, `burrow-${args[0]}`);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  const done = new Promise<number | null>((resolve) => child.on('close', resolve));
  return { child, stdout: () => stdout, stderr: () => stderr, done };
}

/** Runs `burrow ARGS` to completion, feeding `input` on stdin (kept open with `holdStdin`). */
export function runBurrow(args: string[], env: Record<string, string>, input = '', timeoutMs = 30_000, holdStdin = false): Promise<RunResult> {
  return runProcess(process.execPath, [BURROW_BIN, ...args], { env, input, timeoutMs, holdStdin });
}

export const INITIALIZE = JSON.stringify({
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw-test', version: '1' } },
});
