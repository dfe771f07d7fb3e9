import { CATALOG_LISTS, type CatalogList } from './catalog-cache.js';

type Json = Record<string, unknown>;

/** Methods from the host whose message is kept, so a resumed session can set the fresh server up the same way. */
const NOTED = new Set(['initialize', 'notifications/initialized', 'resources/subscribe', 'resources/unsubscribe', 'logging/setLevel']);

export function isCatalogList(method: string | undefined): method is CatalogList {
  return method !== undefined && method in CATALOG_LISTS;
}

/**
 * What the host set up on its server: its own `initialize` and `notifications/initialized` (bytes as sent), the
 * server's answer, resource subscriptions, the logging level, and the lists it was shown. A resumed session
 * replays these on a fresh server; nothing here is read on the hot path unless the method is one of these.
 */
export class SessionSetup {
  initLine?: Uint8Array;
  initId?: string | number;
  initParams?: { protocolVersion?: string; capabilities?: Json };
  initializedLine?: Uint8Array;
  /** The `initialize` result the host got (from the server, or from the cached catalog). */
  serverInit?: Json;
  readonly subscriptions = new Set<string>();
  logLevel?: string;
  lists: Partial<Record<CatalogList, unknown>> = {};

  static notes(method: string | undefined): boolean {
    return method !== undefined && NOTED.has(method);
  }

  /** Records one message from the host whose method `notes()` said yes to. */
  noteFromHost(method: string, line: Uint8Array, message: unknown, id?: string | number): void {
    const params = (message as { params?: Json } | undefined)?.params;
    switch (method) {
      case 'initialize':
        if (this.initLine) return;
        this.initLine = line.slice();
        this.initId = id;
        this.initParams = { protocolVersion: str(params?.protocolVersion), capabilities: obj(params?.capabilities) };
        return;
      case 'notifications/initialized':
        this.initializedLine ??= line.slice();
        return;
      case 'resources/subscribe':
        if (typeof params?.uri === 'string') this.subscriptions.add(params.uri);
        return;
      case 'resources/unsubscribe':
        if (typeof params?.uri === 'string') this.subscriptions.delete(params.uri);
        return;
      case 'logging/setLevel':
        if (typeof params?.level === 'string') this.logLevel = params.level;
        return;
    }
  }

  /** The host was told a request failed (answered from the catalog): what it asked must not be set up later. */
  refused(method: string, message: unknown): void {
    const uri = (message as { params?: Json } | undefined)?.params?.uri;
    if (method === 'resources/subscribe' && typeof uri === 'string') this.subscriptions.delete(uri);
  }

  /** Why a fresh server cannot take over this session (another protocol version, a capability gone), or undefined. */
  mismatch(fresh: Json): string | undefined {
    const old = this.serverInit;
    if (!old) return undefined;
    if (fresh.protocolVersion !== old.protocolVersion) {
      return `its server now speaks MCP protocol ${String(fresh.protocolVersion)}, not ${String(old.protocolVersion)} as when the session started`;
    }
    const was = obj(old.capabilities) ?? {};
    const now = obj(fresh.capabilities) ?? {};
    const gone = Object.keys(was).filter((k) => now[k] === undefined);
    if (this.subscriptions.size > 0 && obj(was.resources)?.subscribe && !obj(now.resources)?.subscribe) gone.push('resource subscriptions');
    return gone.length ? `its server no longer offers ${gone.join(', ')}` : undefined;
  }
}

export function obj(value: unknown): Json | undefined {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : undefined;
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
