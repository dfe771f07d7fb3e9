import type { BurrowApi } from '../../../shared/api.js';
import { createWebBridge, type WebBridge } from './web-bridge.js';

declare global {
  interface Window {
    /** Set by the Electron preload; absent in a browser, where the web bridge is used. */
    burrow?: BurrowApi;
  }
}

export interface LaunchParams {
  /** Which screen to open first (the tray's "Inspector" opens `#view=inspector&remote=NAME`). */
  view?: string;
  remote?: string;
}

/** `#view=…&remote=…`: how the shell (and a bookmark) says which screen to show. */
export function launchParams(hash = location.hash): LaunchParams {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  return { view: params.get('view') ?? undefined, remote: params.get('remote') ?? undefined };
}

export type ApiConnection =
  | { kind: 'electron'; api: BurrowApi; params: LaunchParams }
  | { kind: 'web'; api: WebBridge; params: LaunchParams }
  | { kind: 'no-token'; params: LaunchParams };

const TOKEN_KEY = 'burrow.token';

/**
 * The one place the renderer learns which bridge it has. In a browser the token arrives in the URL's
 * fragment (never sent to a server); it is kept for this tab only and removed from the address bar.
 */
export function connectApi(): ApiConnection {
  const hash = new URLSearchParams(location.hash.replace(/^#/, ''));
  const params = launchParams();
  if (window.burrow) return { kind: 'electron', api: window.burrow, params };
  const fromUrl = hash.get('token');
  if (fromUrl) {
    sessionStorage.setItem(TOKEN_KEY, fromUrl);
    hash.delete('token');
    const rest = hash.toString();
    history.replaceState(null, '', `${location.pathname}${location.search}${rest ? `#${rest}` : ''}`);
  }
  const token = fromUrl ?? sessionStorage.getItem(TOKEN_KEY);
  if (!token) return { kind: 'no-token', params };
  return { kind: 'web', api: createWebBridge(token), params };
}
