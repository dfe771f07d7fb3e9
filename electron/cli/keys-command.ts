import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { describeFileError } from '../core/file-errors.js';
import { generateKeyFile } from '../core/ssh/key-generator.js';
import { commandHelp, parseCommandArgs, runSubcommand, type Subcommand } from './cli-args.js';

const DEFAULT_KEY = join(homedir(), '.ssh', 'burrow_ed25519');

const GENERATE_HELP = `usage: burrow keys generate [PATH] [--comment TEXT]

Makes an ed25519 key pair without a passphrase: PATH (default ${DEFAULT_KEY}, mode 0600) and PATH.pub.
Never overwrites a file. Prints the public key and how to let a server accept it.`;

const TABLE: Record<string, Subcommand> = {
  generate: { help: GENERATE_HELP, run: generate },
};

const HELP = commandHelp(TABLE, 'Keys for "burrow remote add --key PATH" and "burrow connect --client-key PATH".');

export function run(args: string[]): Promise<number> {
  return runSubcommand('keys', HELP, args, TABLE, { gen: 'generate' });
}

async function generate(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs('keys generate', args, { comment: { type: 'string' } }, true, GENERATE_HELP);
  if (positionals.length > 1) throw new Error(`keys generate: give one PATH, not "${positionals.join(' ')}"`);
  const path = resolve(positionals[0] ?? DEFAULT_KEY);
  let publicKey: string;
  try {
    publicKey = generateKeyFile(path, values.comment);
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    throw new Error(`keys generate: ${e.code ? describeFileError(e, e.path ?? path) : e.message}`);
  }
  process.stdout.write(
    [
      `wrote ${path} (private, 0600) and ${path}.pub`,
      '',
      'Next, let the server accept the key: add this line to ~/.ssh/authorized_keys of the account you log in as on the server',
      '',
      publicKey,
      '',
      `or, where you can still log in with a password or another key: ssh-copy-id -i ${path}.pub USER@HOST`,
      `Then: burrow remote add NAME --host HOST --user USER --key ${path}`,
      '',
    ].join('\n'),
  );
  return 0;
}
