import { extname, join, normalize, sep } from 'node:path';
import { APP_HOST, APP_SCHEME } from './sender-check.js';

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.txt': 'text/plain; charset=utf-8',
};

/** The file an `app://burrow/…` request maps to inside the built renderer, or undefined (wrong host, outside root). */
export function resolveAppAsset(root: string, requestUrl: string): { path: string; mimeType: string } | undefined {
  let url: URL;
  try {
    url = new URL(requestUrl);
  } catch {
    return undefined;
  }
  if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST) return undefined;
  let relative: string;
  try {
    relative = decodeURIComponent(url.pathname);
  } catch {
    return undefined;
  }
  if (relative.includes('\0')) return undefined;
  if (relative === '/' || relative === '') relative = '/index.html';
  const base = normalize(root);
  const path = normalize(join(base, relative));
  if (path !== base && !path.startsWith(base.endsWith(sep) ? base : base + sep)) return undefined;
  return { path, mimeType: MIME[extname(path).toLowerCase()] ?? 'application/octet-stream' };
}

/** Where a window opens: the main screens, or the inspector (optionally on one remote). */
export function appPageUrl(view?: 'inspector' | 'remotes' | 'hosts', remote?: string): string {
  const hash = new URLSearchParams();
  if (view) hash.set('view', view);
  if (remote) hash.set('remote', remote);
  const fragment = hash.toString();
  return `${APP_SCHEME}://${APP_HOST}/index.html${fragment ? `#${fragment}` : ''}`;
}
