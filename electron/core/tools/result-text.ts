import type { ToolResults } from './result-schemas.js';

/**
 * The text `content` of each tool's result, in mcp-remote-ssh's shape (faizbawa/mcp-remote-ssh 0.1, served by
 * FastMCP 3), so agents and prompts written for it read Burrow's results unchanged. Its tools that return a dict
 * or a list are sent by FastMCP as compact JSON (`pydantic_core.to_json`, the same bytes as `JSON.stringify`);
 * the others return plain sentences or the output itself. Burrow's own fields are in `structuredContent`.
 * Every text here is redacted by the caller like the structured result.
 */

/** What mcp-remote-ssh's session summary says, from what Burrow knows (no user, port or transcript). */
export interface SessionSummary {
  session_id: string;
  host: string;
  connected: boolean;
  shell_open: boolean;
  uptime_seconds: number;
  active_forwards: number;
}

export const sessionText = (s: SessionSummary): string => JSON.stringify(s);
export const sessionsText = (all: SessionSummary[]): string => JSON.stringify(all);

export const closeSessionText = (id: string, remote: string): string => `Session ${id} to ${remote} closed.`;

/**
 * `{"stdout","stderr","exit_code"}` as theirs. No exit status (killed by a signal) reads -1, as paramiko's
 * recv_exit_status gives; what only Burrow knows (signal, timeout, cut output) is added only when it happened.
 */
export function execText(r: ToolResults['ssh_execute']): string {
  return JSON.stringify({
    stdout: r.stdout,
    stderr: r.stderr,
    exit_code: r.exit_code ?? -1,
    ...(r.signal ? { signal: r.signal } : {}),
    ...(r.timed_out ? { timed_out: true, note: r.note } : {}),
    ...(r.truncated ? { truncated: true, stdout_bytes: r.stdout_bytes, stderr_bytes: r.stderr_bytes } : {}),
  });
}

/** Theirs follows with the shell's first output; Burrow keeps that output for ssh_shell_read. */
export const shellOpenText = (remote: string, extraShellId?: string): string =>
  `Shell opened on ${remote}.\n\n${extraShellId ? `shell_id: ${extraShellId}` : ''}`;

export const controlText = (key: string): string => `Sent Ctrl+${key.toUpperCase()}\n\n`;

export function shellWaitText(r: ToolResults['ssh_shell_wait'], pattern: string | undefined, elapsedS: number): string {
  if (r.reason !== 'timeout') return r.output;
  if (pattern) return `Timeout after ${elapsedS}s waiting for pattern "${pattern}". Latest output:\n\n${r.output}`;
  return `Timeout after ${elapsedS}s (output may still be changing). Latest output:\n\n${r.output}`;
}

export function loadEnvText(r: ToolResults['ssh_load_env_file'], filePath: string, minLength: number): string {
  if (r.loaded.length === 0) return `No KEY=VALUE pairs found in ${filePath}`;
  const first = `Loaded ${r.loaded.length} variables from local:${filePath}: ${r.loaded.join(', ')}`;
  // A value Burrow cannot redact is worth a line the model sees.
  return r.not_redacted?.length ? `${first}\nNot redacted (shorter than ${minLength} characters): ${r.not_redacted.join(', ')}` : first;
}

export const clearSecretsText = (count: number): string => `Cleared ${count} secrets from redaction registry.`;

export const uploadText = (localPath: string, remote: string, remotePath: string, bytes: number): string =>
  `Uploaded ${localPath} to ${remote}:${remotePath} (${bytes} bytes)`;

export const downloadText = (remote: string, remotePath: string, localPath: string, bytes: number): string =>
  `Downloaded ${remote}:${remotePath} to ${localPath} (${bytes} bytes)`;

export const writeText = (remote: string, path: string, bytes: number, append: boolean): string =>
  `${append ? 'Appended to' : 'Wrote'} ${remote}:${path} (${bytes} bytes)`;

/** `[{"name","size","modified","is_dir"}]`, folders first, then by name; `modified` in epoch seconds. */
export function dirText(entries: ToolResults['ssh_list_remote_dir']['entries']): string {
  const rows = entries.map((e) => ({ name: e.name, size: e.size, modified: Math.round(Date.parse(e.mtime) / 1000), is_dir: e.type === 'dir' }));
  rows.sort((a, b) => (a.is_dir !== b.is_dir ? (a.is_dir ? -1 : 1) : a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return JSON.stringify(rows);
}

type Forward = ToolResults['ssh_forward_port'];
const forwardSummary = (f: Forward) => ({ forward_id: f.forward_id, local_port: f.local_port, remote_host: f.remote_host, remote_port: f.remote_port });
export const forwardText = (f: Forward): string => JSON.stringify(forwardSummary(f));
export const forwardsText = (all: Forward[]): string => JSON.stringify(all.map(forwardSummary));
export const closeForwardText = (f: Forward): string =>
  `Closed forward ${f.forward_id} (127.0.0.1:${f.local_port} -> ${f.remote_host}:${f.remote_port})`;
