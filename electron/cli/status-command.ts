import type { EngineStatus } from '../../shared/api.js';
import { deviceKeyWanted } from '../../shared/approvals.js';
import { requestDaemon } from '../core/ipc/ipc-client.js';
import { parseCommandArgs } from './cli-args.js';
import { isNoEngine } from './command-client.js';
import { formatTable } from './table-output.js';
import { durationText, localTimeText, whenText } from './time-text.js';

const HELP = `usage: burrow status [--json]

Whether a Burrow engine runs (the tray app or burrow daemon): its pid, uptime and UI address,
each remote's state and open sessions (Burrow's own inspector session, which burrow tools and
burrow call open and which closes when idle, apart from the MCP apps'), the host sessions using the built-in SSH tools (which
remotes, open shells and forwards), and what waits for a person (host keys, secrets, alerts).
Times are local (TZ); --json gives them as ISO UTC. Exit code 0 when an engine runs, 3 when none does.`;

/** The exit code that says "no engine runs" (as systemctl's status uses 3 for "not running"). */
export const NOT_RUNNING = 3;

export async function run(args: string[]): Promise<number> {
  const { values } = parseCommandArgs('status', args, { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } }, false);
  if (values.help) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  let status: EngineStatus;
  try {
    status = await requestDaemon<EngineStatus>('engineStatus', []);
  } catch (error) {
    if (!isNoEngine(error)) throw error;
    if (values.json) process.stdout.write(`${JSON.stringify({ running: false }, null, 2)}\n`);
    else process.stdout.write('no Burrow engine is running (start one: npm start, or burrow daemon; burrow connect starts one too)\n');
    return NOT_RUNNING;
  }
  if (values.json) {
    process.stdout.write(`${JSON.stringify({ running: true, ...status }, null, 2)}\n`);
    return 0;
  }
  const kind = status.kind === 'app' ? 'the tray app' : 'burrow daemon';
  const lines = [`Burrow ${status.version}: ${kind}, pid ${status.pid}, up ${durationText(status.uptimeSec)}${status.paused ? ', PAUSED (new sessions are refused)' : ''}`];
  if (status.ui) lines.push(`UI: ${status.ui}`);
  if (status.remotes.length === 0) lines.push('no remotes yet: burrow remote add NAME --host HOST [--command CMD]');
  else {
    lines.push('', ...formatTable([
      ['REMOTE', 'STATE', 'SESSIONS', 'DETAIL'],
      ...status.remotes.map((r) => [r.name, r.state, String(r.sessions), r.detail ?? '']),
    ]));
  }
  const now = new Date();
  const appSessions = status.sessions.filter((s) => !s.inspector);
  if (appSessions.length > 0) {
    lines.push('', ...formatTable([
      ['SESSION', 'REMOTE', 'CLIENT', 'SINCE', 'STATE'],
      ...appSessions.map((s) => [String(s.id), s.remote, s.client ?? '', whenText(s.openedAt, now), s.waitingFor ? `waiting for ${s.waitingFor}` : 'relaying']),
    ]));
  }
  // Not an MCP app's: burrow tools/call and the window's Inspector keep it for their next use, then it closes.
  const inspectorSessions = status.sessions.filter((s) => s.inspector);
  if (inspectorSessions.length > 0) lines.push('');
  for (const s of inspectorSessions) {
    const closesAt = s.inspector?.closesAt;
    const closes = closesAt ? `in ${durationText(Math.max(0, Math.round((Date.parse(closesAt) - now.getTime()) / 1000)))}` : 'now';
    lines.push(`Burrow inspector on ${s.remote} (session ${s.id}, since ${localTimeText(s.openedAt, now)}): closes when idle, ${closes}`);
  }
  const toolSessions = status.toolSessions ?? [];
  if (toolSessions.length > 0) {
    lines.push('', ...formatTable([
      ['TOOLS SESSION', 'CLIENT', 'REMOTES', 'SHELLS', 'FORWARDS', 'SINCE'],
      ...toolSessions.map((t) => [
        t.id,
        t.client ?? '',
        [...new Set(t.sessions.map((s) => s.remote))].join(',') || '(none yet)',
        String(t.sessions.reduce((n, s) => n + s.shells, 0)),
        String(t.sessions.reduce((n, s) => n + s.forwards, 0)),
        whenText(t.openedAt, now),
      ]),
    ]));
  }
  for (const p of status.pending) {
    if (p.kind === 'host-key') lines.push(`WAITING: host key ${p.fingerprint} of ${p.host}:${p.port}${p.remote ? ` (${p.remote})` : ''}: burrow hostkeys approve ${p.fingerprint}`);
    else if (p.kind === 'secret') lines.push(`WAITING: the ${p.secret} for ${p.remote}: burrow secrets enter ${p.id}`);
    else if (p.kind === 'tool-call') lines.push(`WAITING: ${p.tool} on ${p.remote}${p.client ? ` for ${p.client}` : ''}: ${p.detail}: burrow approvals allow ${p.id}`);
    else lines.push(`WAITING: ${deviceKeyWanted(p)}: burrow devices approve ${p.fingerprint} --name NAME`);
  }
  for (const a of status.alerts) lines.push(`ALERT: the host key of ${a.host}:${a.port} CHANGED (offered ${a.offeredFingerprint}, expected ${a.expectedFingerprint}); refused`);
  process.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}
