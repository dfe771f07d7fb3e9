import type { Readable, Writable } from 'node:stream';
import { oneLine } from '../errors.js';
import { LineSplitter, DEFAULT_MAX_MESSAGE_BYTES, type LongLine } from '../framing/line-splitter.js';

/**
 * One end of a relay, shaped like the MCP SDK's transports (start/send/close + callbacks) but carrying raw
 * lines, so nothing is re-parsed or re-serialised on the way through. One small class per kind: a socket end,
 * the stdio end, an SSH channel end, an in-process end (ends/).
 */
export interface LineEnd {
  onLine?: (line: Uint8Array) => void;
  /** The peer will send nothing more (EOF, close or error). */
  onEnd?: (error?: Error) => void;
  /** Called after send() returned false, once the peer has taken the backlog. */
  onDrain?: () => void;
  /** A line over the size limit was dropped; `head` is its first bytes (to find its id). */
  onOversize?: (bytes: number, head: Uint8Array) => void;
  /**
   * A line still unfinished at LONG_LINE_BYTES, with its first piece: a LongLine takes its bytes as they arrive;
   * undefined keeps it whole (onLine). Only ends that read a byte stream ask.
   */
  onLongLine?: (head: Uint8Array) => LongLine | undefined;
  start(): void;
  /** Returns false when the peer is not keeping up: pause the source until onDrain. */
  send(line: Uint8Array): boolean;
  /**
   * One piece of a long line, written as it came; lines sent meanwhile wait until endParts(), so two messages
   * never interleave. Only ends that write a byte stream have it.
   */
  sendPart?(bytes: Uint8Array): boolean;
  /** The long line is over; `terminate` ends it with a newline first (it was cut short). */
  endParts?(terminate: boolean): void;
  pause(): void;
  resume(): void;
  /** Half-close: we send nothing more. */
  end(): void;
  /** Tear down now, both ways. */
  close(): void;
}

/**
 * What the engine tells the one who started a session, apart from protocol bytes: a status line (waiting for an
 * approval), the error that ended it, and the exit status. On the local socket it travels on its own connection.
 */
export type ControlNotice =
  | { type: 'status'; message: string }
  | { type: 'error'; message: string }
  | { type: 'exit'; code: number };

/** The host side of a session: a line end that also takes control notices. */
export interface HostEnd extends LineEnd {
  notify(notice: ControlNotice): void;
}

/** Ends a host session that could not start: its reason as the error notice (the line a helper prints), exit 1. */
export function refuseHost(host: HostEnd, error: unknown): void {
  host.notify({ type: 'error', message: oneLine(error) });
  host.notify({ type: 'exit', code: 1 });
  host.close();
}

export interface StreamLineEndOptions {
  maxLineBytes?: number;
  /** Bytes already read past a preamble (the IPC hello) that belong to the stream. */
  initial?: Uint8Array;
  /**
   * Join the lines sent in one tick into one write. For a writable without writev (an SSH channel,
   * where every write becomes at least one encrypted packet); other writables are corked instead.
   */
  joinWrites?: boolean;
}

/** A joined batch is written at once when it grows past this, so joining never builds big copies. */
const MAX_JOINED_BYTES = 256 * 1024;
/**
 * A line still unfinished at this size is relayed as it arrives rather than held whole: holding a 1 MB message
 * costs the time to receive all of it before the first byte goes on. Smaller lines keep the whole-line path.
 */
export const LONG_LINE_BYTES = 256 * 1024;
const NEWLINE = Buffer.from('\n');
/**
 * Pieces of a long line are gathered to this size before a write to a socket or pipe. An SSH channel hands out
 * 32 KB packets; written one by one, the host reads the line in twice as many pieces as a whole line gives it, and
 * the MCP SDK's reader copies everything it holds on every read (quadratic in the number of reads).
 */
const PART_WRITE_BYTES = 64 * 1024;

/** A line end over a readable and a writable stream: the base of the socket, stdio and channel ends. */
export class StreamLineEnd implements LineEnd {
  onLine?: (line: Uint8Array) => void;
  onEnd?: (error?: Error) => void;
  onDrain?: () => void;
  onOversize?: (bytes: number, head: Uint8Array) => void;
  onLongLine?: (head: Uint8Array) => LongLine | undefined;
  private ended = false;
  /** A long line is being written in pieces: other lines wait here. */
  private parting = false;
  private held: Uint8Array[] = [];
  private pieces: Uint8Array[] = [];
  private piecesBytes = 0;
  private readonly splitter: LineSplitter;
  private corked = false;
  private joined: Uint8Array[] = [];
  private joinedBytes = 0;

  constructor(
    protected readonly readable: Readable,
    protected readonly writable: Writable,
    private readonly options: StreamLineEndOptions = {},
  ) {
    this.splitter = new LineSplitter((line) => this.onLine?.(line), {
      maxLineBytes: options.maxLineBytes ?? DEFAULT_MAX_MESSAGE_BYTES,
      onOversize: (bytes, head) => this.onOversize?.(bytes, head),
      longLineBytes: LONG_LINE_BYTES,
      onLongLine: (head) => this.onLongLine?.(head),
    });
  }

  start(): void {
    if (this.options.initial?.length) this.splitter.push(this.options.initial);
    this.readable.on('data', (chunk: Buffer) => this.splitter.push(chunk));
    this.watchEnd();
    this.writable.on('drain', () => this.onDrain?.());
    this.writable.on('error', () => {
      // A peer that went away mid-write: the reading side reports the end.
    });
    // The IPC server pauses a socket while it reads the hello; a data listener alone does not undo that.
    this.readable.resume();
  }

  /** When the peer is done; a channel end waits for the channel's close instead (its exit status comes first). */
  protected watchEnd(): void {
    this.readable.once('end', () => this.finish());
    this.readable.once('close', () => this.finish());
    this.readable.once('error', (error: Error) => this.finish(error));
  }

  /**
   * Lines sent in the same tick (usually all lines of one chunk read from the other end) go out
   * as one write: one syscall, or one SSH packet, instead of one per message. Order is kept.
   */
  send(line: Uint8Array): boolean {
    if (this.writable.destroyed || this.writable.writableEnded) return true;
    if (this.parting) {
      this.held.push(line);
      return !this.writable.writableNeedDrain;
    }
    if (this.options.joinWrites) return this.join(line);
    if (!this.corked) {
      this.corked = true;
      this.writable.cork();
      process.nextTick(() => {
        this.corked = false;
        this.writable.uncork();
      });
    }
    return this.writable.write(line);
  }

  sendPart(bytes: Uint8Array): boolean {
    if (this.writable.destroyed || this.writable.writableEnded) return true;
    if (!this.parting) {
      // What was queued before the long line goes first.
      this.writeJoined();
      this.parting = true;
    }
    // A channel splits writes into packets anyway.
    if (this.options.joinWrites) return this.writable.write(bytes);
    this.pieces.push(bytes);
    this.piecesBytes += bytes.length;
    return this.piecesBytes >= PART_WRITE_BYTES ? this.writePieces() : !this.writable.writableNeedDrain;
  }

  private writePieces(): boolean {
    const pieces = this.pieces;
    const bytes = this.piecesBytes;
    this.pieces = [];
    this.piecesBytes = 0;
    if (pieces.length === 0) return true;
    return this.writable.write(pieces.length === 1 ? pieces[0] : Buffer.concat(pieces, bytes));
  }

  endParts(terminate: boolean): void {
    if (!this.parting) return;
    this.parting = false;
    if (this.writable.destroyed || this.writable.writableEnded) {
      this.held = [];
      this.pieces = [];
      this.piecesBytes = 0;
      return;
    }
    this.writePieces();
    if (terminate) this.writable.write(NEWLINE);
    for (const line of this.held.splice(0)) this.send(line);
  }

  private join(line: Uint8Array): boolean {
    if (line.length >= MAX_JOINED_BYTES) {
      // A big message goes as it is, after what was queued before it.
      this.writeJoined();
      return this.writable.write(line);
    }
    if (this.joined.length === 0) process.nextTick(() => this.writeJoined());
    this.joined.push(line);
    this.joinedBytes += line.length;
    if (this.joinedBytes >= MAX_JOINED_BYTES) return this.writeJoined();
    // Backpressure as the writable last reported it; its 'drain' resumes the sender.
    return !this.writable.writableNeedDrain;
  }

  private writeJoined(): boolean {
    const lines = this.joined;
    const bytes = this.joinedBytes;
    this.joined = [];
    this.joinedBytes = 0;
    if (lines.length === 0 || this.writable.destroyed || this.writable.writableEnded) return true;
    return this.writable.write(lines.length === 1 ? lines[0] : Buffer.concat(lines, bytes));
  }

  pause(): void {
    this.readable.pause();
  }

  resume(): void {
    this.readable.resume();
  }

  end(): void {
    // A long line cut short by the end is closed with a newline, so what waited behind it is still readable.
    this.endParts(true);
    this.writeJoined();
    if (!this.writable.writableEnded) this.writable.end();
  }

  close(): void {
    this.writable.destroy();
    this.readable.destroy();
  }

  protected finish(error?: Error): void {
    if (this.ended) return;
    this.ended = true;
    this.splitter.flush();
    this.onEnd?.(error);
  }
}
