import { remoteSchema, type Remote } from '../../../shared/remote.js';
import { BurrowError } from '../errors.js';

/**
 * An edit (read, change, save) saves only over the remote it read: otherwise one that was removed meanwhile
 * would come back, and a change saved meanwhile by another edit (the window, a second CLI) would be undone.
 */
export function checkRemoteUnchanged(current: Remote | undefined, expected: Remote): void {
  if (!current) throw new BurrowError(`"${expected.name}" was removed while this edit ran: nothing was saved`, 'config');
  const parsed = remoteSchema.safeParse(current);
  if (canonical(parsed.success ? parsed.data : current) !== canonical(expected)) {
    throw new BurrowError(`"${expected.name}" was changed elsewhere while this edit ran: nothing was saved (run it again)`, 'config');
  }
}

/** JSON with keys sorted and undefined left out: the same remote read twice reads the same. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
  );
}
