import type { ApprovalDecision, PendingApproval } from '../../shared/approvals.js';
import type { BurrowEvent } from '../../shared/events.js';
import { INSPECTOR_CLIENT_NAME } from '../../shared/inspector-client.js';
import { requestDaemon } from '../core/ipc/ipc-client.js';
import { answerAtTerminal } from './answer-at-terminal.js';
import { listenToEngine } from './command-client.js';
import { personAtTerminal } from './confirm.js';

/** After the command's own answer, how long an answer line still in flight on the event stream may take. */
const LAST_WORD_MS = 1000;

/** Which queued items a command waits on (and so says, or asks at the terminal). */
export type Concerns = (p: PendingApproval) => boolean;

/** A relayed remote's: its host key and the passphrase or password it needs. */
export function remoteItems(remote: string): Concerns {
  return (p) => (p.kind === 'host-key' || p.kind === 'secret') && p.remote === remote;
}

/**
 * `burrow call @tools TOOL ARGS`: its own call only (the inspector's call of that tool, asked after this command
 * began; never the window's or an MCP host's), and for ssh_connect the host key or passphrase of the remote it names.
 */
export function toolCallItems(tool: string, args: Record<string, unknown>, since: number): Concerns {
  const named = typeof args.remote === 'string' ? args.remote : typeof args.host === 'string' ? args.host : undefined;
  return (p) => {
    if (p.kind === 'tool-call') return p.client === INSPECTOR_CLIENT_NAME && p.tool === tool && Date.parse(p.requestedAt) >= since;
    return tool === 'ssh_connect' && named !== undefined && remoteItems(named)(p);
  };
}

/**
 * `burrow tools` and `burrow call` wait inside the engine while a host key, a passphrase or (through the built-in
 * tools) a tool call waits for a person; without a word the terminal looks hung for the whole approval timeout.
 * While `work` runs, this hears the engine's events and says on stderr, as each of the items `concerns` is queued,
 * what waits and the command that answers it (as `burrow connect` does), then how it was answered. A person at a
 * terminal is asked instead, as ssh asks (answer-at-terminal.ts), one question at a time; a question answered in
 * the window meanwhile is taken back. The engine is started first when none runs, so `work` finds one.
 */
export async function sayWhatWaits<T>(concerns: Concerns, work: () => Promise<T>): Promise<T> {
  const said = new Map<string, PendingApproval>();
  // Asked on /dev/tty: there is none on Windows, where the lines below are said instead.
  const atTerminal = process.platform !== 'win32' && personAtTerminal();
  const questions = new Map<string, AbortController>();
  let asking = Promise.resolve();
  let allAnswered: (() => void) | undefined;
  const say = (p: PendingApproval) => {
    const line = concerns(p) ? waitingLine(p) : undefined;
    if (!line || said.has(p.id)) return;
    said.set(p.id, p);
    if (!atTerminal) {
      process.stderr.write(`burrow: ${line}\n`);
      return;
    }
    const question = new AbortController();
    questions.set(p.id, question);
    // A terminal that went away mid-question leaves the item to the window and the approval timeout.
    asking = asking.then(() => answerAtTerminal(p, question.signal)).catch(() => {});
  };
  const onEvent = (event: BurrowEvent) => {
    if (event.type === 'approval-added') say(event.approval);
    if (event.type !== 'approval-removed') return;
    questions.get(event.id)?.abort();
    questions.delete(event.id);
    const item = said.get(event.id);
    if (!item) return;
    said.delete(event.id);
    process.stderr.write(`burrow: ${answeredLine(item, event.outcome)}\n`);
    if (said.size === 0) allAnswered?.();
  };
  const subscription = await listenToEngine(onEvent);
  try {
    // Queued before we listened (another command's wait that this one joins): said too, once.
    void requestDaemon<PendingApproval[]>('pendingApprovals', []).then((pending) => pending.forEach(say), () => {});
    return await work();
  } finally {
    // The answer is emitted before the command goes on, but travels on another connection: let it arrive.
    if (said.size > 0) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([new Promise<void>((r) => (allAnswered = r)), new Promise((r) => (timer = setTimeout(r, LAST_WORD_MS))), subscription.closed]);
      clearTimeout(timer);
    }
    subscription.close();
    for (const question of questions.values()) question.abort();
  }
}

/** The line for one queued item: what waits, and the command that answers it. */
export function waitingLine(p: PendingApproval): string | undefined {
  if (p.kind === 'tool-call') {
    return `${p.tool} on ${p.remote} waits for a person (${p.reason}): ${p.detail}; allow it in Burrow or run: burrow approvals allow ${p.id}`;
  }
  if (p.kind === 'host-key') {
    return `waiting for approval of the host key of ${p.host}:${p.port}${p.remote ? ` (${p.remote})` : ''}: ${p.fingerprint}; approve it in Burrow or run: burrow hostkeys approve ${p.fingerprint}`;
  }
  if (p.kind === 'secret') {
    return `waiting for the ${p.secret.replace('-', ' ')} of ${p.remote}: enter it in Burrow, or run: burrow secrets enter ${p.id}`;
  }
  return undefined;
}

/** How a queued item that was said was answered (the engine's events say only approve, reject or timeout). */
export function answeredLine(p: PendingApproval, outcome: ApprovalDecision | 'timeout' | 'withdrawn'): string {
  if (p.kind === 'tool-call') {
    const what = `${p.tool} on ${p.remote}`;
    if (outcome === 'approve' || outcome === 'approve-once') return `${what} was allowed; going on`;
    if (outcome === 'reject') return `${what} was denied`;
    if (outcome === 'withdrawn') return `${what} was cancelled before anyone answered`;
    return `${what} was not answered within the approval timeout`;
  }
  if (p.kind === 'host-key') {
    const what = `the host key of ${p.host}:${p.port}${p.remote ? ` (${p.remote})` : ''}`;
    if (outcome === 'approve') return `${what} was approved; going on`;
    if (outcome === 'approve-once') return `${what} was approved for this connection; going on`;
    if (outcome === 'reject') return `${what} was rejected`;
    return `${what} was not answered within the approval timeout`;
  }
  // Devices' keys are never said by a command (waitingLine).
  const what = p.kind === 'secret' ? `the ${p.secret.replace('-', ' ')} of ${p.remote}` : `the key of device ${p.fingerprint}`;
  if (outcome === 'approve' || outcome === 'approve-once') return `${what} was entered; going on`;
  if (outcome === 'reject') return `${what} was refused`;
  return `${what} was not entered within the approval timeout`;
}
