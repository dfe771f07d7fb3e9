import { commandsFor, type BurrowApi, type CommandName } from '../../../shared/commands.js';
import type { BurrowEvent } from '../../../shared/events.js';

/** Said to a person when the daemon is gone or the token is wrong. */
export class BridgeError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

export interface WebBridge extends BurrowApi {
  /** Whether the event socket is open: the UI shows "reconnecting" otherwise. */
  onConnection(listener: (connected: boolean) => void): () => void;
}

/**
 * BurrowApi over the daemon's web bridge: requests are `POST /api/<method>` with the token as a bearer,
 * events come over one WebSocket that offers the token as a subprotocol (browsers cannot set its headers).
 */
export function createWebBridge(token: string): WebBridge {
  const listeners = new Set<(event: BurrowEvent) => void>();
  const connectionListeners = new Set<(connected: boolean) => void>();
  let socket: WebSocket | undefined;
  let retryMs = 500;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;

  const call = async (method: CommandName, args: unknown[]): Promise<unknown> => {
    let res: Response;
    try {
      res = await fetch(`api/${method}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
        body: JSON.stringify(args),
      });
    } catch {
      throw new BridgeError('Burrow is not answering: is burrow daemon --ui still running?');
    }
    const body = (await res.json().catch(() => ({}))) as { result?: unknown; error?: string };
    if (!res.ok) throw new BridgeError(body.error ?? `request failed (HTTP ${res.status})`, res.status);
    return body.result;
  };

  const setConnected = (connected: boolean) => {
    for (const l of connectionListeners) l(connected);
  };

  const open = () => {
    const url = new URL('api/events', location.href);
    url.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
    url.hash = '';
    const ws = new WebSocket(url, ['burrow.v1', `token.${token}`]);
    socket = ws;
    ws.onopen = () => {
      retryMs = 500;
      setConnected(true);
      // Anything may have changed while the socket was down: let every view read again.
      for (const l of listeners) l({ type: 'remotes-changed' });
    };
    ws.onmessage = (message) => {
      let event: BurrowEvent;
      try {
        event = JSON.parse(String(message.data)) as BurrowEvent;
      } catch {
        return;
      }
      for (const l of listeners) l(event);
    };
    ws.onclose = () => {
      if (socket !== ws) return;
      socket = undefined;
      setConnected(false);
      if (listeners.size === 0) return;
      retryTimer = setTimeout(open, retryMs);
      retryMs = Math.min(retryMs * 2, 10_000);
    };
  };

  const api = {
    subscribe(listener: (event: BurrowEvent) => void) {
      listeners.add(listener);
      if (!socket && !retryTimer) open();
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0) {
          clearTimeout(retryTimer);
          retryTimer = undefined;
          const ws = socket;
          socket = undefined;
          ws?.close();
        }
      };
    },
    onConnection(listener: (connected: boolean) => void) {
      connectionListeners.add(listener);
      return () => {
        connectionListeners.delete(listener);
      };
    },
  } as Partial<WebBridge> as WebBridge;
  for (const method of commandsFor('web')) {
    (api as unknown as Record<string, unknown>)[method] = (...args: unknown[]) => call(method, args);
  }
  return api;
}
