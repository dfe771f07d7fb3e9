import { spawn } from 'node:child_process';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { BURROW_BIN, INITIALIZE } from './burrow-process.js';
import { recordPid } from './run-state.js';
import { waitFor } from './wait-for.js';

export { waitFor };

export interface RawHelper {
  stdout: () => string;
  stderr: () => string;
  /** Resolves with the exit code; the helper's stdin stays open as an MCP host keeps it. */
  exited: Promise<number | null>;
  waitForStderr: (pattern: RegExp, timeoutMs?: number) => Promise<void>;
  kill: () => void;
}

/**
 * `burrow connect ARGS` as an MCP host starts it: sends `initialize` and keeps stdin open,
 * so the session ends only when Burrow ends it (an error, a refusal). Runs in its own session
 * (no controlling terminal), as under Claude Desktop.
 */
export function startRawHelper(args: string[], env: Record<string, string>): RawHelper {
  const child = spawn(process.execPath, [BURROW_BIN, 'connect', ...args], { env, stdio: ['pipe', 'pipe', 'pipe'], detached: true });
  recordPid(child.pid!, 'burrow-connect');
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  child.stdin.write(`${INITIALIZE}\n`);
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return {
    stdout: () => stdout,
    stderr: () => stderr,
    exited,
    waitForStderr: (pattern, timeoutMs = 20_000) => waitFor(() => pattern.test(stderr), timeoutMs, () => `stderr never matched ${pattern}: ${stderr}`),
    kill: () => {
      if (child.exitCode === null) child.kill('SIGKILL');
    },
  };
}

export interface WaitingClient {
  /** Resolves once `initialize` has been answered (after any approval). */
  connected: Promise<void>;
  client: Client;
  stderr: () => string;
  waitForStderr: (pattern: RegExp, timeoutMs?: number) => Promise<void>;
  close: () => Promise<void>;
}

/** The SDK's Client on `burrow connect ARGS`, without waiting for it: the session may be waiting for a person. */
export function startClient(args: string[], env: Record<string, string>): WaitingClient {
  const transport = new StdioClientTransport({ command: process.execPath, args: [BURROW_BIN, 'connect', ...args], env, stderr: 'pipe' });
  let stderr = '';
  transport.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
  const client = new Client({ name: 'burrow-trust-test', version: '1.0.0' }, { capabilities: {} });
  const connected = client.connect(transport);
  connected.catch(() => {});
  return {
    connected,
    client,
    stderr: () => stderr,
    waitForStderr: (pattern, timeoutMs = 20_000) => waitFor(() => pattern.test(stderr), timeoutMs, () => `stderr never matched ${pattern}: ${stderr}`),
    close: () => client.close(),
  };
}
