/**
 * Splits a byte stream into newline-delimited messages without decoding them.
 * Each emitted line keeps its trailing "\n" so it can be forwarded with a single write;
 * a line that lies inside one chunk is a zero-copy view of that chunk.
 * Node-free on purpose (Uint8Array only) so the helper and the engine share it.
 */
export const DEFAULT_MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

const NEWLINE = 0x0a;
/** How much of a dropped, oversized line is kept: enough to read its id and method. */
const OVERSIZE_HEAD_BYTES = 4096;

export interface LineSplitterOptions {
  maxLineBytes?: number;
  /**
   * Called once per line longer than maxLineBytes, with the line's first bytes (enough to find its id);
   * the line is dropped, the stream goes on.
   */
  onOversize?: (bytes: number, head: Uint8Array) => void;
  /** A line still unfinished at this many bytes is offered to onLongLine (default: never). */
  longLineBytes?: number;
  /**
   * Asked once per line that reaches longLineBytes, with its first piece: a LongLine takes that line's bytes as
   * they arrive instead of onLine taking it whole; undefined keeps it whole.
   */
  onLongLine?: (head: Uint8Array) => LongLine | undefined;
}

/** Receives one long line in pieces, in order (the last piece ends with its newline). */
export interface LongLine {
  /** `over`: the line is past maxLineBytes; this and later pieces are only to be read, not relayed. */
  part(bytes: Uint8Array, over: boolean): void;
  /** The line is done: `complete` when its newline came, false when the stream ended first. */
  end(bytes: number, complete: boolean): void;
}

export class LineSplitter {
  private parts: Uint8Array[] = [];
  private pendingBytes = 0;
  private discarding = false;
  private readonly maxLineBytes: number;
  /** The line being handed out in pieces, and its length so far. */
  private long?: LongLine;
  private longBytes = 0;
  private offered = false;

  constructor(
    private readonly onLine: (line: Uint8Array) => void,
    private readonly options: LineSplitterOptions = {},
  ) {
    this.maxLineBytes = options.maxLineBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
  }

  push(chunk: Uint8Array): void {
    let start = 0;
    while (start < chunk.length) {
      const nl = chunk.indexOf(NEWLINE, start);
      if (nl === -1) {
        this.keep(chunk.subarray(start));
        return;
      }
      const piece = chunk.subarray(start, nl + 1);
      start = nl + 1;
      this.offered = false;
      if (this.long) {
        this.longPart(piece);
        this.endLong(true);
        continue;
      }
      if (this.discarding) {
        this.discarding = false;
        continue;
      }
      if (this.pendingBytes === 0) {
        this.emit(piece);
      } else {
        this.parts.push(piece);
        const total = this.pendingBytes + piece.length;
        const joined = concat(this.parts, total);
        this.parts = [];
        this.pendingBytes = 0;
        this.emit(joined);
      }
    }
  }

  /** Bytes of an unfinished line, if the stream ended without a final newline. */
  flush(): void {
    this.offered = false;
    if (this.long) this.endLong(false);
    if (this.pendingBytes > 0 && !this.discarding) {
      const joined = concat(this.parts, this.pendingBytes);
      this.emit(joined);
    }
    this.parts = [];
    this.pendingBytes = 0;
    this.discarding = false;
  }

  private keep(rest: Uint8Array): void {
    if (this.long) return this.longPart(rest);
    if (this.discarding) return;
    this.pendingBytes += rest.length;
    if (!this.offered && this.options.onLongLine && this.pendingBytes >= (this.options.longLineBytes ?? Infinity) && this.pendingBytes <= this.maxLineBytes) {
      this.offered = true;
      this.parts.push(rest);
      const long = this.options.onLongLine(this.parts[0]);
      if (!long) return;
      // From here on the line's bytes are handed out as they come, never joined.
      const parts = this.parts;
      this.parts = [];
      this.pendingBytes = 0;
      this.long = long;
      this.longBytes = 0;
      for (const part of parts) this.longPart(part);
      return;
    }
    if (this.pendingBytes > this.maxLineBytes) {
      this.parts.push(rest);
      this.options.onOversize?.(this.pendingBytes, headOf(this.parts));
      this.parts = [];
      this.pendingBytes = 0;
      this.discarding = true;
      return;
    }
    // No copy: sockets, pipes and ssh2 channels hand out a fresh buffer for every chunk (ssh2 allocates
    // one per decrypted packet), so a view stays valid until the line is complete.
    this.parts.push(rest);
  }

  private longPart(bytes: Uint8Array): void {
    this.longBytes += bytes.length;
    // The newline itself does not count towards the limit, as for a whole line.
    const counted = bytes[bytes.length - 1] === NEWLINE ? this.longBytes - 1 : this.longBytes;
    this.long!.part(bytes, counted > this.maxLineBytes);
  }

  private endLong(complete: boolean): void {
    const long = this.long!;
    this.long = undefined;
    long.end(this.longBytes, complete);
  }

  private emit(line: Uint8Array): void {
    if (line.length > this.maxLineBytes + 2) {
      this.options.onOversize?.(line.length, line.subarray(0, OVERSIZE_HEAD_BYTES));
      return;
    }
    if (isBlank(line)) return;
    this.onLine(line);
  }
}

function concat(parts: Uint8Array[], total: number): Uint8Array {
  if (parts.length === 1) return parts[0];
  const out = new Uint8Array(total);
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

function headOf(parts: Uint8Array[]): Uint8Array {
  const head: Uint8Array[] = [];
  let bytes = 0;
  for (const p of parts) {
    if (bytes >= OVERSIZE_HEAD_BYTES) break;
    head.push(p);
    bytes += p.length;
  }
  return concat(head, bytes).subarray(0, OVERSIZE_HEAD_BYTES);
}

function isBlank(line: Uint8Array): boolean {
  for (let i = 0; i < line.length; i++) {
    const b = line[i];
    if (b !== 0x0a && b !== 0x0d && b !== 0x20 && b !== 0x09) return false;
  }
  return true;
}

/** First byte that is not JSON whitespace, or -1. */
export function firstSignificantByte(line: Uint8Array): number {
  for (let i = 0; i < line.length; i++) {
    const b = line[i];
    if (b !== 0x20 && b !== 0x09 && b !== 0x0d && b !== 0x0a) return b;
  }
  return -1;
}

/** A JSON-RPC message is an object or a batch array; anything else (a banner, a MOTD) is not. */
export function looksLikeJsonMessage(line: Uint8Array): boolean {
  const b = firstSignificantByte(line);
  return b === 0x7b /* { */ || b === 0x5b /* [ */;
}
