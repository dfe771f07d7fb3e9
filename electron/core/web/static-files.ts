import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

export interface StaticFile {
  body: Buffer;
  type: string;
}

/** A file of the built renderer by URL path; undefined for anything outside `root` or missing. */
export async function readStaticFile(root: string, urlPath: string): Promise<StaticFile | undefined> {
  let path: string;
  try {
    path = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  if (path === '/' || path === '') path = '/index.html';
  const full = normalize(join(root, path));
  if (!full.startsWith(root.endsWith(sep) ? root : root + sep)) return undefined;
  const type = TYPES[extname(full)];
  if (!type) return undefined;
  try {
    return { body: await readFile(full), type };
  } catch {
    return undefined;
  }
}
