/** The last few lines a remote process wrote to stderr, to say why it ended. */
export class StderrTail {
  private readonly lines: string[] = [];
  private partial = '';

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

  /** ": line | line | line" (the last three), or "" when the remote said nothing. */
  suffix(count = 3): string {
    return this.lines.length ? `: ${this.lines.slice(-count).join(' | ')}` : '';
  }

  text(): string {
    return this.lines.join(' | ');
  }

  private note(line: string): void {
    const text = line.trimEnd();
    if (!text) return;
    this.onLine?.(text);
    this.lines.push(text);
    if (this.lines.length > this.keep) this.lines.shift();
  }
}
