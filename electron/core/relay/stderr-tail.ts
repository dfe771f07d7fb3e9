/**
 * A line that names what went wrong, however far up it came: Node prints `Error: Cannot find module …` above its
 * stack, Python `ModuleNotFoundError: …` below its traceback.
 */
const HEADLINE = /^\s*(?:Uncaught\s+)?(?:[A-Za-z_][\w.]*)?(?:Error|Exception)\b.*:\s*\S/;
/** Lines that say nothing alone: stack frames, Node's version footer, a lone brace or caret. */
const NOISE = /^\s+at\s|^Node\.js v\d|^[\s{}[\]()^~]*$/;
const MAX_HEADLINE_CHARS = 300;

/** The last few lines a remote process wrote to stderr, and the first one that names an error, to say why it ended. */
export class StderrTail {
  private readonly lines: string[] = [];
  private partial = '';
  private headline?: string;

  constructor(
    private readonly keep = 5,
    private readonly onLine?: (line: string) => void,
  ) {}

  push(chunk: Buffer | string): void {
    const lines = (this.partial + chunk.toString()).split('\n');
    this.partial = lines.pop() ?? '';
    for (const line of lines) this.note(line);
  }

  flush(): void {
    if (this.partial) this.note(this.partial);
    this.partial = '';
  }

  /**
   * ": line | line | line": the last three lines that say something (not stack frames or footers), after the line
   * that named the error if it came earlier; "" when the remote said nothing.
   */
  suffix(count = 3): string {
    const shown = this.telling(count);
    return shown.length ? `: ${shown.join(' | ')}` : '';
  }

  text(): string {
    return this.telling(this.keep).join(' | ');
  }

  private telling(count: number): string[] {
    const said = this.lines.filter((line) => !NOISE.test(line));
    const tail = (said.length ? said : this.lines).slice(-count).map((line) => line.trim());
    return this.headline && !tail.includes(this.headline) ? [this.headline, ...tail] : tail;
  }

  private note(line: string): void {
    const text = line.trimEnd();
    if (!text) return;
    this.onLine?.(text);
    if (!this.headline && HEADLINE.test(text)) this.headline = text.trim().slice(0, MAX_HEADLINE_CHARS);
    this.lines.push(text);
    if (this.lines.length > this.keep) this.lines.shift();
  }
}
