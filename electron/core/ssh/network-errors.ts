import { BurrowError } from '../errors.js';

/** A socket error on the way to host:port, in words a person can act on (shared by connecting and testing). */
export function describeNetworkError(error: Error & { code?: string }, host: string, port: number): BurrowError {
  const where = `${host}:${port}`;
  switch (error.code) {
    case 'ECONNREFUSED':
      return new BurrowError(`connection refused by ${where} (is sshd running and listening on that port?)`, 'connection-refused');
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new BurrowError(`cannot resolve host "${host}"`, 'unreachable');
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'ECONNRESET':
      return new BurrowError(`cannot reach ${where} (${error.code})`, 'unreachable');
    default:
      return new BurrowError(`SSH connection to ${where} failed: ${error.message}`, 'connection-lost');
  }
}
