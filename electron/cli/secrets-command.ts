import type { PendingSecret } from '../../shared/approvals.js';
import { secretWanted } from '../../shared/approvals.js';
import { parseCommandArgs, runSubcommand } from './cli-args.js';
import { callCommand } from './command-client.js';
import { askOnTerminal, terminalAvailable } from './tty-prompt.js';

const HELP = `usage: burrow secrets list [--json]
       burrow secrets enter ID
       burrow secrets refuse ID

Passphrases and passwords that connections to saved remotes wait for, in the running Burrow.
"enter" reads the secret from the terminal without echo, or else the first line of stdin;
never from the command line, where other users and shell history would see it.`;

export function run(args: string[]): Promise<number> {
  return runSubcommand('secrets', HELP, args, { list, enter, refuse }, { ls: 'list' });
}

async function list(args: string[]): Promise<number> {
  const { values } = parseCommandArgs('secrets list', args, { json: { type: 'boolean' } }, false);
  const pending = (await callCommand('pendingApprovals')).filter((p): p is PendingSecret => p.kind === 'secret');
  if (values.json) {
    process.stdout.write(`${JSON.stringify(pending, null, 2)}\n`);
    return 0;
  }
  if (pending.length === 0) process.stdout.write('no passphrase or password is waiting\n');
  for (const p of pending) process.stdout.write(`${p.id}  ${secretWanted(p)}  since ${p.requestedAt}\n`);
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
  const { positionals } = parseCommandArgs(`secrets ${verb}`, args, {});
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
