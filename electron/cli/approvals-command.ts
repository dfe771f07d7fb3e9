import type { PendingToolCall } from '../../shared/approvals.js';
import { findCallId, shortCallId } from './call-id.js';
import { commandHelp, parseCommandArgs, runSubcommand, type Subcommand } from './cli-args.js';
import { callCommand } from './command-client.js';
import { formatTable } from './table-output.js';

const LIST_HELP = `usage: burrow approvals list [--json]

Calls of Burrow's built-in SSH tools that wait for a person: which MCP host asks, on which remote,
the exact command or path, and why it is asked.`;

const ALLOW_HELP = `usage: burrow approvals allow ID [--session]

Lets one waiting call run; --session also lets the same kind of call run for the rest of that host session.
ID is the one burrow approvals list shows, or any start of it that only one waiting call has.`;

const DENY_HELP = `usage: burrow approvals deny ID

Refuses a waiting call: the tool returns an error saying a person denied it, and nothing runs.
ID is the one burrow approvals list shows, or any start of it that only one waiting call has.`;

const TABLE: Record<string, Subcommand> = {
  list: { help: LIST_HELP, run: list },
  allow: { help: ALLOW_HELP, run: (args) => answer('allow', args) },
  deny: { help: DENY_HELP, run: (args) => answer('deny', args) },
};

export function run(args: string[]): Promise<number> {
  return runSubcommand('approvals', commandHelp(TABLE, 'Host keys and secrets have their own commands: burrow hostkeys, burrow secrets.'), args, TABLE, { ls: 'list' });
}

async function list(args: string[]): Promise<number> {
  const { values } = parseCommandArgs('approvals list', args, { json: { type: 'boolean' } }, false, LIST_HELP);
  const calls = (await callCommand('pendingApprovals')).filter((p): p is PendingToolCall => p.kind === 'tool-call');
  if (values.json) {
    process.stdout.write(`${JSON.stringify(calls, null, 2)}\n`);
    return 0;
  }
  if (calls.length === 0) {
    process.stdout.write('no tool call waits for approval\n');
    return 0;
  }
  const rows = [['ID', 'REMOTE', 'TOOL', 'CLIENT', 'WHAT', 'WHY'], ...calls.map((c) => [shortCallId(c.id, calls.map((o) => o.id)), c.remote, c.tool, c.client ?? '', c.detail, c.reason])];
  process.stdout.write(`${formatTable(rows).join('\n')}\n`);
  return 0;
}

async function answer(verb: 'allow' | 'deny', args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(`approvals ${verb}`, args, { session: { type: 'boolean' } }, true, verb === 'allow' ? ALLOW_HELP : DENY_HELP);
  const [given] = positionals;
  if (!given || positionals.length > 1) throw new Error(`approvals ${verb}: give the ID of one waiting call (burrow approvals list)`);
  const calls = (await callCommand('pendingApprovals')).filter((p): p is PendingToolCall => p.kind === 'tool-call');
  const id = findCallId(given, calls, `approvals ${verb}`);
  // approve-once: Allow once; approve: Allow for this session; reject: Deny.
  await callCommand('answerApproval', id, verb === 'deny' ? 'reject' : values.session ? 'approve' : 'approve-once');
  process.stdout.write(`${verb === 'deny' ? 'denied' : values.session ? 'allowed for the session' : 'allowed once'}: ${id}\n`);
  return 0;
}

