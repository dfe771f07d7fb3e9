import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runtimeDir, socketPath } from '../../electron/core/paths.js';

describe('where the socket lives', () => {
  it('sits beside BURROW_HOME when that path fits a socket address', () => {
    expect(socketPath({ BURROW_HOME: '/home/me/.burrow' })).toBe('/home/me/.burrow/run/daemon.sock');
  });

  it('moves to a per-user, per-home folder in the temp dir when the path would be too long for a socket', () => {
    const long = `/home/me/${'deep/'.repeat(30)}burrow`;
    const dir = runtimeDir({ BURROW_HOME: long });
    expect(dir).toMatch(new RegExp(`^${join(tmpdir(), `burrow-${userInfo().username}-`).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}[0-9a-f]{12}$`));
    // The same home always gets the same folder (helper and engine must agree); another home gets another.
    expect(runtimeDir({ BURROW_HOME: long })).toBe(dir);
    expect(runtimeDir({ BURROW_HOME: `${long}2` })).not.toBe(dir);
    expect(socketPath({ BURROW_HOME: long }).length).toBeLessThanOrEqual(100);
  });
});
