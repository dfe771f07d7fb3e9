import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeDir } from '../file-errors.js';

/** The list methods whose first page is cached, by the key their result holds the items under. */
export const CATALOG_LISTS = { 'tools/list': 'tools', 'prompts/list': 'prompts', 'resources/list': 'resources' } as const;
export type CatalogList = keyof typeof CATALOG_LISTS;

/** What relayed sessions saw of one remote's server: enough to answer a host while the remote is down. */
export interface Catalog {
  protocolVersion: string;
  /** The server's `initialize` result, as it sent it. */
  initialize: Record<string, unknown>;
  /** Each list's result (first page), as the server sent it. */
  lists: Partial<Record<CatalogList, unknown>>;
}

/**
 * One JSON file per remote under `<BURROW_HOME>/catalogs/`: the server's `initialize` result and the lists relayed
 * sessions saw. No secrets: only what the server tells every client. Unreadable or broken files count as none.
 */
export class CatalogCache {
  constructor(private readonly dir: string) {}

  private file(remote: string): string {
    // Remote names are letters, digits, dot, dash and underscore (remoteNameSchema); never a path.
    return join(this.dir, `${remote.replace(/[^A-Za-z0-9._-]/g, '_')}.json`);
  }

  load(remote: string): Catalog | undefined {
    try {
      const value = JSON.parse(readFileSync(this.file(remote), 'utf8')) as Catalog;
      // A file of another shape (older Burrow, hand-edited, cut short) would answer a host with what it cannot read.
      const init = object(value?.initialize);
      const fits = typeof value?.protocolVersion === 'string' && init?.protocolVersion === value.protocolVersion && object(init.capabilities) && object(value.lists);
      return fits && Object.values(value.lists).every((list) => object(list)) ? value : undefined;
    } catch {
      return undefined;
    }
  }

  /** Best effort: a cache that cannot be written only costs the answers it would have given. */
  save(remote: string, catalog: Catalog): void {
    const file = this.file(remote);
    try {
      makeDir(this.dir, 0o700);
      const temp = `${file}.${process.pid}.tmp`;
      writeFileSync(temp, JSON.stringify(catalog), { mode: 0o600 });
      renameSync(temp, file);
    } catch {
      // nothing to do: the next session tries again
    }
  }
}

function object(value: unknown): Record<string, unknown> | undefined {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}
