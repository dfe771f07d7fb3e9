import { StreamLineEnd, type ControlNotice, type HostEnd } from '../line-end.js';

/** The MCP host on this process's stdin/stdout (`burrow connect --host`): notices go to stderr, never stdout. */
export class StdioHostEnd extends StreamLineEnd implements HostEnd {
  exitCode = 0;
  /** Called once stdout has taken everything (the session is over). */
  onFinished?: (exitCode: number) => void;

  constructor() {
    super(process.stdin, process.stdout);
  }

  notify(notice: ControlNotice): void {
    if (notice.type === 'exit') {
      this.exitCode = notice.code;
      return;
    }
    if (notice.type === 'error') this.exitCode = 1;
    process.stderr.write(`burrow: ${notice.message}\n`);
  }

  override end(): void {
    // stdout stays open until the process exits; flush what is queued first.
    process.stdout.write('', () => this.onFinished?.(this.exitCode));
  }

  override close(): void {
    this.end();
  }
}
