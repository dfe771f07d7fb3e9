import type { PendingSecret } from '../../shared/approvals.js';
import { secretWanted } from '../../shared/approvals.js';
import { commandHelp, parseCommandArgs, runSubcommand, type Subcommand } from './cli-args.js';
import { callCommand } from './command-client.js';
import { whenText } from './time-text.js';
import { askOnTerminal, terminalAvailable } from './tty-prompt.js';


const LIST_HELP = `usage: burrow secrets list [--json]

Passphrases and passwords that connections to saved remotes wait for, in the running Burrow.`;

const ENTER_HELP = `usage: burrow secrets enter ID

Sends the secret a connection waits for (ID from "burrow secrets list"). It is read from the terminal
without echo, or else the first line of stdin; never from the command line, where other users and
shell history would see it.`;

const REFUSE_HELP = `usage: burrow secrets refuse ID

Refuses to give the secret: the connection that waits for it fails.`;

const TABLE: Record<string, Subcommand> = {
  list: { help: LIST_HELP, run: list },
  enter: { help: ENTER_HELP, run: enter },
  refuse: { help: REFUSE_HELP, run: refuse },
};

const HELP = commandHelp(TABLE, `Passphrases and passwords that connections to saved remotes wait for, in the running Burrow.
"enter" reads the secret from the terminal without echo, or else the first line of stdin;
never from the command line, where other users and shell history would see it.`);

export function run(args: string[]): Promise<number> {
  return runSubcommand('secrets', HELP, args, TABLE, { ls: 'list' });
}

async function list(args: string[]): Promise<number> {
  const { values } = parseCommandArgs('secrets list', args, { json: { type: 'boolean' } }, false, LIST_HELP);
  const pending = (await callCommand('pendingApprovals')).filter((p): p is PendingSecret => p.kind === 'secret');
  if (values.json) {
    process.stdout.write(`${JSON.stringify(pending, null, 2)}\n`);
    return 0;
  }
  if (pending.length === 0) process.stdout.write('no passphrase or password is waiting\n');
  for (const p of pending) process.stdout.write(`${p.id}  ${secretWanted(p)}  since ${whenText(p.requestedAt)}\n`);
  return 0;
}

async function enter(args: string[]): Promise<number> {
  const id = oneId('enter', args);
  const pending = (await callCommand('pendingApprovals')).filter((p): p is PendingSecret => p.kind === 'secret');
  const item = pending.find((p) => p.id === id);
  if (!item) throw new Error(`secrets enter: nothing waits with id ${id} (burrow secrets list)`);
  const value = terminalAvailable() && process.stdin.isTTY ? await askOnTerminal(`Enter ${secretWanted(item)}: `, true) : await firstLineOfStdin();
  if (!value) throw new Error('secrets enter: nothing was entered');
  await callCommand('answerSecret', id, value);
  process.stdout.write(`sent ${item.secret} for ${item.remote}\n`);
  return 0;
}

async function refuse(args: string[]): Promise<number> {
  const id = oneId('refuse', args);
  await callCommand('refuseSecret', id);
  process.stdout.write(`refused ${id}\n`);
  return 0;
}

function oneId(verb: string, args: string[]): string {
  const { positionals } = parseCommandArgs(`secrets ${verb}`, args, {}, true, verb === 'enter' ? ENTER_HELP : REFUSE_HELP);
  if (positionals.length !== 1) throw new Error(`secrets ${verb}: give one ID from burrow secrets list (the secret itself is read from the terminal or stdin)`);
  return positionals[0];
}

function firstLineOfStdin(): Promise<string | undefined> {
  return new Promise((resolve) => {
    let text = '';
    const done = () => {
      process.stdin.pause();
      const line = text.split(/\r?\n/)[0];
      resolve(line === '' ? undefined : line);
    };
    process.stdin.setEncoding('utf8');
    process.stdin.on('data', (chunk: string) => {
      text += chunk;
      if (text.includes('\n')) done();
    });
    process.stdin.once('end', done);
  });
}
