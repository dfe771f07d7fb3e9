import { describe, expect, it } from 'vitest';
import { bearerToken, isAllowedHost, isAllowedOrigin, tokenMatches, wsProtocolToken } from '../../electron/core/web/request-guard.js';
import { readStaticFile } from '../../electron/core/web/static-files.js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

describe('the web bridge guards', () => {
  it('answers only to 127.0.0.1 and localhost on its own port (DNS rebinding)', () => {
    expect(isAllowedHost('127.0.0.1:4000', 4000)).toBe(true);
    expect(isAllowedHost('localhost:4000', 4000)).toBe(true);
    expect(isAllowedHost('LOCALHOST:4000', 4000)).toBe(true);
    expect(isAllowedHost('127.0.0.1', 4000)).toBe(true);
    expect(isAllowedHost('127.0.0.1:4001', 4000)).toBe(false);
    expect(isAllowedHost('evil.example:4000', 4000)).toBe(false);
    expect(isAllowedHost('localhost.evil.example:4000', 4000)).toBe(false);
    expect(isAllowedHost('127.0.0.1.nip.io:4000', 4000)).toBe(false);
    expect(isAllowedHost(undefined, 4000)).toBe(false);
  });

  it('takes event sockets only from the pages it served', () => {
    expect(isAllowedOrigin('http://127.0.0.1:4000', 4000)).toBe(true);
    expect(isAllowedOrigin('http://localhost:4000', 4000)).toBe(true);
    expect(isAllowedOrigin('http://127.0.0.1:4001', 4000)).toBe(false);
    expect(isAllowedOrigin('https://127.0.0.1:4000', 4000)).toBe(false);
    expect(isAllowedOrigin('null', 4000)).toBe(false);
    expect(isAllowedOrigin(undefined, 4000)).toBe(false);
  });

  it('reads tokens from a bearer header and from a WebSocket subprotocol', () => {
    expect(bearerToken('Bearer abc-_1')).toBe('abc-_1');
    expect(bearerToken('Basic abc')).toBeUndefined();
    expect(bearerToken(undefined)).toBeUndefined();
    expect(wsProtocolToken(new Set(['burrow.v1', 'token.xyz']))).toBe('xyz');
    expect(wsProtocolToken(new Set(['burrow.v1']))).toBeUndefined();
    expect(tokenMatches('xyz', 'xyz')).toBe(true);
    expect(tokenMatches('xyZ', 'xyz')).toBe(false);
    expect(tokenMatches('xy', 'xyz')).toBe(false);
    expect(tokenMatches(undefined, 'xyz')).toBe(false);
  });

  it('serves files of the built UI only, never outside its folder', async () => {
    const root = mkdtempSync(join(tmpdir(), 'burrow-static-'));
    writeFileSync(join(root, 'index.html'), '<!doctype html>');
    writeFileSync(join(tmpdir(), 'burrow-secret.json'), '{}');
    expect((await readStaticFile(root, '/'))?.type).toMatch(/text\/html/);
    expect(await readStaticFile(root, '/../burrow-secret.json')).toBeUndefined();
    expect(await readStaticFile(root, '/%2e%2e/burrow-secret.json')).toBeUndefined();
    expect(await readStaticFile(root, '/missing.js')).toBeUndefined();
  });
});
