import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { generateKeyFile } from '../core/ssh/key-generator.js';
import { parseCommandArgs } from './cli-args.js';

export async function run(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub !== 'generate') {
    process.stdout.write('usage: burrow keys generate [PATH] [--comment TEXT]\n');
    return sub === '--help' || sub === '-h' ? 0 : 2;
  }
  const { values, positionals } = parseCommandArgs('keys generate', rest, { comment: { type: 'string' } });
  const path = resolve(positionals[0] ?? join(homedir(), '.ssh', 'burrow_ed25519'));
  const publicKey = generateKeyFile(path, values.comment);
  process.stdout.write(`wrote ${path} (private, 0600) and ${path}.pub:\n${publicKey}\n`);
  return 0;
}
