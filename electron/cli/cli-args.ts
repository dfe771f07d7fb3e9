import { parseArgs, type ParseArgsConfig } from 'node:util';
import { parseJumpSpec, type JumpSpec } from '../../shared/jump-spec.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * Thrown by parseCommandArgs when --help or -h is given: the command's usage goes to stdout and the
 * command succeeds. runSubcommand (and connect) catch it; nothing else runs after a help request.
 */
export class HelpRequested extends Error {
  constructor(readonly usage: string) {
    super('help requested');
    this.name = 'HelpRequested';
  }
}

/**
 * node:util parseArgs with one-line errors a person can act on: an unknown flag names the nearest
 * known one. With `usage`, --help and -h print that usage instead (as a HelpRequested).
 */
export function parseCommandArgs<O extends Options>(command: string, args: string[], options: O, allowPositionals = true, usage?: string) {
  // A help request wins over any mistake in the other arguments, as in most CLIs.
  if (usage !== undefined && args.some((a) => a === '--help' || a === '-h')) {
    const withHelp: Options = { ...options, help: { type: 'boolean', short: 'h' } };
    try {
      const { values } = parseArgs({ args, options: withHelp, allowPositionals, strict: true });
      if (values.help) throw new HelpRequested(usage);
    } catch (error) {
      if (error instanceof HelpRequested) throw error;
      throw new HelpRequested(usage);
    }
  }
  try {
    return parseArgs({ args, options, allowPositionals, strict: true });
  } catch (error) {
    throw new Error(`${command}: ${describeParseError(error as Error & { code?: string }, Object.keys(options), command)}`);
  }
}

/** parseArgs' multi-line messages, said in one line with what to do. */
function describeParseError(error: Error & { code?: string }, known: string[], command: string): string {
  const message = error.message;
  const unknown = /^Unknown option '([^']+)'/.exec(message);
  if (unknown) {
    const given = unknown[1];
    const nearest = nearestOption(given, known);
    return nearest ? `unknown option ${given} (did you mean --${nearest}?)` : `unknown option ${given} (see burrow ${command} --help)`;
  }
  const positional = /^Unexpected argument '([^']*)'/.exec(message);
  if (positional) return `unexpected argument "${positional[1]}" (see burrow ${command} --help)`;
  const missing = /^Option '(?:-\w, )?(--[\w-]+)(?: <value>)?' argument missing/.exec(message);
  if (missing) return `${missing[1]} needs a value`;
  const ambiguous = /^Option '(?:-\w, )?(--[\w-]+)(?: <value>)?' argument is ambiguous/.exec(message);
  if (ambiguous) return `${ambiguous[1]} needs a value (to give one that starts with "-", write ${ambiguous[1]}=VALUE)`;
  const noValue = /^Option '(?:-\w, )?(--[\w-]+)(?: <value>)?' does not take an argument/.exec(message);
  if (noValue) return `${noValue[1]} takes no value`;
  return message.split('\n')[0];
}

/** The known option closest to a mistyped one, if it is close enough to be a typo. */
export function nearestOption(given: string, known: string[]): string | undefined {
  const bare = given.replace(/^-+/, '').split('=')[0].toLowerCase();
  if (!bare) return undefined;
  let best: { name: string; distance: number } | undefined;
  for (const name of known) {
    const distance = editDistance(bare, name.toLowerCase());
    if (!best || distance < best.distance) best = { name, distance };
  }
  // A swap or two of letters, or a missing one: not a different word altogether.
  const allowed = Math.max(1, Math.min(3, Math.floor(bare.length / 3)));
  return best && best.distance <= allowed ? best.name : undefined;
}

/** Damerau–Levenshtein (optimal string alignment): a transposition ("hots" for "host") counts as one edit. */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

export function parsePort(text: string | undefined, flag: string, fallback: number): number {
  if (text === undefined) return fallback;
  // Digits only: Number() would read 0x16, 1e3 or 22.0 as another port, saved without a word.
  const port = /^\s*\d+\s*$/.test(text) ? Number(text) : NaN;
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`${flag} must be a port number from 1 to 65535, not "${text}"`);
  return port;
}

/**
 * --host as ssh takes it, `[user@]host[:port]` (`me@box:2222`); a plain host is that host. The user or the port
 * given both there and with its own flag (`userFlag`, `portGiven`) is refused rather than one silently winning.
 */
export function parseHostFlag(where: string, host: string, userFlag: string | undefined, portGiven: boolean): JumpSpec {
  let address: JumpSpec;
  try {
    address = parseJumpSpec(host, 'host');
  } catch (error) {
    throw new Error(`${where}: --host: ${(error as Error).message}`);
  }
  if (address.user !== undefined && userFlag) throw new Error(`${where}: give the user in --host (${address.user}@…) or with ${userFlag}, not both`);
  if (address.port !== undefined && portGiven) throw new Error(`${where}: give the port in --host (…:${address.port}) or with --port, not both`);
  return address;
}

export interface Subcommand {
  /** `usage: burrow <command> <sub> …` lines, and what the subcommand does. */
  help: string;
  run: (args: string[]) => Promise<number>;
}

/**
 * `burrow <command> <subcommand> …`: runs the named subcommand, prints the command's help for none
 * or --help and the subcommand's for `<subcommand> --help`, and names the choices for an unknown one.
 * `aliases` maps short names (ls, rm) to real ones.
 */
export async function runSubcommand(command: string, help: string, args: string[], table: Record<string, Subcommand>, aliases: Record<string, string> = {}): Promise<number> {
  const [given, ...rest] = args;
  if (given === undefined || given === '--help' || given === '-h' || given === 'help') {
    process.stdout.write(`${help}\n`);
    return given ? 0 : 2;
  }
  const name = aliases[given] ?? given;
  const sub = Object.prototype.hasOwnProperty.call(table, name) ? table[name] : undefined;
  if (!sub) {
    const nearest = nearestOption(given, Object.keys(table));
    throw new Error(`${command}: unknown subcommand "${given}" (${nearest ? `did you mean ${nearest}? ` : ''}choose one of: ${Object.keys(table).join(', ')})`);
  }
  try {
    return await sub.run(rest);
  } catch (error) {
    if (!(error instanceof HelpRequested)) throw error;
    process.stdout.write(`${error.usage}\n`);
    return 0;
  }
}

/** The usage lines of every subcommand, then notes: the help of `burrow <command>`. */
export function commandHelp(table: Record<string, Subcommand>, notes: string): string {
  const usage = Object.values(table)
    .map((s) => s.help.split('\n\n')[0])
    .join('\n')
    .split('\n')
    .map((line, i) => (i === 0 ? line : line.replace(/^usage: /, '       ')));
  return `${usage.join('\n')}\n\n${notes}`;
}
