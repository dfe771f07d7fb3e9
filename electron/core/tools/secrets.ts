import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { parseEnv } from 'node:util';

/** Values shorter than this are not redacted: replacing "1" or "yes" everywhere would make every output useless. */
export const MIN_REDACTED_LENGTH = 4;

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Reads a local `.env` (comments, quotes, `export`; Node's own parser) into names and values. */
export function readEnvFile(path: string): { values: Map<string, string>; skipped: string[] } {
  const full = path.startsWith('~/') ? join(homedir(), path.slice(2)) : path;
  if (!isAbsolute(full)) throw new Error(`file_path must be absolute (or start with ~/): ${path}`);
  let text: string;
  try {
    text = readFileSync(full, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new Error(code === 'ENOENT' ? `no such file: ${path}` : `cannot read ${path}: ${code ?? String(error)}`);
  }
  const values = new Map<string, string>();
  const skipped: string[] = [];
  for (const [name, value] of Object.entries(parseEnv(text))) {
    if (value === undefined) continue;
    if (NAME.test(name)) values.set(name, value);
    else skipped.push(name);
  }
  return { values, skipped };
}

/** `export NAME='value'` lines for `sh`: values travel as data on stdin, never in argv. */
export function exportScript(values: ReadonlyMap<string, string>): string {
  let script = '';
  for (const [name, value] of values) script += `export ${name}=${shellQuote(value)}\n`;
  return script;
}

/** POSIX single quoting: everything literal, a quote closed, escaped and reopened. */
export function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

interface Form {
  text: string;
  label: string;
}

/**
 * Replaces loaded secret values in anything that leaves the engine (tool results, logs, audit lines), longest
 * form first, together with their common encodings: base64 (padded, unpadded, and the part that stays the same
 * when more bytes follow, as `echo $X | base64` adds a newline), base64url, hex, URL and JSON escaping.
 */
export class Redactor {
  private readonly forms: Form[];

  constructor(values: Iterable<[string, string]>) {
    const forms: Form[] = [];
    for (const [name, value] of values) {
      if (value.length < MIN_REDACTED_LENGTH) continue;
      for (const [text, how] of encodings(value)) forms.push({ text, label: how ? `[secret ${name} ${how}]` : `[secret ${name}]` });
    }
    // Longest first, so a value containing another value's text is replaced whole.
    const seen = new Set<string>();
    this.forms = forms.filter((f) => f.text.length >= MIN_REDACTED_LENGTH && !seen.has(f.text) && seen.add(f.text)).sort((a, b) => b.text.length - a.text.length);
  }

  get empty(): boolean {
    return this.forms.length === 0;
  }

  redact(text: string): string {
    let out = text;
    for (const form of this.forms) if (out.includes(form.text)) out = out.split(form.text).join(form.label);
    return out;
  }

  /** Redacts every string inside a JSON-like value (for audit arguments and structured results). */
  redactValue<T>(value: T): T {
    if (this.empty) return value;
    if (typeof value === 'string') return this.redact(value) as T;
    if (Array.isArray(value)) return value.map((v) => this.redactValue(v)) as T;
    if (value && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.redactValue(v)])) as T;
    }
    return value;
  }

  /**
   * How many characters at the end of `text` could be the start of a secret whose rest has not arrived yet:
   * a stream (a shell) holds them back until the next read, so a value split across two reads is still caught.
   */
  pendingTail(text: string): number {
    let hold = 0;
    for (const { text: form } of this.forms) {
      for (let k = Math.min(form.length - 1, text.length); k > hold; k--) {
        if (text.endsWith(form.slice(0, k))) {
          hold = k;
          break;
        }
      }
    }
    return hold;
  }
}

function encodings(value: string): [string, string][] {
  const bytes = Buffer.from(value, 'utf8');
  const base64 = bytes.toString('base64');
  const stable = bytes.subarray(0, bytes.length - (bytes.length % 3));
  const out: [string, string][] = [
    [value, ''],
    [base64, 'base64'],
    [base64.replace(/=+$/, ''), 'base64'],
    [stable.toString('base64'), 'base64'],
    [bytes.toString('base64url'), 'base64url'],
    [stable.toString('base64url'), 'base64url'],
    [bytes.toString('hex'), 'hex'],
    [bytes.toString('hex').toUpperCase(), 'hex'],
    [encodeURIComponent(value), 'url-encoded'],
    [encodeURIComponent(value).replace(/%20/g, '+'), 'url-encoded'],
    [JSON.stringify(value).slice(1, -1), 'json-escaped'],
  ];
  // The value inside a longer base64 stream (`echo -n $X | base64` in dash prints "-n X"): at byte offset 1 or 2
  // of a 3-byte group its encoding shifts; the groups that hold only value bytes are the same wherever it sits.
  for (const shift of [1, 2]) {
    const padded = Buffer.concat([Buffer.alloc(shift), bytes]);
    const whole = padded.length - (padded.length % 3);
    const inner = padded.subarray(3, whole);
    if (inner.length >= 6) out.push([inner.toString('base64'), 'base64'], [inner.toString('base64url'), 'base64url']);
  }
  return out.filter(([text], i) => i === 0 || text !== value);
}

/**
 * The secrets of one tool server (one MCP host session): loaded per tool session, redacted everywhere.
 * Values live in memory only; `clear` forgets them.
 */
export class ToolSecrets {
  private readonly bySession = new Map<string, Map<string, string>>();
  private cached: Redactor | undefined;

  load(session: string, values: ReadonlyMap<string, string>): void {
    const mine = this.bySession.get(session) ?? new Map<string, string>();
    for (const [k, v] of values) mine.set(k, v);
    this.bySession.set(session, mine);
    this.cached = undefined;
  }

  clear(session: string): string[] {
    const names = [...(this.bySession.get(session)?.keys() ?? [])];
    this.bySession.delete(session);
    this.cached = undefined;
    return names;
  }

  of(session: string): ReadonlyMap<string, string> {
    return this.bySession.get(session) ?? new Map();
  }

  /** Every loaded value of every session: output of one session may carry another's value. */
  redactor(): Redactor {
    this.cached ??= new Redactor([...this.bySession.values()].flatMap((m) => [...m]));
    return this.cached;
  }
}
