/** The kinds of failure a person can act on; each carries a one-line message meant for them. */
export type FailureKind =
  | 'config'
  | 'connection-refused'
  | 'unreachable'
  | 'timeout'
  | 'auth'
  | 'host-key'
  | 'remote-exit'
  | 'channel-closed'
  | 'connection-lost'
  | 'daemon'
  | 'key-server';

export class BurrowError extends Error {
  constructor(
    message: string,
    readonly kind: FailureKind,
  ) {
    super(message);
    this.name = 'BurrowError';
  }
}

/** One line, for stderr and JSON-RPC errors alike. */
export function oneLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.replace(/\s*\n\s*/g, ' | ').trim();
}
