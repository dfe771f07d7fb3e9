import { createHash } from 'node:crypto';
import { appendFileSync, closeSync, existsSync, fstatSync, mkdirSync, openSync, readFileSync, readSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * An append-only JSON-lines log whose records are hash-chained: each carries the hash of the record before it
 * (`prev`) and its own `hash`, the SHA-256 of its canonical JSON without `hash`. Changing, removing or reordering
 * any record breaks the chain at that record, and `verifyHashChain` names it.
 */
export interface ChainedRecord {
  seq: number;
  time: string;
  prev: string;
  hash: string;
  [field: string]: unknown;
}

/** The `prev` of the first record. */
export const GENESIS_HASH = '0'.repeat(64);

export class HashChainLog {
  private lastHash = GENESIS_HASH;
  private lastSeq = 0;

  constructor(readonly file: string) {}

  /**
   * Writes one record, synchronously, before the caller goes on: a caller that must not act unrecorded gets the
   * exception (disk full, no permission, a broken chain it cannot extend) and does nothing.
   */
  append(fields: Record<string, unknown>): ChainedRecord {
    // Read the file's last record every time: several writers in one process (one per host session) then
    // extend one chain instead of forking it. Appends are synchronous, so none interleave.
    this.resume();
    const body = { ...fields, seq: this.lastSeq + 1, time: new Date().toISOString(), prev: this.lastHash };
    delete (body as Record<string, unknown>).hash;
    const record = { ...body, hash: sha256(canonicalJson(body)) } as ChainedRecord;
    mkdirSync(dirname(this.file), { recursive: true, mode: 0o700 });
    appendFileSync(this.file, `${JSON.stringify(record)}\n`, { mode: 0o600 });
    return record;
  }

  /** Continues the chain of an existing file from its last record. */
  private resume(): void {
    const last = lastLine(this.file);
    if (last === undefined) {
      this.lastHash = GENESIS_HASH;
      this.lastSeq = 0;
      return;
    }
    let record: ChainedRecord;
    try {
      record = JSON.parse(last) as ChainedRecord;
    } catch {
      throw new Error(`audit log ${this.file} ends in a line that is not JSON: run "burrow audit verify" and move the file aside`);
    }
    if (typeof record.hash !== 'string' || typeof record.seq !== 'number') {
      throw new Error(`audit log ${this.file} ends in a record without seq/hash: run "burrow audit verify" and move the file aside`);
    }
    this.lastHash = record.hash;
    this.lastSeq = record.seq;
  }
}

export type ChainVerdict =
  | { ok: true; records: number }
  | { ok: false; records: number; firstBad: { line: number; seq?: number; time?: string; reason: string } };

/** Reads the whole file and checks every record's hash and link; names the first record that is not intact. */
export function verifyHashChain(file: string): ChainVerdict {
  if (!existsSync(file)) return { ok: true, records: 0 };
  const lines = readFileSync(file, 'utf8').split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  let prev = GENESIS_HASH;
  let prevSeq = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = i + 1;
    let record: ChainedRecord;
    try {
      record = JSON.parse(lines[i]) as ChainedRecord;
    } catch {
      return { ok: false, records: lines.length, firstBad: { line, reason: 'not valid JSON' } };
    }
    const where = { line, seq: typeof record.seq === 'number' ? record.seq : undefined, time: typeof record.time === 'string' ? record.time : undefined };
    if (record === null || typeof record !== 'object' || typeof record.hash !== 'string') {
      return { ok: false, records: lines.length, firstBad: { ...where, reason: 'no hash' } };
    }
    const { hash, ...body } = record;
    if (sha256(canonicalJson(body)) !== hash) {
      return { ok: false, records: lines.length, firstBad: { ...where, reason: 'its hash does not match its content (changed after it was written)' } };
    }
    if (record.prev !== prev) {
      return { ok: false, records: lines.length, firstBad: { ...where, reason: 'its prev does not match the record before it (a record was removed, inserted or reordered)' } };
    }
    if (record.seq !== prevSeq + 1) {
      return { ok: false, records: lines.length, firstBad: { ...where, reason: `its seq is ${String(record.seq)}, expected ${prevSeq + 1}` } };
    }
    prev = hash;
    prevSeq = record.seq;
  }
  return { ok: true, records: lines.length };
}

/** The last `count` records (parsed where they parse), for `burrow audit tail`. */
export function tailRecords(file: string, count: number): (ChainedRecord | { line: number; unparsable: string })[] {
  if (!existsSync(file) || count <= 0) return [];
  const lines = readFileSync(file, 'utf8').split('\n').filter((l) => l !== '');
  const start = Math.max(0, lines.length - count);
  return lines.slice(start).map((text, i) => {
    try {
      return JSON.parse(text) as ChainedRecord;
    } catch {
      return { line: start + i + 1, unparsable: text };
    }
  });
}

/**
 * JSON with object keys sorted at every depth and no spaces: the same value always hashes the same, whatever
 * order the fields were built in. Covers what audit records hold (strings, finite numbers, booleans, null,
 * arrays, plain objects); `undefined` fields are left out as JSON.stringify does.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  const entries = Object.keys(value)
    .sort()
    .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
    .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
  return `{${entries.join(',')}}`;
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** The last non-empty line of a file, reading only its end (audit files grow large). */
function lastLine(file: string): string | undefined {
  if (!existsSync(file)) return undefined;
  const fd = openSync(file, 'r');
  try {
    const size = fstatSync(fd).size;
    let chunk = 64 * 1024;
    for (;;) {
      const start = Math.max(0, size - chunk);
      const buf = Buffer.alloc(size - start);
      readSync(fd, buf, 0, buf.length, start);
      const lines = buf.toString('utf8').split('\n').filter((l) => l.trim() !== '');
      // A full line is certain when the chunk starts at the file's beginning or holds a newline before the last line.
      if (lines.length >= 2 || start === 0) return lines[lines.length - 1];
      chunk *= 4;
    }
  } finally {
    closeSync(fd);
  }
}
