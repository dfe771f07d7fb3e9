import { resolveAsset } from '../core/web/static-files.js';
import { APP_HOST, APP_SCHEME } from './sender-check.js';

/** The file an `app://burrow/…` request maps to inside the built renderer, or undefined (wrong host, outside root). */
export function resolveAppAsset(root: string, requestUrl: string): { path: string; mimeType: string } | undefined {
  let url: URL;
  try {
    url = new URL(requestUrl);
  } catch {
    return undefined;
  }
  if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST) return undefined;
  const asset = resolveAsset(root, url.pathname);
  return asset && { path: asset.path, mimeType: asset.type };
}

/** Where a window opens: the main screens, or the inspector (optionally on one remote). */
export function appPageUrl(view?: 'inspector' | 'remotes' | 'hosts', remote?: string): string {
  const hash = new URLSearchParams();
  if (view) hash.set('view', view);
  if (remote) hash.set('remote', remote);
  const fragment = hash.toString();
  return `${APP_SCHEME}://${APP_HOST}/index.html${fragment ? `#${fragment}` : ''}`;
}
