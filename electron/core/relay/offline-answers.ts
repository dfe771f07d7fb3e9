import { CATALOG_LISTS, type Catalog, type CatalogList } from './catalog-cache.js';
import { errorResponse, resultResponse } from './message-info.js';
import { isCatalogList, obj } from './session-setup.js';

export type OfflineAnswer =
  | { kind: 'answer'; line: string }
  /** The host asks for another protocol version than the catalog's: the cache cannot stand in. */
  | { kind: 'version-mismatch' }
  | { kind: 'none' };

/**
 * How Burrow answers a host while its remote is down at the session's start, from the remote's cached catalog:
 * `initialize` and the lists as the server last answered them, tool calls with a tool error that says why,
 * anything else with a JSON-RPC error. `lists` holds what the host was shown so far (the cache's, at first).
 */
export function offlineAnswer(message: unknown, catalog: Catalog, lists: Partial<Record<CatalogList, unknown>>, unreachable: string): OfflineAnswer {
  const m = obj(message);
  const id = m?.id;
  if (!m || typeof m.method !== 'string' || (typeof id !== 'string' && typeof id !== 'number')) return { kind: 'none' };
  const params = obj(m.params);
  if (m.method === 'initialize') {
    if (params?.protocolVersion !== catalog.protocolVersion) return { kind: 'version-mismatch' };
    return { kind: 'answer', line: resultResponse(id, catalog.initialize) };
  }
  if (isCatalogList(m.method)) {
    // Only the first page is cached: a later page is an empty one.
    const list = params?.cursor === undefined ? lists[m.method] : undefined;
    return { kind: 'answer', line: resultResponse(id, list ?? { [CATALOG_LISTS[m.method]]: [] }) };
  }
  if (m.method === 'ping') return { kind: 'answer', line: resultResponse(id, {}) };
  if (m.method === 'tools/call') return { kind: 'answer', line: resultResponse(id, { content: [{ type: 'text', text: unreachable }], isError: true }) };
  return { kind: 'answer', line: errorResponse(id, unreachable) };
}
