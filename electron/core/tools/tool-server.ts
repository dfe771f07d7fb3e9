import { createHash, randomBytes } from 'node:crypto';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { RE2JS } from 're2js';
import { z } from 'zod';
import type { SshToolName, ToolApprovalOutcome } from '../../../shared/tools.js';
import type { ToolDecider } from '../audit/tool-audit.js';
import { oneLine } from '../errors.js';
import { createLogger, type Logger } from '../logging/logger.js';
import { either, refuseCredential, tailLines, withoutCredentials } from './compat-args.js';
import { channelRefusal, runExec, type ExecResult } from './exec-channel.js';
import { PortForward } from './port-forwards.js';
import { RESULT_SCHEMAS, type ToolResults } from './result-schemas.js';
import * as text from './result-text.js';
import { CONTROL_KEY, PtyShell } from './pty-shell.js';
import { exportScript, readEnvFile, Redactor, shellQuote, ToolSecrets, MIN_REDACTED_LENGTH } from './secrets.js';
import { downloadFile, listRemoteDir, readRemoteText, resolveRemote, uploadFile, writeRemoteAtomic } from './sftp-files.js';
import type { ToolDeps, ToolLimits } from './tool-deps.js';
import { decide, neverOffered, neverWritten } from './tool-policy.js';
import { ToolSession } from './tool-session.js';

export type { ToolDeps, ToolLimits, ToolRemote } from './tool-deps.js';

export const DEFAULT_TOOL_LIMITS: ToolLimits = {
  execOutputBytes: 1024 * 1024,
  // Under the 60 s most MCP hosts wait for a request by default; longer commands pass timeout_s.
  execTimeoutS: 30,
  maxExecTimeoutS: 3600,
  shellBufferChars: 500 * 1024,
  readFileBytes: 1024 * 1024,
  killGraceMs: 2000,
};

/** The most ssh_read_remote_file returns in one call (max_bytes 0 asks for this). */
const MAX_READ_BYTES = 16 * 1024 * 1024;

const INSTRUCTIONS = `Burrow's SSH tools act on the saved remotes this entry may use (ssh_list_remotes), never on other hosts.
ssh_connect takes a remote's name and returns a session_id for the other tools. Some calls wait for a person to approve them.
Secrets from ssh_load_env_file are exported to commands but their values never appear in results: they read as [secret NAME].`;

/** What a guarded call says about itself before it runs: what policy and the person see. */
interface Gate {
  remote?: string;
  session?: ToolSession;
  /** The exact command, input or path, as the person asked reads it. */
  detail: string;
  /** Text the command rules and the never-offered guard read (command or shell input). */
  command?: string;
  /** The command runs under sudo as a whole (ssh_sudo_execute). */
  asRoot?: boolean;
  /** Remote paths written: never /etc/sudoers*. */
  writes?: string[];
  /** The shell a shell tool acts on (named by shell_id, or the session's shell for session_id). */
  shell?: PtyShell;
}

interface Outcome<R extends object = Record<string, unknown>> {
  /** Burrow's result: the tool's structuredContent. */
  result: R;
  /** The text content in mcp-remote-ssh's shape (result-text.ts), from the redacted result; else the JSON. */
  text?: (redacted: R) => string;
  exitCode?: number | null;
  signal?: string | null;
  bytesIn?: number;
  bytesOut?: number;
  /** Values redacted from this result besides the loaded secrets (a sudo password). */
  extraSecrets?: [string, string][];
}

class ToolError extends Error {}

/**
 * Burrow's built-in SSH tools as an MCP server (the SDK's McpServer) for one MCP host session. Every call passes
 * policy (allow / ask / deny, command rules, never-offered), is written to the audit log before anything is sent,
 * and every result is redacted of loaded secrets. Closing the server closes every session, channel, shell,
 * forward and SFTP handle it opened.
 */
export function createSshToolServer(deps: ToolDeps): McpServer {
  const limits: ToolLimits = { ...DEFAULT_TOOL_LIMITS, ...deps.limits };
  const hostSession = deps.hostSession ?? `tools-${randomBytes(4).toString('hex')}`;
  const sessions = new Map<string, ToolSession>();
  const shells = new Map<string, PtyShell>();
  const forwards = new Map<string, PortForward>();
  const secrets = new ToolSecrets();
  /** "Allow for this session" answers: remote + tool (+ rule and exact text when a command rule asked). */
  const allowedForSession = new Set<string>();
  // Logs pass through the redactor too: a message may quote a command or an error carrying a value.
  const logger = redactingLogger(deps.logger, () => secrets.redactor());
  const mcp = new McpServer({ name: 'burrow-ssh-tools', version: '1.0.0' }, { capabilities: { tools: {} }, instructions: INSTRUCTIONS });

  const newId = (prefix: string) => `${prefix}-${randomBytes(6).toString('hex')}`;

  const sessionOf = (id: string): ToolSession => {
    const s = sessions.get(id);
    if (!s) throw new ToolError(`no session ${id} (open one with ssh_connect; ssh_list_sessions lists them)`);
    s.usable();
    return s;
  };
  const shellOf = (id: string): PtyShell => {
    const sh = shells.get(id);
    if (!sh) throw new ToolError(`no shell ${id} (open one with ssh_shell_open)`);
    return sh;
  };
  /**
   * A session's shell, as mcp-remote-ssh has one per session: the earliest still open (the one ssh_shell_open
   * gives back); with `orClosed`, else the last one, so its final output and `closed` can still be read.
   */
  const sessionShell = (s: ToolSession, orClosed: boolean): PtyShell | undefined => {
    const all = [...s.shells.values()];
    return all.find((sh) => !sh.closed) ?? (orClosed ? all.at(-1) : undefined);
  };
  /** The shell a shell tool names: by shell_id, or (mcp-remote-ssh style) the shell of session_id. */
  const shellFor = (a: { shell_id?: string; session_id?: string }): PtyShell => {
    if (a.shell_id !== undefined) {
      const sh = shellOf(a.shell_id);
      if (a.session_id !== undefined && sh.sessionId !== a.session_id) throw new ToolError(`shell ${a.shell_id} is not in session ${a.session_id}`);
      return sh;
    }
    if (a.session_id === undefined) throw new ToolError('give shell_id (from ssh_shell_open), or session_id to use that session’s shell');
    const sh = sessionShell(sessionOf(a.session_id), true);
    if (!sh) throw new ToolError(`session ${a.session_id} has no shell (open one with ssh_shell_open)`);
    return sh;
  };

  /** The approval flow and the audit around one call; `run` is called only when both let it. */
  async function guarded<R extends object>(
    tool: SshToolName,
    args: Record<string, unknown>,
    gate: () => Gate | Promise<Gate>,
    run: (g: Gate) => Promise<Outcome<R>>,
    signal?: AbortSignal,
  ): Promise<CallToolResult> {
    const callId = newId('call');
    const redactor = secrets.redactor();
    const safeArgs = auditArgs(redactor.redactValue(args));
    const client = deps.client();
    const auditCall = (remote: string | undefined, decision: 'allow' | 'deny' | 'timeout', decidedBy: ToolDecider) =>
      deps.audit.append({ phase: 'call', callId, hostSession, client, remote, tool, args: safeArgs, decision, decidedBy });
    let g: Gate;
    try {
      g = await gate();
    } catch (error) {
      // Not even a valid call (unknown session, bad path): recorded as refused, nothing sent.
      return failure(() => auditCall(undefined, 'deny', 'nobody'), error, logger, tool);
    }
    const remote = g.remote;
    const refusal = (g.command !== undefined ? neverOffered(g.command, g.asRoot) : undefined) ?? g.writes?.map(neverWritten).find(Boolean);
    if (refusal) return failure(() => auditCall(remote, 'deny', 'never-offered'), new ToolError(`refused: ${refusal}`), logger, tool);

    let decidedBy: ToolDecider = 'policy';
    if (remote !== undefined) {
      const verdict = decide(deps.policy(remote), tool, remote, g.command);
      decidedBy = verdict.by === 'command-rule' ? 'command-rule' : 'policy';
      if (verdict.action === 'deny') return failure(() => auditCall(remote, 'deny', decidedBy), new ToolError(`denied: ${verdict.reason}; nothing was run`), logger, tool);
      if (verdict.action === 'ask') {
        const key = verdict.rule ? `${remote}\0${tool}\0${verdict.rule.pattern}\0${g.command ?? ''}` : `${remote}\0${tool}`;
        if (allowedForSession.has(key)) {
          decidedBy = 'session';
        } else {
          let answer: ToolApprovalOutcome;
          try {
            answer = await deps.approve({ tool, remote, client, detail: redactor.redact(g.detail), reason: verdict.reason }, signal);
          } catch (error) {
            return failure(() => auditCall(remote, 'deny', 'nobody'), new ToolError(`could not ask for approval (${oneLine(error)}): nothing was run`), logger, tool);
          }
          decidedBy = 'person';
          if (answer === 'deny') return failure(() => auditCall(remote, 'deny', 'person'), new ToolError(`denied by a person: ${tool} on ${remote} was not run`), logger, tool);
          if (answer === 'timeout') return failure(() => auditCall(remote, 'timeout', 'nobody'), new ToolError(`no one approved ${tool} on ${remote} in time: nothing was run`), logger, tool);
          if (answer === 'withdrawn') return failure(() => auditCall(remote, 'deny', 'nobody'), new ToolError(`the call was cancelled before anyone answered: ${tool} on ${remote} was not run`), logger, tool);
          if (answer === 'allow-session') allowedForSession.add(key);
        }
      }
    }
    // Recorded BEFORE anything is sent: when the record cannot be written, nothing is.
    try {
      auditCall(remote, 'allow', decidedBy);
    } catch (error) {
      logger.error(`audit: cannot record ${tool}: ${oneLine(error)}`);
      return errorResult(`the audit log cannot be written (${oneLine(error)}): nothing was sent`);
    }
    const started = Date.now();
    try {
      const outcome = await run(g);
      recordResult(callId, remote, tool, started, { ok: true, ...outcome });
      const redact = outcome.extraSecrets?.length ? new Redactor([...secretsList(), ...outcome.extraSecrets]) : secrets.redactor();
      // With no secret loaded there is nothing to redact: no copy, no schema check, no re-serialising of the text.
      const structured = redact.empty ? definedOnly(outcome.result) : keepFixedValues(tool, outcome.result, definedOnly(redact.redactValue(outcome.result)));
      const text = outcome.text ? outcome.text(structured) : JSON.stringify(structured, null, 2);
      return { content: [{ type: 'text', text: redactText(redact, text) }], structuredContent: structured as Record<string, unknown> };
    } catch (error) {
      recordResult(callId, remote, tool, started, { ok: false, error: secrets.redactor().redact(oneLine(error)) });
      return errorResult(secrets.redactor().redact(oneLine(error)));
    }
  }

  function secretsList(): [string, string][] {
    return [...sessions.keys()].flatMap((id) => [...secrets.of(id)]);
  }

  function recordResult(callId: string, remote: string | undefined, tool: string, started: number, r: { ok: boolean; error?: string } & Omit<Partial<Outcome>, 'result' | 'text'>): void {
    try {
      deps.audit.append({
        phase: 'result',
        callId,
        hostSession,
        remote,
        tool,
        ok: r.ok,
        exitCode: r.exitCode,
        signal: r.signal,
        bytesIn: r.bytesIn,
        bytesOut: r.bytesOut,
        durationMs: Date.now() - started,
        error: r.error,
      });
    } catch (error) {
      logger.error(`audit: cannot record the result of ${tool}: ${oneLine(error)}`);
    }
  }

  const register = <N extends SshToolName, S extends z.ZodRawShape>(
    name: N,
    description: string,
    shape: S,
    gate: (a: z.infer<z.ZodObject<S>>) => Gate | Promise<Gate>,
    run: (a: z.infer<z.ZodObject<S>>, g: Gate, cancel: AbortSignal | undefined) => Promise<Outcome<ToolResults[N]>>,
    readOnly = false,
  ) => {
    // Strict: an argument the tool does not know is an error naming it, never silently dropped.
    const config = { description, inputSchema: z.strictObject(shape), outputSchema: RESULT_SCHEMAS[name], annotations: { readOnlyHint: readOnly, openWorldHint: true } };
    mcp.registerTool(name, config, ((args: z.infer<z.ZodObject<S>>, extra?: { signal?: AbortSignal }) =>
      guarded(name, withoutCredentials(args as Record<string, unknown>), () => gate(args), (g) => run(args, g, extra?.signal), extra?.signal)) as never);
  };

  const sessionId = z.string().describe('from ssh_connect');
  const timeoutS = z.number().positive().max(limits.maxExecTimeoutS).optional().describe(`seconds before the command is signalled (default ${limits.execTimeoutS})`);
  const timeoutAlias = z.number().positive().max(limits.maxExecTimeoutS).optional().describe('alias of timeout_s (mcp-remote-ssh)');
  // mcp-remote-ssh's shell tools name a session (one shell each); Burrow's name the shell.
  const shellArgs = {
    shell_id: z.string().optional().describe('from ssh_shell_open'),
    session_id: z.string().optional().describe('instead of shell_id: the session’s shell (the one ssh_shell_open returns for it), as in mcp-remote-ssh'),
  };
  const remotePath = z.string().optional().describe('alias of path (mcp-remote-ssh)');
  const pathOf = (a: { path?: string; remote_path?: string }, fallback?: string): string => {
    const p = either('path', a.path, 'remote_path', a.remote_path) ?? fallback;
    if (p === undefined) throw new ToolError('give path: the remote path');
    return p;
  };

  register('ssh_list_remotes', 'The saved remotes this entry may use: names, descriptions and tags (never addresses, users or keys).', {}, () => ({ detail: 'list remotes' }), async () => ({
    result: { remotes: deps.remotes().map((r) => ({ name: r.name, description: r.description, tags: r.tags })) },
  }), true);

  register(
    'ssh_connect',
    'Connects to a saved remote by name (see ssh_list_remotes) and returns a session_id. Other hosts are refused unless a person turned on ad-hoc hosts in Burrow; they sign in with the keys of the person running Burrow, never with a password or key given here.',
    {
      remote: z.string().optional().describe('the saved remote name'),
      host: z.string().optional().describe('a saved remote name (as remote), or a host name when ad-hoc hosts are on'),
      user: z.string().optional().describe('ad-hoc hosts only: the login name'),
      username: z.string().optional().describe('alias of user'),
      port: z.number().int().min(1).max(65535).optional().describe('ad-hoc hosts only: the SSH port (22)'),
      password: z.string().optional().describe('refused unless empty: Burrow never takes a password from the model'),
      key_path: z.string().optional().describe('ignored: Burrow signs in with the remote’s own keys (mcp-remote-ssh compatibility)'),
      timeout: z.number().positive().max(600).optional().describe('ignored: Burrow’s connection pool has its own (mcp-remote-ssh compatibility)'),
    },
    (a) => {
      refuseCredential('password', a.password, 'Burrow signs in with the saved remote’s keys, and asks a person for any passphrase');
      const name = a.remote ?? a.host;
      if (!name) throw new ToolError('give remote: the name of a saved remote (see ssh_list_remotes)');
      // A saved remote's name wins: mcp-remote-ssh callers pass a username and port with every host.
      if (deps.remotes().some((r) => r.name === name)) return { remote: name, detail: `connect to ${name}` };
      const adHoc = deps.adHocHost?.({ host: name, user: a.user ?? a.username, port: a.port });
      if (adHoc === undefined) {
        throw new ToolError(`"${name}" is not a saved remote this entry may use; other hosts are refused unless a person turns on tools.allowAdHocHosts in Burrow's settings (see ssh_list_remotes)`);
      }
      return { remote: adHoc, detail: `connect to ${adHoc} (not a saved remote)` };
    },
    async (a, g) => {
      const remote = g.remote as string;
      const lease = await deps.acquire(remote);
      const id = newId('s');
      const session = new ToolSession(id, remote, lease.client, lease.release);
      session.onLost = () => deps.changed?.();
      sessions.set(id, session);
      logger.info(`tools: session ${id} on ${remote}`);
      const ignored = (['key_path', 'timeout'] as const).filter((k) => a[k] !== undefined && a[k] !== '');
      const summary = summaryOf(session);
      return {
        result: { session_id: id, remote, ...(ignored.length ? { ignored, note: 'Burrow signs in with the remote’s own keys through its connection pool' } : {}) },
        text: () => text.sessionText(summary),
      };
    },
  );

  register('ssh_list_sessions', 'The open sessions of this host session, with their shells, forwards and loaded secret names.', {}, () => ({ detail: 'list sessions' }), async () => ({
    text: () => text.sessionsText([...sessions.values()].map(summaryOf)),
    result: {
      sessions: [...sessions.values()].map((s) => ({
        session_id: s.id,
        remote: s.remote,
        opened_at: s.openedAt,
        connected: !s.lost,
        shells: [...s.shells.keys()],
        forwards: [...s.forwards.keys()],
        secrets: [...secrets.of(s.id).keys()],
      })),
    },
  }), true);

  register('ssh_close_session', 'Closes a session: its shells, forwards, channels and SFTP, and forgets its secrets.', { session_id: sessionId }, (a) => {
    const s = sessions.get(a.session_id);
    if (!s) throw new ToolError(`no session ${a.session_id}`);
    return { remote: s.remote, session: s, detail: `close session ${a.session_id}` };
  }, async (_a, g) => {
    const s = g.session as ToolSession;
    await closeSession(s);
    return { result: { closed: s.id }, text: () => text.closeSessionText(s.id, s.remote) };
  });

  register(
    'ssh_execute',
    'Runs a command over an exec channel. The text is {"stdout","stderr","exit_code"} (exit_code -1 when a signal ended it, with "signal"; "timed_out" and "truncated" added when so); the structured result also has signal, duration_ms and truncated (output is capped per stream). On timeout the process is signalled (TERM, then KILL).',
    {
      session_id: sessionId,
      command: z.string().min(1),
      timeout_s: timeoutS,
      timeout: timeoutAlias,
      cwd: z.string().optional().describe('remote folder to run in'),
      stdin: z.string().optional().describe('text fed to the command on stdin'),
    },
    (a) => {
      either('timeout_s', a.timeout_s, 'timeout', a.timeout);
      const s = sessionOf(a.session_id);
      return { remote: s.remote, session: s, command: a.command, detail: a.cwd ? `(in ${a.cwd}) ${a.command}` : a.command };
    },
    async (a, g, cancel) => {
      const s = g.session as ToolSession;
      const built = wrapCommand(a.command, a.cwd, secrets.of(s.id), a.stdin);
      const r = await execOn(s, built.command, built.stdin, a.timeout_s ?? a.timeout, cancel);
      return execOutcome(r, Buffer.byteLength(a.stdin ?? ''), secrets.redactor());
    },
  );

  register(
    'ssh_sudo_execute',
    'Runs a command as root with sudo. The sudo password, when one is needed, is asked of a person through Burrow and fed on stdin: never in argv or in results. Root shells (sudo -s/-i/su/bash) are refused.',
    {
      session_id: sessionId,
      command: z.string().min(1),
      timeout_s: timeoutS,
      timeout: timeoutAlias,
      cwd: z.string().optional(),
      sudo_password: z.string().optional().describe('refused unless empty: the password is asked of a person in Burrow'),
    },
    (a) => {
      refuseCredential('sudo_password', a.sudo_password, 'Burrow asks a person for the sudo password itself: call again without it');
      either('timeout_s', a.timeout_s, 'timeout', a.timeout);
      const s = sessionOf(a.session_id);
      return { remote: s.remote, session: s, command: a.command, asRoot: true, detail: `sudo ${a.cwd ? `(in ${a.cwd}) ` : ''}${a.command}` };
    },
    async (a, g, cancel) => sudoExecute(g.session as ToolSession, a.command, a.cwd, a.timeout_s ?? a.timeout, cancel),
  );

  register(
    'ssh_shell_open',
    'Opens an interactive shell on a pty; the shell tools take this session_id to use it (shell_id, in the structured result, also works). Its output is kept in a rolling buffer (500 KB) for ssh_shell_read and ssh_shell_wait. When the session already has an open shell, that one is returned (reused: true); new_shell: true opens another, whose shell_id the text gives.',
    {
      session_id: sessionId,
      new_shell: z.boolean().optional().describe('open another shell even when the session has one open'),
      cols: z.number().int().min(20).max(1000).optional(),
      rows: z.number().int().min(5).max(1000).optional(),
      width: z.number().int().min(20).max(1000).optional().describe('alias of cols (mcp-remote-ssh)'),
      height: z.number().int().min(5).max(1000).optional().describe('alias of rows (mcp-remote-ssh)'),
      term: z.string().regex(/^[A-Za-z0-9._+-]{1,32}$/, 'a terminal type such as xterm').optional().describe('terminal type (default xterm)'),
    },
    (a) => {
      either('cols', a.cols, 'width', a.width);
      either('rows', a.rows, 'height', a.height);
      const s = sessionOf(a.session_id);
      const open = a.new_shell === true ? undefined : sessionShell(s, false);
      return { remote: s.remote, session: s, shell: open, detail: open ? `the open shell ${open.id} on ${s.remote} (no new shell)` : `interactive shell on ${s.remote}` };
    },
    async (a, g) => {
      const s = g.session as ToolSession;
      if (g.shell && !g.shell.closed) return { result: { shell_id: g.shell.id, session_id: s.id, reused: true }, text: () => text.shellOpenText(s.remote) };
      const pty = { term: a.term ?? 'xterm', cols: a.cols ?? a.width ?? 200, rows: a.rows ?? a.height ?? 50 };
      const channel = await new Promise<import('ssh2').ClientChannel>((resolve, reject) =>
        s.client.shell(pty, (err, ch) => (err ? reject(new Error(`could not open a shell: ${channelRefusal(err)}`)) : resolve(ch))),
      );
      const id = newId('sh');
      const shell = new PtyShell(id, s.id, channel, () => secrets.redactor(), limits.shellBufferChars);
      s.shells.set(id, shell);
      shells.set(id, shell);
      channel.once('close', () => {
        logger.debug(`tools: shell ${id} closed`);
        deps.changed?.();
      });
      const exported = await exportToShell(s, shell);
      // A second shell is reached only by its id: name it where a text-only model can see it.
      return { result: { shell_id: id, session_id: s.id, secrets_exported: exported }, text: () => text.shellOpenText(s.remote, a.new_shell ? id : undefined) };
    },
  );

  register(
    'ssh_shell_send',
    'Types text into a shell (a newline is added unless enter is false). Read the output with ssh_shell_read or ssh_shell_wait, or give wait (seconds) to get the output in this result.',
    {
      ...shellArgs,
      data: z.string(),
      enter: z.boolean().optional().describe('add a newline (default true)'),
      press_enter: z.boolean().optional().describe('alias of enter (mcp-remote-ssh)'),
      wait: z.number().min(0).max(300).optional().describe('seconds to wait after sending, then return the new output (default 1 when read_lines is given)'),
      read_lines: z.number().int().positive().max(100_000).optional().describe('return only the last lines of that output'),
    },
    (a) => {
      either('enter', a.enter, 'press_enter', a.press_enter);
      const sh = shellFor(a);
      const s = sessionOf(sh.sessionId);
      if (sh.closed) throw new ToolError(`shell ${sh.id} has exited`);
      // Rules read the whole line being typed, so a command split over several sends is still seen whole.
      return { remote: s.remote, session: s, shell: sh, command: sh.pendingInput + a.data, detail: a.data };
    },
    async (a, g) => {
      const sh = g.shell as PtyShell;
      const data = a.data + ((a.enter ?? a.press_enter) === false ? '' : '\n');
      sh.send(data);
      const sent = { sent_bytes: Buffer.byteLength(data) };
      if (a.wait === undefined && a.read_lines === undefined) return { result: { shell_id: sh.id, ...sent }, text: () => '', bytesIn: sent.sent_bytes };
      const waitS = a.wait ?? 1;
      // mcp-remote-ssh waits this long, then reads: no pattern, no idle, only the shell closing ends it early.
      const r = waitS > 0 ? await sh.wait({ timeoutMs: waitS * 1000 }) : sh.read();
      const tail = tailLines(r.output, a.read_lines);
      return {
        result: { shell_id: sh.id, ...sent, ...tail, dropped_chars: r.dropped_chars, closed: r.closed },
        text: (red) => red.output ?? '',
        bytesIn: sent.sent_bytes,
        bytesOut: Buffer.byteLength(r.output),
      };
    },
  );

  register(
    'ssh_shell_read',
    'Returns the shell output that arrived since the last read (terminal escapes removed); lines keeps only its last lines.',
    { ...shellArgs, lines: z.number().int().positive().max(100_000).optional().describe('return only the last lines of the new output') },
    (a) => {
      const sh = shellFor(a);
      return { remote: sessions.get(sh.sessionId)?.remote, shell: sh, detail: `read shell ${sh.id}` };
    },
    async (a, g) => {
      const sh = g.shell as PtyShell;
      const r = sh.read();
      return { result: { shell_id: sh.id, ...r, ...tailLines(r.output, a.lines) }, text: (red) => red.output, bytesOut: Buffer.byteLength(r.output) };
    },
    true,
  );

  register(
    'ssh_shell_send_control',
    'Sends a control key to a shell: one letter a-z (c: Ctrl-C, interrupt; d: Ctrl-D, end of input; z: Ctrl-Z, suspend; l: Ctrl-L, clear; a: Ctrl-A, screen prefix) or \\ (Ctrl-\\, quit).',
    { ...shellArgs, key: z.string().regex(CONTROL_KEY, 'one letter a-z, or \\') },
    (a) => {
      const sh = shellFor(a);
      return { remote: sessions.get(sh.sessionId)?.remote, shell: sh, detail: `Ctrl-${a.key.toUpperCase()} to shell ${sh.id}` };
    },
    async (a, g) => {
      const sh = g.shell as PtyShell;
      sh.control(a.key);
      return { result: { shell_id: sh.id, sent: `Ctrl-${a.key.toUpperCase()}` }, text: () => text.controlText(a.key) };
    },
  );

  register(
    'ssh_shell_wait',
    'Waits until the new output of a shell contains pattern (as plain text, or as a regular expression), or is quiet for idle_ms, or timeout_s passes; returns that output.',
    {
      ...shellArgs,
      pattern: z.string().optional().describe('text to wait for, plain or a regular expression (RE2 syntax: no lookaround or backreferences)'),
      idle_ms: z.number().int().min(50).max(600_000).optional().describe('return once no output came for this long (default 1000 without a pattern)'),
      timeout_s: z.number().positive().max(3600).optional().describe('default 30'),
      timeout: z.number().positive().max(3600).optional().describe('alias of timeout_s (mcp-remote-ssh)'),
      poll_interval: z.number().positive().max(300).optional().describe('mcp-remote-ssh: without a pattern, quiet means no output for two of these (seconds); idle_ms wins'),
      lines: z.number().int().positive().max(100_000).optional().describe('return only the last lines of the output'),
    },
    (a) => {
      either('timeout_s', a.timeout_s, 'timeout', a.timeout);
      const sh = shellFor(a);
      if (a.pattern) compilePattern(a.pattern);
      return { remote: sessions.get(sh.sessionId)?.remote, shell: sh, detail: `wait on shell ${sh.id}` };
    },
    async (a, g) => {
      // An empty pattern is mcp-remote-ssh's "none".
      const pattern = a.pattern ? textOrPattern(a.pattern) : undefined;
      const quietMs = a.poll_interval !== undefined ? Math.min(600_000, Math.max(50, Math.round(a.poll_interval * 2000))) : undefined;
      const idleMs = a.idle_ms ?? (pattern ? undefined : (quietMs ?? 1000));
      const sh = g.shell as PtyShell;
      const started = Date.now();
      const r = await sh.wait({ pattern, idleMs, timeoutMs: (a.timeout_s ?? a.timeout ?? 30) * 1000 });
      const elapsedS = Math.floor((Date.now() - started) / 1000);
      return {
        result: { shell_id: sh.id, ...r, ...tailLines(r.output, a.lines), matched: r.reason === 'pattern' },
        text: (red) => text.shellWaitText(red, a.pattern, elapsedS),
        bytesOut: Buffer.byteLength(r.output),
      };
    },
    true,
  );

  register(
    'ssh_load_env_file',
    'Loads a local .env file into this session: its values are exported to later commands and shells but stay in memory on this machine and never appear in results (they read as [secret NAME]). Returns only the names.',
    { session_id: sessionId, file_path: z.string().describe('absolute local path (or ~/…)') },
    (a) => {
      const s = sessionOf(a.session_id);
      return { remote: s.remote, session: s, detail: `load secrets from local file ${a.file_path}` };
    },
    async (a, g) => {
      const s = g.session as ToolSession;
      const { values, skipped } = readEnvFile(a.file_path);
      secrets.load(s.id, values);
      const short = [...values].filter(([, v]) => v.length < MIN_REDACTED_LENGTH).map(([k]) => k);
      // Shells already open get them too, the same way new shells do.
      const shellsUpdated: string[] = [];
      for (const shell of s.shells.values()) {
        if (shell.closed) continue;
        await exportToShell(s, shell);
        shellsUpdated.push(shell.id);
      }
      return {
        result: {
          loaded: [...values.keys()],
          ...(shellsUpdated.length ? { exported_to_shells: shellsUpdated } : {}),
          ...(short.length ? { not_redacted: short, note: `values shorter than ${MIN_REDACTED_LENGTH} characters are not redacted` } : {}),
          ...(skipped.length ? { skipped } : {}),
        },
        text: (red) => text.loadEnvText(red, a.file_path, MIN_REDACTED_LENGTH),
      };
    },
  );

  register('ssh_clear_secrets', 'Forgets the secrets loaded into a session.', { session_id: sessionId }, (a) => {
    const s = sessionOf(a.session_id);
    return { remote: s.remote, session: s, detail: `clear secrets of ${a.session_id}` };
  }, async (a) => ({ result: { cleared: secrets.clear(a.session_id) }, text: (red) => text.clearSecretsText(red.cleared.length) }));

  register(
    'ssh_upload_file',
    'Uploads a local file (any size, streamed over SFTP) to the remote, atomically (temporary file + rename); reports bytes and sha256.',
    { session_id: sessionId, local_path: z.string(), remote_path: z.string() },
    async (a) => {
      const s = sessionOf(a.session_id);
      const resolved = await resolveRemote(await s.sftp(), a.remote_path);
      return { remote: s.remote, session: s, writes: [a.remote_path, resolved], detail: `upload ${a.local_path} → ${s.remote}:${a.remote_path}` };
    },
    async (a, g) => {
      const r = await uploadFile(await (g.session as ToolSession).sftp(), a.local_path, a.remote_path);
      return { result: { remote_path: a.remote_path, ...r }, text: () => text.uploadText(a.local_path, (g.session as ToolSession).remote, a.remote_path, r.bytes), bytesIn: r.bytes };
    },
  );

  register(
    'ssh_download_file',
    'Downloads a remote file (any size, streamed over SFTP) to a local path (temporary file + rename); reports bytes and sha256.',
    { session_id: sessionId, remote_path: z.string(), local_path: z.string() },
    (a) => {
      const s = sessionOf(a.session_id);
      return { remote: s.remote, session: s, detail: `download ${s.remote}:${a.remote_path} → ${a.local_path}` };
    },
    async (a, g) => {
      const r = await downloadFile(await (g.session as ToolSession).sftp(), a.remote_path, a.local_path);
      return { result: { local_path: a.local_path, ...r }, text: () => text.downloadText((g.session as ToolSession).remote, a.remote_path, a.local_path, r.bytes), bytesOut: r.bytes };
    },
  );

  register(
    'ssh_read_remote_file',
    'Reads a remote text file over SFTP; the text is the file itself (up to max_bytes, default 1 MB, 0 for the most Burrow reads: 16 MB; the structured result’s truncated says when there is more).',
    {
      session_id: sessionId,
      path: z.string().optional(),
      remote_path: remotePath,
      max_bytes: z.number().int().min(0).max(MAX_READ_BYTES).optional(),
    },
    (a) => {
      const s = sessionOf(a.session_id);
      return { remote: s.remote, session: s, detail: `read ${s.remote}:${pathOf(a)}` };
    },
    async (a, g) => {
      const path = pathOf(a);
      // 0 is mcp-remote-ssh's "no limit": here the largest read, so a result never grows without bound.
      const maxBytes = a.max_bytes === 0 ? MAX_READ_BYTES : (a.max_bytes ?? limits.readFileBytes);
      const r = await readRemoteText(await (g.session as ToolSession).sftp(), path, maxBytes);
      const redactor = secrets.redactor();
      // A cut in the middle of a secret would show its start: leave the possible start out.
      const content = r.truncated ? r.content.slice(0, r.content.length - redactor.pendingTail(r.content)) : r.content;
      return { result: { path, size: r.size, truncated: r.truncated, content }, text: (red) => red.content, bytesOut: Buffer.byteLength(r.content) };
    },
    true,
  );

  register(
    'ssh_write_remote_file',
    'Writes (or appends to) a remote file atomically over SFTP: a temporary file beside it replaces it in one rename, keeping its mode.',
    { session_id: sessionId, path: z.string().optional(), remote_path: remotePath, content: z.string(), append: z.boolean().optional() },
    async (a) => {
      const s = sessionOf(a.session_id);
      const path = pathOf(a);
      const resolved = await resolveRemote(await s.sftp(), path);
      return { remote: s.remote, session: s, writes: [path, resolved], detail: `${a.append ? 'append to' : 'write'} ${s.remote}:${path} (${Buffer.byteLength(a.content)} bytes)` };
    },
    async (a, g) => {
      const path = pathOf(a);
      const content = Buffer.from(a.content, 'utf8');
      const r = await writeRemoteAtomic(await (g.session as ToolSession).sftp(), path, content, a.append === true);
      return {
        result: { path, bytes_written: content.length, size: r.bytes },
        text: () => text.writeText((g.session as ToolSession).remote, path, content.length, a.append === true),
        bytesIn: content.length,
      };
    },
  );

  register(
    'ssh_list_remote_dir',
    'Lists a remote folder over SFTP (default: the login folder). The text is [{"name","size","modified","is_dir"}], folders first (modified in epoch seconds); the structured result has name, type, size, mode, mtime per entry.',
    { session_id: sessionId, path: z.string().optional(), remote_path: remotePath },
    (a) => {
      const s = sessionOf(a.session_id);
      return { remote: s.remote, session: s, detail: `list ${s.remote}:${pathOf(a, '.')}` };
    },
    async (a, g) => ({ result: { path: pathOf(a, '.'), entries: await listRemoteDir(await (g.session as ToolSession).sftp(), pathOf(a, '.')) }, text: (red) => text.dirText(red.entries) }),
    true,
  );

  register(
    'ssh_forward_port',
    'Forwards a local port on 127.0.0.1 (only) to remote_host:remote_port as seen from the remote (default its own 127.0.0.1), through the session’s connection.',
    {
      session_id: sessionId,
      remote_port: z.number().int().min(1).max(65535),
      remote_host: z.string().optional(),
      local_port: z.number().int().min(0).max(65535).optional().describe('0 or absent: any free port'),
    },
    (a) => {
      const s = sessionOf(a.session_id);
      return { remote: s.remote, session: s, detail: `forward 127.0.0.1:${a.local_port || 'any'} → ${a.remote_host ?? '127.0.0.1'}:${a.remote_port} via ${s.remote}` };
    },
    async (a, g) => {
      const s = g.session as ToolSession;
      const f = new PortForward(newId('fw'), s.id, s.client, a.remote_host ?? '127.0.0.1', a.remote_port, logger);
      await f.listen(a.local_port ?? 0);
      s.forwards.set(f.id, f);
      forwards.set(f.id, f);
      return { result: { ...f.info() }, text: text.forwardText };
    },
  );

  register('ssh_list_forwards', 'Lists open port forwards (of one session, or all).', { session_id: z.string().optional() }, (a) => ({
    remote: a.session_id ? sessionOf(a.session_id).remote : undefined,
    detail: 'list forwards',
  }), async (a) => ({ result: { forwards: [...forwards.values()].filter((f) => !a.session_id || f.sessionId === a.session_id).map((f) => f.info()) }, text: (red) => text.forwardsText(red.forwards) }), true);

  register('ssh_close_forward', 'Closes a port forward and its connections.', { forward_id: z.string(), session_id: z.string().optional().describe('the forward’s session (optional)') }, (a) => {
    const f = forwards.get(a.forward_id);
    if (!f) throw new ToolError(`no forward ${a.forward_id}`);
    if (a.session_id !== undefined && f.sessionId !== a.session_id) throw new ToolError(`forward ${a.forward_id} is not in session ${a.session_id}`);
    return { remote: sessions.get(f.sessionId)?.remote, detail: `close forward ${a.forward_id}` };
  }, async (a) => {
    const f = forwards.get(a.forward_id) as PortForward;
    await f.close();
    forwards.delete(f.id);
    sessions.get(f.sessionId)?.forwards.delete(f.id);
    const info = f.info();
    return { result: { closed: f.id }, text: () => text.closeForwardText(info) };
  });

  /** A session as mcp-remote-ssh's summary describes one (its text for ssh_connect and ssh_list_sessions). */
  function summaryOf(s: ToolSession): text.SessionSummary {
    return {
      session_id: s.id,
      host: s.remote,
      connected: !s.lost,
      shell_open: [...s.shells.values()].some((sh) => !sh.closed),
      uptime_seconds: Math.floor((Date.now() - Date.parse(s.openedAt)) / 1000),
      active_forwards: s.forwards.size,
    };
  }

  async function closeSession(s: ToolSession): Promise<void> {
    for (const id of s.shells.keys()) shells.delete(id);
    for (const id of s.forwards.keys()) forwards.delete(id);
    secrets.clear(s.id);
    sessions.delete(s.id);
    await s.close();
  }

  async function execOn(s: ToolSession, command: string, stdin: Buffer | undefined, timeout?: number, cancel?: AbortSignal): Promise<ExecResult> {
    s.usable();
    return runExec(s.client, {
      command,
      stdin,
      abort: cancel,
      timeoutMs: (timeout ?? limits.execTimeoutS) * 1000,
      maxBytes: limits.execOutputBytes,
      killGraceMs: limits.killGraceMs,
      onChannel: (ch) => s.track(ch),
    });
  }

  async function sudoExecute(s: ToolSession, command: string, cwd: string | undefined, timeout?: number, cancel?: AbortSignal): Promise<Outcome<ToolResults['ssh_execute']>> {
    const quick = { timeoutMs: 20_000, maxBytes: 64 * 1024, killGraceMs: limits.killGraceMs, onChannel: (ch: import('ssh2').ClientChannel) => s.track(ch) };
    // No password needed (NOPASSWD, or sudo's cached credentials)? Then none is asked of anyone.
    const probe = await runExec(s.client, { ...quick, command: 'sudo -n true' });
    let password: string | undefined;
    if (probe.exitCode !== 0) {
      if (/not found/.test(probe.stderr.toString())) throw new ToolError(`sudo is not installed on ${s.remote}`);
      password = await deps.sudoPassword(s.remote, `sudo on ${s.remote}: ${command}`);
      if (password === undefined) throw new ToolError(`no sudo password for ${s.remote} was given (refused or timed out): nothing was run`);
      // Check the password alone first, so a wrong one is an error and never the command's input.
      const check = await runExec(s.client, { ...quick, command: "sudo -k -S -p '' -v", stdin: Buffer.from(`${password}\n`) });
      if (check.exitCode !== 0) {
        const text = check.stderr.toString();
        if (/incorrect password|Sorry, try again/i.test(text)) {
          deps.forgetSudoPassword(s.remote);
          throw new ToolError(`wrong sudo password for ${s.remote} (it is forgotten; the next call asks again): nothing was run`);
        }
        throw new ToolError(`sudo refused on ${s.remote}: ${lastLine(text) || `exit ${String(check.exitCode)}`}`);
      }
    }
    const values = secrets.of(s.id);
    const inner = values.size ? { script: envScript(values, cwd, command) } : { script: undefined };
    const shCommand = inner.script !== undefined ? `eval "$(head -c ${Buffer.byteLength(inner.script)})"` : cwd ? `cd ${shellQuote(cwd)} || exit 1\n${command}` : command;
    const sudo = password !== undefined ? "sudo -k -S -p ''" : 'sudo -n';
    const stdin = Buffer.concat([Buffer.from(password !== undefined ? `${password}\n` : ''), Buffer.from(inner.script ?? '')]);
    const r = await execOn(s, `${sudo} -- sh -c ${shellQuote(shCommand)}`, stdin, timeout, cancel);
    const outcome = execOutcome(r, 0, secrets.redactor());
    return password !== undefined ? { ...outcome, extraSecrets: [['SUDO_PASSWORD', password]] } : outcome;
  }

  /**
   * Gives a new shell the session's secrets without typing them: the values go through a FIFO that only this
   * user can open, written by an exec channel's stdin and sourced by the shell (` . FIFO`), so they never pass
   * through the pty (no echo, no history) and never touch the disk.
   */
  async function exportToShell(s: ToolSession, shell: PtyShell): Promise<string[]> {
    const values = secrets.of(s.id);
    if (values.size === 0) return [];
    const fifo = `/tmp/.burrow-env-${randomBytes(8).toString('hex')}`;
    const made = await execOn(s, `umask 077 && mkfifo ${fifo}`, undefined, 20);
    if (made.exitCode !== 0) throw new ToolError(`could not pass secrets to the shell (mkfifo: ${lastLine(made.stderr.toString())})`);
    const writer = execOn(s, `cat > ${fifo}; rm -f ${fifo}`, Buffer.from(exportScript(values)), 30);
    // A leading space keeps the line out of history where HISTCONTROL ignores space-prefixed lines; it holds no values anyway.
    shell.send(` . ${fifo}; rm -f ${fifo}\n`);
    const w = await writer;
    if (w.exitCode !== 0) throw new ToolError(`could not pass secrets to the shell: ${lastLine(w.stderr.toString())}`);
    return [...values.keys()];
  }

  const unregister = deps.register?.({
    sessions: () => [...sessions.values()].map((s) => ({ id: s.id, remote: s.remote, shells: [...s.shells.values()].filter((sh) => !sh.closed).length, forwards: s.forwards.size })),
  });
  // When the host session ends, everything it opened ends with it.
  const previousOnClose = mcp.server.onclose;
  mcp.server.onclose = () => {
    previousOnClose?.();
    unregister?.();
    for (const s of [...sessions.values()]) void closeSession(s).catch((e: unknown) => logger.warn(`tools: closing ${s.id}: ${oneLine(e)}`));
  };

  return mcp;
}

/** The command as the login shell runs it; with secrets, an `sh` that reads exports from the first bytes of stdin. */
function wrapCommand(command: string, cwd: string | undefined, values: ReadonlyMap<string, string>, stdin: string | undefined): { command: string; stdin?: Buffer } {
  const userStdin = stdin !== undefined ? Buffer.from(stdin, 'utf8') : undefined;
  // On its own line, so a command list after it (`a; b`) never runs in the wrong folder.
  if (values.size === 0) return { command: cwd ? `cd ${shellQuote(cwd)} || exit 1\n${command}` : command, stdin: userStdin };
  const script = envScript(values, cwd, command);
  // `head -c N` reads exactly N bytes from the pipe, leaving the rest of stdin for the command itself.
  return { command: `exec sh -c 'eval "$(head -c ${Buffer.byteLength(script)})"'`, stdin: Buffer.concat([Buffer.from(script), userStdin ?? Buffer.alloc(0)]) };
}

function envScript(values: ReadonlyMap<string, string>, cwd: string | undefined, command: string): string {
  return `${exportScript(values)}${cwd ? `cd ${shellQuote(cwd)} || exit 1\n` : ''}${command}\n`;
}

function execOutcome(r: ExecResult, bytesIn: number, redactor: Redactor): Outcome<ToolResults['ssh_execute']> {
  const truncated = r.stdoutBytes > r.stdout.length || r.stderrBytes > r.stderr.length;
  // Output cut at the cap may end in the first part of a secret: leave that part out.
  const shown = (bytes: Buffer, cut: boolean) => {
    const t = bytes.toString('utf8');
    return cut ? t.slice(0, t.length - redactor.pendingTail(t)) : t;
  };
  return {
    result: {
      stdout: shown(r.stdout, r.stdoutBytes > r.stdout.length),
      stderr: shown(r.stderr, r.stderrBytes > r.stderr.length),
      exit_code: r.exitCode,
      signal: r.signal,
      duration_ms: r.durationMs,
      truncated,
      ...(truncated ? { stdout_bytes: r.stdoutBytes, stderr_bytes: r.stderrBytes } : {}),
      ...(r.timedOut
        ? {
            timed_out: true,
            note: r.unconfirmed
              ? 'the command did not finish in time; it was signalled (TERM, then KILL) but its end was not confirmed: it may still run'
              : 'the command did not finish in time and was signalled (TERM, then KILL)',
          }
        : {}),
    },
    text: text.execText,
    exitCode: r.exitCode,
    signal: r.signal,
    bytesIn,
    bytesOut: r.stdoutBytes + r.stderrBytes,
  };
}

/** Audit arguments: long texts (file content, stdin) kept as their start, length and SHA-256, not whole. */
function auditArgs(args: Record<string, unknown>): Record<string, unknown> {
  const MAX = 2048;
  return Object.fromEntries(
    Object.entries(args).map(([k, v]) =>
      typeof v === 'string' && v.length > MAX ? [k, `${v.slice(0, MAX)}… [${Buffer.byteLength(v)} bytes, sha256 ${createHash('sha256').update(v).digest('hex')}]`] : [k, v],
    ),
  );
}

/**
 * The model's pattern, compiled by RE2JS: matching takes linear time, so no pattern can freeze the engine
 * (a JS RegExp like `(a+)+$` over a 500 KB buffer would). RE2 syntax: no lookaround, no backreferences.
 */
function compilePattern(pattern: string): { test(text: string): boolean } {
  if (pattern.length > 1000) throw new ToolError('pattern is longer than 1000 characters');
  try {
    return RE2JS.compile(pattern);
  } catch (error) {
    throw new ToolError(`pattern is not a valid RE2 regular expression: ${oneLine(error)}`);
  }
}

/**
 * mcp-remote-ssh's patterns are plain text (a prompt such as `$ `, which as a regex never matches), Burrow's are
 * regular expressions: a pattern matches when either form does.
 */
function textOrPattern(pattern: string): { test(text: string): boolean } {
  const re = compilePattern(pattern);
  return { test: (text) => text.includes(pattern) || re.test(text) };
}

function lastLine(text: string): string {
  return text.trim().split('\n').pop() ?? '';
}

/**
 * A secret equal to a value of the tool's fixed vocabulary (an enum or a literal: `local_host` 127.0.0.1, a
 * `type`) is put back there: redacted, the result no longer matches its outputSchema and the SDK refuses all of
 * it, while the value tells nothing the schema does not. Any other mismatch is left for the SDK to report.
 */
function keepFixedValues<R extends object>(tool: SshToolName, original: R, redacted: R): R {
  const checked = RESULT_SCHEMAS[tool].safeParse(redacted);
  if (checked.success) return redacted;
  for (const issue of checked.error.issues) {
    if (issue.code !== 'invalid_value' || issue.path.length === 0) continue;
    let from: unknown = original;
    let to: unknown = redacted;
    for (const key of issue.path.slice(0, -1)) {
      from = (from as Record<PropertyKey, unknown>)?.[key];
      to = (to as Record<PropertyKey, unknown>)?.[key];
    }
    const last = issue.path.at(-1)!;
    if (from && to && typeof to === 'object') (to as Record<PropertyKey, unknown>)[last] = (from as Record<PropertyKey, unknown>)[last];
  }
  return redacted;
}

/**
 * The text, redacted once more (a sentence may quote an argument). A JSON text made from the redacted result is
 * redacted value by value instead: its strings are already, and a number that equals a secret (a port, a size)
 * would otherwise become `"remote_port":[secret DB_PORT]`, which is no longer JSON.
 */
function redactText(redact: Redactor, text: string): string {
  if (redact.empty) return text;
  if (text.startsWith('{') || text.startsWith('[')) {
    try {
      const value: unknown = JSON.parse(text);
      for (const indent of [undefined, 2]) if (JSON.stringify(value, null, indent) === text) return JSON.stringify(redact.redactValue(value), null, indent);
    } catch {
      // Not JSON (a file's text, say): redacted as text.
    }
  }
  return redact.redact(text);
}

/** Without keys whose value is undefined: structuredContent is checked against the schema as it is. */
function definedOnly<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

function errorResult(message: string): CallToolResult {
  return { content: [{ type: 'text', text: message }], isError: true };
}

/** Records a refused call, then answers with the refusal (or with the audit failure, which matters more). */
function failure(record: () => void, error: unknown, logger: Logger, tool: string): CallToolResult {
  try {
    record();
  } catch (auditError) {
    logger.error(`audit: cannot record ${tool}: ${oneLine(auditError)}`);
  }
  return errorResult(oneLine(error));
}

function redactingLogger(inner: Logger, redactor: () => Redactor): Logger {
  return createLogger([{ level: 'debug', write: (level, line) => inner[level](redactor().redact(line)) }]);
}
