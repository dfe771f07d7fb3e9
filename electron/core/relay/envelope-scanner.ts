import type { MessageInfo } from './message-info.js';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COLON = 0x3a;
const COMMA = 0x2c;
/** An "id" or "method" value longer than this is not one the relay keeps (JSON-RPC ids are short). */
const MAX_CAPTURE_BYTES = 4096;
/** Longer keys are neither "id" nor "method", even spelt with escapes. */
const MAX_KEY_BYTES = 64;

const enum State {
  Start,
  KeyOrEnd,
  /** After a comma: only a key may follow. */
  KeyNext,
  Key,
  Colon,
  ValueStart,
  StringValue,
  Nested,
  Primitive,
  AfterValue,
  Done,
  Invalid,
}

/**
 * The kind, id and method of one JSON-RPC message whose bytes arrive in pieces (a large line relayed as it
 * arrives), without keeping the message: only top-level keys are read, and the string, escape and nesting state
 * is carried from one piece to the next. The SDK writes "id" after "params", so the id is usually known only at
 * the end. Anything that is not a plain top-level object ends as kind 'invalid'.
 */
export class EnvelopeScanner {
  private state = State.Start;
  private depth = 0;
  /** Inside a string nested in a value (State.Nested). */
  private nestedString = false;
  /** The previous byte inside a string was an unpaired backslash. */
  private escaped = false;
  private key: Uint8Array[] = [];
  private keyBytes = 0;
  /** The current top-level key, decoded when it ends ('' for one too long to be "id" or "method"). */
  private keyText = '';
  private capture?: Uint8Array[];
  private captureBytes = 0;
  private id?: string | number;
  private hasId = false;
  private method?: string;
  /** An "id" or "method" value was too long to keep: what the message is cannot be said from the scan alone. */
  private overlong = false;

  push(chunk: Uint8Array): void {
    let i = 0;
    const n = chunk.length;
    while (i < n) {
      switch (this.state) {
        case State.Start:
        case State.KeyOrEnd:
        case State.KeyNext:
        case State.Colon:
        case State.ValueStart:
        case State.AfterValue:
        case State.Done:
          i = this.structural(chunk, i);
          break;
        case State.Key: {
          const end = this.stringEnd(chunk, i);
          const part = chunk.subarray(i, end < 0 ? n : end);
          this.keyBytes += part.length;
          if (this.keyBytes <= MAX_KEY_BYTES) this.key.push(part.slice());
          if (end < 0) return;
          this.keyText = this.keyName();
          this.state = State.Colon;
          i = end + 1;
          break;
        }
        case State.StringValue: {
          const end = this.stringEnd(chunk, i);
          this.keep(chunk.subarray(i, end < 0 ? n : end + 1));
          if (end < 0) return;
          this.endValue();
          i = end + 1;
          break;
        }
        case State.Nested:
          i = this.nested(chunk, i);
          break;
        case State.Primitive:
          i = this.primitive(chunk, i);
          break;
        case State.Invalid:
          return;
      }
    }
  }

  /** What the message is, once all of it went through push(). */
  result(): MessageInfo {
    if (this.state !== State.Done) return { kind: 'invalid' };
    if (this.method !== undefined) return this.hasId ? { kind: 'request', id: this.id, method: this.method } : { kind: 'notification', method: this.method };
    return this.hasId ? { kind: 'response', id: this.id } : { kind: 'invalid' };
  }

  /**
   * The message's kind, id and method once its closing brace was read; undefined while unfinished, when it is not a
   * plain object, or when its id or method was too long to keep (a whole line is then parsed instead).
   */
  finished(): MessageInfo | undefined {
    return this.state === State.Done && !this.overlong ? this.result() : undefined;
  }

  /** The id and method seen so far, for a message cut short (over the size limit, or the stream ended). */
  seen(): { id?: string | number; method?: string } {
    return { id: this.id, method: this.method };
  }

  /** One byte outside any string at the top level: whitespace, `{`, `"`, `:`, `,`, `}` or a value's first byte. */
  private structural(chunk: Uint8Array, i: number): number {
    const b = chunk[i];
    if (b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09) return i + 1;
    switch (this.state) {
      case State.Start:
        this.state = b === OPEN_BRACE ? State.KeyOrEnd : State.Invalid;
        return i + 1;
      case State.KeyOrEnd:
      case State.KeyNext:
        if (b === QUOTE) {
          this.key = [];
          this.keyBytes = 0;
          this.state = State.Key;
        } else {
          this.state = b === CLOSE_BRACE && this.state === State.KeyOrEnd ? State.Done : State.Invalid;
        }
        return i + 1;
      case State.Colon:
        this.state = b === COLON ? State.ValueStart : State.Invalid;
        return i + 1;
      case State.ValueStart: {
        const name = this.keyText;
        this.capture = name === 'id' || name === 'method' ? [] : undefined;
        this.captureBytes = 0;
        if (b === QUOTE) {
          this.keep(chunk.subarray(i, i + 1));
          this.state = State.StringValue;
          return i + 1;
        }
        if (b === OPEN_BRACE || b === OPEN_BRACKET) {
          // An object or array is never an id or method: skipped, nested keys named "id" included.
          this.capture = undefined;
          this.depth = 1;
          this.nestedString = false;
          this.state = State.Nested;
          return i + 1;
        }
        this.state = State.Primitive;
        return i;
      }
      case State.AfterValue:
        if (b === COMMA) {
          this.state = State.KeyNext;
        } else {
          this.state = b === CLOSE_BRACE ? State.Done : State.Invalid;
        }
        return i + 1;
      default:
        // Done: only whitespace may follow.
        this.state = State.Invalid;
        return i + 1;
    }
  }

  /**
   * Index of the quote that ends the string we are in, or -1 when it goes on past this chunk. Quotes are found by
   * native search; only the backslashes right before one are counted.
   */
  private stringEnd(chunk: Uint8Array, i: number): number {
    if (this.escaped) {
      this.escaped = false;
      i++;
    }
    for (;;) {
      const q = chunk.indexOf(QUOTE, i);
      if (q < 0) {
        let run = 0;
        for (let j = chunk.length - 1; j >= i && chunk[j] === BACKSLASH; j--) run++;
        this.escaped = run % 2 === 1;
        return -1;
      }
      let run = 0;
      for (let j = q - 1; j >= i && chunk[j] === BACKSLASH; j--) run++;
      if (run % 2 === 0) return q;
      i = q + 1;
    }
  }

  private nested(chunk: Uint8Array, i: number): number {
    const n = chunk.length;
    while (i < n) {
      if (this.nestedString) {
        const end = this.stringEnd(chunk, i);
        if (end < 0) return n;
        this.nestedString = false;
        i = end + 1;
        continue;
      }
      const b = chunk[i++];
      if (b === QUOTE) this.nestedString = true;
      else if (b === OPEN_BRACE || b === OPEN_BRACKET) this.depth++;
      else if (b === CLOSE_BRACE || b === CLOSE_BRACKET) {
        if (--this.depth === 0) {
          this.state = State.AfterValue;
          return i;
        }
      }
    }
    return n;
  }

  /** A number, true, false or null: it ends at the first delimiter. */
  private primitive(chunk: Uint8Array, i: number): number {
    let j = i;
    while (j < chunk.length) {
      const b = chunk[j];
      if (b === COMMA || b === CLOSE_BRACE || b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09) break;
      j++;
    }
    this.keep(chunk.subarray(i, j));
    if (j === chunk.length) return j;
    this.endValue();
    return j;
  }

  private keep(bytes: Uint8Array): void {
    if (!this.capture) return;
    this.captureBytes += bytes.length;
    if (this.captureBytes > MAX_CAPTURE_BYTES) {
      this.capture = undefined;
      this.overlong = true;
    }
    // A copy: the chunk may be a view of a buffer the reader reuses.
    else this.capture.push(bytes.slice());
  }

  private endValue(): void {
    this.state = State.AfterValue;
    const parts = this.capture;
    this.capture = undefined;
    if (!parts) return;
    let value: unknown;
    try {
      value = JSON.parse(Buffer.concat(parts).toString('utf8'));
    } catch {
      this.state = State.Invalid;
      return;
    }
    if (this.keyText === 'method') {
      this.method = typeof value === 'string' ? value : undefined;
    } else if (typeof value === 'string' || typeof value === 'number') {
      this.id = value;
      this.hasId = true;
    }
  }

  private keyName(): string {
    if (this.keyBytes > MAX_KEY_BYTES) return '';
    const text = Buffer.concat(this.key).toString('utf8');
    if (!text.includes('\\')) return text;
    try {
      return JSON.parse(`"${text}"`) as string;
    } catch {
      return '';
    }
  }
}
