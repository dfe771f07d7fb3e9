import type { ApprovalDecision, PendingApproval } from '../../shared/approvals.js';
import type { BurrowEvent } from '../../shared/events.js';
import { BUILT_IN_TOOLS_TARGET } from '../../shared/tools.js';
import { INSPECTOR_CLIENT_NAME } from '../core/inspector/inspector-client-name.js';
import { requestDaemon } from '../core/ipc/ipc-client.js';
import { answerAtTerminal } from './answer-at-terminal.js';
import { listenToEngine } from './command-client.js';
import { personAtTerminal } from './confirm.js';

/** After the command's own answer, how long an answer line still in flight on the event stream may take. */
const LAST_WORD_MS = 1000;

/**
 * `burrow tools` and `burrow call` wait inside the engine while a host key or a passphrase of the remote waits
 * for a person; without a word the terminal looks hung for the whole approval timeout. While `work` runs, this
 * hears the engine's events and says on stderr, as each is queued, what waits and the command that answers it
 * (as `burrow connect` does), then how it was answered. A person at a terminal is asked instead, as ssh asks
 * (answer-at-terminal.ts), one question at a time; a question answered in the window meanwhile is taken back.
 * The engine is started first when none runs, so `work` finds one.
 */
export async function sayWhatWaits<T>(remote: string, work: () => Promise<T>): Promise<T> {
  const said = new Map<string, PendingApproval>();
  // Asked on /dev/tty: there is none on Windows, where the lines below are said instead.
  const atTerminal = process.platform !== 'win32' && personAtTerminal();
  const questions = new Map<string, AbortController>();
  let asking = Promise.resolve();
  let allAnswered: (() => void) | undefined;
  const say = (p: PendingApproval) => {
    const line = waitingLine(p, remote);
    if (!line || said.has(p.id)) return;
    said.set(p.id, p);
    if (!atTerminal) {
      process.stderr.write(`burrow: ${line}\n`);
      return;
    }
    const question = new AbortController();
    questions.set(p.id, question);
    // A terminal that went away mid-question leaves the item to the window and the approval timeout.
    asking = asking.then(() => answerAtTerminal(p, remote, question.signal)).catch(() => {});
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

/**
 * The line for one queued item this command waits on, or undefined for others' items. Through the built-in tools
 * (`@tools`) that is any remote's host key or secret, and the tool calls of Burrow's inspector.
 */
export function waitingLine(p: PendingApproval, remote: string): string | undefined {
  const tools = remote === BUILT_IN_TOOLS_TARGET;
  if (p.kind === 'tool-call') {
    if (!tools || p.client !== INSPECTOR_CLIENT_NAME) return undefined;
    return `${p.tool} on ${p.remote} waits for a person (${p.reason}): ${p.detail}; allow it in Burrow or run: burrow approvals allow ${p.id}`;
  }
  if (p.remote !== remote && !tools) return undefined;
  if (p.kind === 'host-key') {
    return `waiting for approval of the host key of ${p.host}:${p.port}${p.remote ? ` (${p.remote})` : ''}: ${p.fingerprint}; approve it in Burrow or run: burrow hostkeys approve ${p.fingerprint}`;
  }
  if (p.kind === 'secret') {
    return `waiting for the ${p.secret.replace('-', ' ')} of ${p.remote}: enter it in Burrow, or run: burrow secrets enter ${p.id}`;
  }
  return undefined;
}

/** How a queued item that was said was answered (the engine's events say only approve, reject or timeout). */
export function answeredLine(p: PendingApproval, outcome: ApprovalDecision | 'timeout'): string {
  if (p.kind === 'tool-call') {
    const what = `${p.tool} on ${p.remote}`;
    if (outcome === 'approve' || outcome === 'approve-once') return `${what} was allowed; going on`;
    if (outcome === 'reject') return `${what} was denied`;
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
