import { z } from 'zod';
import type { SshToolName } from '../../../shared/tools.js';

/**
 * The structured result of each built-in tool (`structuredContent`, declared as the tool's `outputSchema`, MCP
 * 2025-06-18). The text `content` is mcp-remote-ssh's shape instead (result-text.ts); clients that read
 * structured results get Burrow's fields, typed. The SDK checks every result against these before sending it.
 */

const execResult = z.object({
  stdout: z.string(),
  stderr: z.string(),
  exit_code: z.number().int().nullable(),
  signal: z.string().nullable(),
  duration_ms: z.number(),
  truncated: z.boolean(),
  stdout_bytes: z.number().int().optional().describe('when truncated: bytes the command wrote to stdout'),
  stderr_bytes: z.number().int().optional(),
  timed_out: z.literal(true).optional(),
  note: z.string().optional(),
});

/**
 * A size the remote reports (SFTP's uint64): a sparse file can be past 2^53 bytes, where zod's int() (safe
 * integers only) would make the SDK refuse the whole result. Exact up to 2^53, approximate past it.
 */
const remoteSize = z.number().nonnegative();

const shellOutput = {
  output: z.string().describe('new output since the last read, terminal escapes removed'),
  omitted_lines: z.number().int().optional().describe('lines before the ones kept by lines/read_lines'),
  dropped_chars: z.number().int().describe('output that fell out of the rolling buffer before it was read'),
  closed: z.boolean(),
};

const forwardInfo = z.object({
  forward_id: z.string(),
  session_id: z.string(),
  local_host: z.literal('127.0.0.1'),
  local_port: z.number().int(),
  remote_host: z.string(),
  remote_port: z.number().int(),
  connections: z.number().int(),
});

export const RESULT_SCHEMAS = {
  ssh_list_remotes: z.object({
    remotes: z.array(z.object({ name: z.string(), description: z.string().optional(), tags: z.array(z.string()).optional() })),
  }),
  ssh_connect: z.object({
    session_id: z.string(),
    remote: z.string(),
    ignored: z.array(z.string()).optional(),
    note: z.string().optional(),
  }),
  ssh_list_sessions: z.object({
    sessions: z.array(
      z.object({
        session_id: z.string(),
        remote: z.string(),
        opened_at: z.string(),
        connected: z.boolean(),
        shells: z.array(z.string()),
        forwards: z.array(z.string()),
        secrets: z.array(z.string()).describe('names only'),
      }),
    ),
  }),
  ssh_close_session: z.object({ closed: z.string() }),
  ssh_execute: execResult,
  ssh_sudo_execute: execResult,
  ssh_shell_open: z.object({
    shell_id: z.string(),
    session_id: z.string(),
    reused: z.literal(true).optional(),
    secrets_exported: z.array(z.string()).optional(),
  }),
  ssh_shell_send: z.object({
    shell_id: z.string(),
    sent_bytes: z.number().int(),
    output: z.string().optional(),
    omitted_lines: z.number().int().optional(),
    dropped_chars: z.number().int().optional(),
    closed: z.boolean().optional(),
  }),
  ssh_shell_read: z.object({ shell_id: z.string(), ...shellOutput }),
  ssh_shell_send_control: z.object({ shell_id: z.string(), sent: z.string() }),
  ssh_shell_wait: z.object({
    shell_id: z.string(),
    ...shellOutput,
    reason: z.enum(['pattern', 'idle', 'timeout', 'closed']),
    matched: z.boolean(),
  }),
  ssh_load_env_file: z.object({
    loaded: z.array(z.string()).describe('names only, never values'),
    exported_to_shells: z.array(z.string()).optional(),
    not_redacted: z.array(z.string()).optional(),
    note: z.string().optional(),
    skipped: z.array(z.string()).optional(),
  }),
  ssh_clear_secrets: z.object({ cleared: z.array(z.string()) }),
  ssh_upload_file: z.object({ remote_path: z.string(), bytes: z.number().int(), sha256: z.string() }),
  ssh_download_file: z.object({ local_path: z.string(), bytes: z.number().int(), sha256: z.string() }),
  ssh_read_remote_file: z.object({ path: z.string(), size: remoteSize, truncated: z.boolean(), content: z.string() }),
  ssh_write_remote_file: z.object({ path: z.string(), bytes_written: z.number().int(), size: remoteSize }),
  ssh_list_remote_dir: z.object({
    path: z.string(),
    entries: z.array(
      z.object({
        name: z.string(),
        type: z.enum(['file', 'dir', 'symlink', 'other']),
        size: remoteSize,
        mode: z.string().describe('permission bits, octal'),
        mtime: z.string().describe('ISO 8601, UTC'),
      }),
    ),
  }),
  ssh_forward_port: forwardInfo,
  ssh_list_forwards: z.object({ forwards: z.array(forwardInfo) }),
  ssh_close_forward: z.object({ closed: z.string() }),
} satisfies Record<SshToolName, z.ZodObject>;

export type ToolResults = { [K in SshToolName]: z.infer<(typeof RESULT_SCHEMAS)[K]> };
