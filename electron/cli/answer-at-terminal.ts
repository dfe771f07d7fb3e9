import { secretWanted, type PendingApproval } from '../../shared/approvals.js';
import { callCommand } from './command-client.js';
import { hostKeyQuestion, trustsHostKey } from './host-key-question.js';
import { askOnTerminal } from './tty-prompt.js';

/**
 * Asks the person at the terminal what the engine waits for on behalf of their `burrow tools`/`burrow call`: a host
 * key as ssh asks it, a passphrase or password hidden, a built-in tool call (`burrow call @tools …`) to allow. The
 * answer goes into the engine's queue, as `burrow hostkeys approve`, `burrow secrets enter` or `burrow approvals`
 * would send it; "yes" remembers the key, as ssh adds it to known_hosts. Aborted (answered in the window meanwhile),
 * it sends nothing.
 */
export async function answerAtTerminal(item: PendingApproval, signal: AbortSignal): Promise<void> {
  if (item.kind === 'host-key') {
    const reply = await askOnTerminal(hostKeyQuestion(item, item.remote), false, signal);
    if (signal.aborted) return;
    // By its id: the same key waiting for another host:port was not the question asked.
    await quietly(callCommand('answerApproval', item.id, trustsHostKey(reply, item) ? 'approve' : 'reject'));
  } else if (item.kind === 'secret') {
    const value = await askOnTerminal(`Enter ${secretWanted(item)}: `, true, signal);
    if (signal.aborted) return;
    // Enter alone or Ctrl-C: refused, so the command ends now instead of at the approval timeout.
    await quietly(value ? callCommand('answerSecret', item.id, value) : callCommand('refuseSecret', item.id));
  } else if (item.kind === 'tool-call') {
    const reply = await askOnTerminal(`Allow ${item.tool} on ${item.remote}: ${item.detail} (${item.reason})? (yes/no) `, false, signal);
    if (signal.aborted) return;
    // Once: this command asked for this call; a session-wide allowance is the window's or burrow approvals allow --session.
    await quietly(callCommand('answerApproval', item.id, /^\s*y(es)?\s*$/i.test(reply ?? '') ? 'approve-once' : 'reject'));
  }
}

/** Answered elsewhere a moment before ours arrived: the engine's events say how it went. */
async function quietly(answer: Promise<unknown>): Promise<void> {
  try {
    await answer;
  } catch {
    // nothing waits any more
  }
}
