import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';

/** What the built renderer holds, by extension; anything else is not served. */
const TYPES: Record<string, string> = {
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

export interface StaticAsset {
  path: string;
  type: string;
}

export interface StaticFile {
  body: Buffer;
  type: string;
}

/**
 * The file a URL path names inside `root` (the built renderer), or undefined for anything outside it, undecodable,
 * or of a type the UI does not have. Shared by the web UI and the tray app's app:// protocol.
 */
export function resolveAsset(root: string, urlPath: string): StaticAsset | undefined {
  let relative: string;
  try {
    relative = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  if (relative.includes('\0')) return undefined;
  if (relative === '/' || relative === '') relative = '/index.html';
  const base = normalize(root);
  const path = normalize(join(base, relative));
  if (!path.startsWith(base.endsWith(sep) ? base : base + sep)) return undefined;
  const type = TYPES[extname(path).toLowerCase()];
  return type ? { path, type } : undefined;
}

/** A file of the built renderer by URL path; undefined for anything outside `root` or missing. */
export async function readStaticFile(root: string, urlPath: string): Promise<StaticFile | undefined> {
  const asset = resolveAsset(root, urlPath);
  if (!asset) return undefined;
  try {
    return { body: await readFile(asset.path), type: asset.type };
  } catch {
    return undefined;
  }
}
