import { remoteSchema, type Remote } from '../../../shared/remote.js';
import { canonicalJson } from '../audit/hash-chain-log.js';
import { BurrowError } from '../errors.js';

/**
 * An edit (read, change, save) saves only over the remote it read: otherwise one that was removed meanwhile
 * would come back, and a change saved meanwhile by another edit (the window, a second CLI) would be undone.
 */
export function checkRemoteUnchanged(current: Remote | undefined, expected: Remote): void {
  if (!current) throw new BurrowError(`"${expected.name}" was removed while this edit ran: nothing was saved`, 'config');
  const parsed = remoteSchema.safeParse(current);
  if (canonicalJson(parsed.success ? parsed.data : current) !== canonicalJson(expected)) {
    throw new BurrowError(`"${expected.name}" was changed elsewhere while this edit ran: nothing was saved (run it again)`, 'config');
  }
}
