import { parseArgs, type ParseArgsConfig } from 'node:util';

type Options = NonNullable<ParseArgsConfig['options']>;

/** node:util parseArgs with one-line errors a person can act on. */
export function parseCommandArgs<O extends Options>(command: string, args: string[], options: O, allowPositionals = true) {
  try {
    return parseArgs({ args, options, allowPositionals, strict: true });
  } catch (error) {
    throw new Error(`${command}: ${(error as Error).message.split('\n')[0]}`);
  }
}

export function parsePort(text: string | undefined, flag: string, fallback: number): number {
  if (text === undefined) return fallback;
  const port = Number(text);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`${flag} must be a port number from 1 to 65535, not "${text}"`);
  return port;
}

type Subcommand = (args: string[]) => Promise<number>;

/**
 * `burrow <command> <subcommand> …`: runs the named subcommand, prints the help for none or --help,
 * and names the choices for an unknown one. `aliases` maps short names (ls, rm) to real ones.
 */
export function runSubcommand(command: string, help: string, args: string[], table: Record<string, Subcommand>, aliases: Record<string, string> = {}): Promise<number> {
  const [given, ...rest] = args;
  if (given === undefined || given === '--help' || given === '-h') {
    process.stdout.write(`${help}\n`);
    return Promise.resolve(given ? 0 : 2);
  }
  const name = aliases[given] ?? given;
  const sub = Object.prototype.hasOwnProperty.call(table, name) ? table[name] : undefined;
  if (!sub) throw new Error(`${command}: unknown subcommand "${given}" (${Object.keys(table).join(', ')})`);
  return sub(rest);
}
