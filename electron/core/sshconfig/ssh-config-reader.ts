import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { homedir, hostname, userInfo } from 'node:os';
import { isAbsolute, join, sep } from 'node:path';
import SSHConfig, { LineType, type Line } from 'ssh-config';
import { BurrowError } from '../errors.js';

export interface SshConfigOptions {
  /** Where relative `Include` paths point (OpenSSH: ~/.ssh for a user's config). */
  sshDir?: string;
  /** `~` and `%d`. */
  home?: string;
  /** `%u`, and the login name when the config names no User. */
  localUser?: string;
}

/** One option as OpenSSH settled it for a host: the first value wins (IdentityFile and the like accumulate). */
export interface SshOption {
  /** As written (first occurrence), for notes. */
  name: string;
  values: string[];
  file: string;
}

/** The options that apply to one alias, keyed by lower-case name, in the order first seen. */
export type ResolvedOptions = Map<string, SshOption>;

/** Options that may be given more than once, every value counting (ssh_config(5)). */
const ACCUMULATING = new Set(['identityfile', 'certificatefile', 'localforward', 'remoteforward', 'dynamicforward', 'sendenv', 'setenv']);
const MAX_INCLUDE_DEPTH = 16;

/**
 * Reads an OpenSSH client config with the `ssh-config` parser and applies it the way ssh does:
 * `Include` (globs, relative paths in ~/.ssh, inside a Host block only when it applies), `Host`
 * patterns with `*`, `?` and `!`, first value wins. `Match` blocks are skipped (named in `warnings`).
 */
export class SshConfigReader {
  readonly home: string;
  readonly sshDir: string;
  readonly localUser: string;
  /** Things the reader could not honour, one line each (Match blocks, unreadable includes). */
  readonly warnings: string[] = [];
  private readonly parsed = new Map<string, SSHConfig>();

  constructor(
    readonly file: string,
    options: SshConfigOptions = {},
  ) {
    this.home = options.home ?? homedir();
    this.sshDir = options.sshDir ?? join(this.home, '.ssh');
    this.localUser = options.localUser ?? userInfo().username;
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      throw new BurrowError(`cannot read ssh config ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, 'config');
    }
    this.parsed.set(file, this.parse(file, text));
  }

  /** The aliases a person can pick: every Host name without wildcards or negation, in file order. */
  hosts(): string[] {
    const seen = new Set<string>();
    const visit = (lines: Line[], file: string, depth: number) => {
      for (const line of lines) {
        if (line.type !== LineType.DIRECTIVE) continue;
        const param = line.param.toLowerCase();
        if (param === 'host') {
          for (const pattern of values(line.value)) if (!/[*?!]/.test(pattern)) seen.add(pattern);
        }
        if (param === 'include' && depth < MAX_INCLUDE_DEPTH) {
          for (const included of this.includeFiles(line.value, file)) visit(this.load(included), included, depth + 1);
        }
        if ('config' in line && param !== 'match') visit(line.config, file, depth);
      }
    };
    visit(this.load(this.file), this.file, 0);
    return [...seen];
  }

  /** Whether some Host line names `alias` or a pattern that matches it (in any file). */
  hasHostFor(alias: string): boolean {
    let found = false;
    const visit = (lines: Line[], file: string, depth: number) => {
      for (const line of lines) {
        if (found || line.type !== LineType.DIRECTIVE) continue;
        const param = line.param.toLowerCase();
        if (param === 'host' && matchesHost(values(line.value), alias) && !values(line.value).every((p) => p === '*')) found = true;
        if (param === 'include' && depth < MAX_INCLUDE_DEPTH) {
          for (const included of this.includeFiles(line.value, file)) visit(this.load(included), included, depth + 1);
        }
        if ('config' in line && param !== 'match') visit(line.config, file, depth);
      }
    };
    visit(this.load(this.file), this.file, 0);
    return found;
  }

  /** The options that apply to `alias`, as ssh -G would settle them (before token expansion). */
  resolve(alias: string): ResolvedOptions {
    const options: ResolvedOptions = new Map();
    const set = (name: string, vals: string[], file: string) => {
      const key = name.toLowerCase();
      const existing = options.get(key);
      if (existing) {
        if (ACCUMULATING.has(key)) existing.values.push(...vals);
        return;
      }
      options.set(key, { name, values: [...vals], file });
    };
    const walk = (lines: Line[], file: string, active: boolean, depth: number) => {
      for (const line of lines) {
        if (line.type !== LineType.DIRECTIVE) continue;
        const param = line.param.toLowerCase();
        if (param === 'host') {
          const hostActive = matchesHost(values(line.value), alias);
          if ('config' in line) walk(line.config, file, hostActive, depth);
        } else if (param === 'match') {
          this.warn(`${file}: skipped "Match ${values(line.value).join(' ')}" (Match blocks are not supported)`);
        } else if (param === 'include') {
          // As OpenSSH: an Include in a block that does not apply brings in nothing.
          if (!active) continue;
          if (depth >= MAX_INCLUDE_DEPTH) throw new BurrowError(`${file}: Include nested more than ${MAX_INCLUDE_DEPTH} deep (a loop?)`, 'config');
          for (const included of this.includeFiles(line.value, file)) walk(this.load(included), included, true, depth + 1);
        } else if (active) {
          set(line.param, values(line.value), file);
        }
      }
    };
    walk(this.load(this.file), this.file, true, 0);
    return options;
  }

  /** Expands `~`, `${ENV}` and OpenSSH's `%` tokens in a path-like value (IdentityFile, UserKnownHostsFile…). */
  expandPath(value: string, tokens: TokenContext, option: string): string {
    let text = expandTokens(value, { ...tokens, home: this.home, localUser: this.localUser }, option);
    text = text.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_m, name: string) => {
      const env = process.env[name];
      if (env === undefined) throw new BurrowError(`${option} ${value}: environment variable ${name} is not set`, 'config');
      return env;
    });
    if (text === '~') return this.home;
    if (text.startsWith('~/')) return join(this.home, text.slice(2));
    return text;
  }

  private warn(message: string): void {
    if (!this.warnings.includes(message)) this.warnings.push(message);
  }

  private load(file: string): SSHConfig {
    const cached = this.parsed.get(file);
    if (cached) return cached;
    let config: SSHConfig;
    try {
      config = this.parse(file, readFileSync(file, 'utf8'));
    } catch (error) {
      if (error instanceof BurrowError) throw error;
      this.warn(`cannot read included file ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
      config = new SSHConfig();
    }
    this.parsed.set(file, config);
    return config;
  }

  private parse(file: string, text: string): SSHConfig {
    try {
      return SSHConfig.parse(text);
    } catch (error) {
      throw new BurrowError(`cannot parse ssh config ${file}: ${(error as Error).message}`, 'config');
    }
  }

  /** The files an Include names: `~` expanded, relative to ~/.ssh, globs matched and sorted (as glob(3)). */
  private includeFiles(value: unknown, file: string): string[] {
    const found: string[] = [];
    for (const word of splitWords(values(value))) {
      let path = word.startsWith('~/') ? join(this.home, word.slice(2)) : word;
      if (!isAbsolute(path)) path = join(this.sshDir, path);
      const matches = globFiles(path);
      if (matches.length === 0 && !/[*?]/.test(path)) this.warn(`${file}: Include ${word}: no such file`);
      found.push(...matches);
    }
    return found;
  }
}

export interface TokenContext {
  /** %h: the host name to connect to (after HostName). */
  hostName: string;
  /** %n: the alias as given. */
  alias: string;
  /** %p */
  port: number;
  /** %r: the remote login name. */
  user: string;
  /** %j: the ProxyJump value, if any. */
  proxyJump?: string;
  /** %k: HostKeyAlias, else the alias. */
  hostKeyAlias?: string;
}

/** OpenSSH's TOKENS (ssh_config(5)); an unknown one is an error, as in ssh. */
export function expandTokens(value: string, ctx: TokenContext & { home: string; localUser: string }, option: string): string {
  return value.replace(/%(.)/g, (_m, token: string) => {
    switch (token) {
      case '%':
        return '%';
      case 'd':
        return ctx.home;
      case 'u':
        return ctx.localUser;
      case 'r':
        return ctx.user;
      case 'h':
        return ctx.hostName;
      case 'n':
        return ctx.alias;
      case 'p':
        return String(ctx.port);
      case 'j':
        return ctx.proxyJump ?? '';
      case 'k':
        return ctx.hostKeyAlias ?? ctx.alias;
      case 'i':
        return String(process.getuid?.() ?? '');
      case 'L':
        return hostname().split('.')[0];
      case 'l':
        return hostname();
      case 'C':
        return createHash('sha1').update(`${hostname()}${ctx.hostName}${ctx.port}${ctx.user}${ctx.proxyJump ?? ''}`).digest('hex');
      default:
        throw new BurrowError(`${option} ${value}: unknown token %${token}`, 'config');
    }
  });
}

function values(value: unknown): string[] {
  if (Array.isArray(value)) return value.map((v: { val: string }) => v.val);
  return [String(value)];
}

/** An Include line may name several files; the parser keeps the line whole. */
function splitWords(list: string[]): string[] {
  return list.flatMap((v) => v.match(/"[^"]*"|\S+/g)?.map((w) => w.replace(/^"|"$/g, '')) ?? []);
}

/**
 * ssh_config(5) PATTERNS: `*` and `?` wildcards, case-insensitive; a matching `!pattern` rules the
 * block out whatever else matches. (The parser's own glob treats `?` as "zero or one", which ssh does not.)
 */
export function matchesHost(patterns: string[], host: string): boolean {
  let matched = false;
  for (const raw of patterns) {
    const negated = raw.startsWith('!');
    const pattern = negated ? raw.slice(1) : raw;
    if (!wildcard(pattern).test(host)) continue;
    if (negated) return false;
    matched = true;
  }
  return matched;
}

function wildcard(pattern: string, flags = 'i'): RegExp {
  const body = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`, flags);
}

/** Files matching a path whose segments may hold `*` and `?`, sorted; a plain path that exists is itself. */
function globFiles(path: string): string[] {
  const parts = path.split(sep);
  let current = [parts[0] === '' ? sep : parts[0]];
  for (const part of parts.slice(1)) {
    if (part === '') continue;
    const next: string[] = [];
    for (const dir of current) {
      if (!/[*?]/.test(part)) {
        next.push(join(dir, part));
        continue;
      }
      const re = wildcard(part, '');
      let entries: string[] = [];
      try {
        entries = readdirSync(dir);
      } catch {
        // no such folder: nothing matches
      }
      // A glob's `*` does not match dot files, as in glob(3).
      next.push(...entries.filter((e) => re.test(e) && (part.startsWith('.') || !e.startsWith('.'))).sort().map((e) => join(dir, e)));
    }
    current = next;
  }
  return current.filter((p) => {
    try {
      return statSync(p).isFile();
    } catch {
      return false;
    }
  });
}
