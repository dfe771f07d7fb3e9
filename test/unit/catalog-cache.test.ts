import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CatalogCache, type Catalog } from '../../electron/core/relay/catalog-cache.js';

const catalog: Catalog = {
  protocolVersion: '2025-06-18',
  initialize: { protocolVersion: '2025-06-18', capabilities: {}, serverInfo: { name: 's', version: '1' } },
  lists: { 'tools/list': { tools: [{ name: 'echo' }] } },
};

describe('the catalog cache', () => {
  it('keeps one private file per remote under catalogs/, created on the first save', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'burrow-catalog-')), 'catalogs');
    const cache = new CatalogCache(dir);
    expect(cache.load('prod')).toBeUndefined();
    cache.save('prod', catalog);
    expect(cache.load('prod')).toEqual(catalog);
    expect(statSync(join(dir, 'prod.json')).mode & 0o777).toBe(0o600);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(cache.load('other')).toBeUndefined();
  });

  it('a broken or foreign file counts as no catalog', () => {
    const dir = mkdtempSync(join(tmpdir(), 'burrow-catalog-'));
    writeFileSync(join(dir, 'prod.json'), '{"protocolVersion": 3');
    writeFileSync(join(dir, 'lab.json'), '{"tools": []}');
    const cache = new CatalogCache(dir);
    expect(cache.load('prod')).toBeUndefined();
    expect(cache.load('lab')).toBeUndefined();
  });

  it('a name that is not a remote name never leaves the folder', () => {
    const dir = mkdtempSync(join(tmpdir(), 'burrow-catalog-'));
    const cache = new CatalogCache(dir);
    cache.save('mcp@host:8022/../../x', catalog);
    expect(cache.load('mcp@host:8022/../../x')).toEqual(catalog);
    expect(statSync(join(dir, 'mcp_host_8022_.._.._x.json')).isFile()).toBe(true);
  });
});
