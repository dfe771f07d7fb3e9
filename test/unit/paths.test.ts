import { homedir, tmpdir, userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { burrowHome, runtimeDir, socketPath } from '../../electron/core/paths.js';

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

describe("where Burrow's home is", () => {
  it.runIf(process.platform === 'linux')('ignores an empty or relative XDG_CONFIG_HOME, as the XDG spec says (it would put the home in the current folder)', () => {
    const standard = join(homedir(), '.config', 'burrow');
    expect(burrowHome({ XDG_CONFIG_HOME: '' })).toBe(standard);
    expect(burrowHome({ XDG_CONFIG_HOME: 'cfg' })).toBe(standard);
    expect(burrowHome({ XDG_CONFIG_HOME: '/home/me/cfg' })).toBe('/home/me/cfg/burrow');
  });

  it.runIf(process.platform === 'linux')('ignores a relative XDG_RUNTIME_DIR for the socket', () => {
    expect(runtimeDir({ XDG_RUNTIME_DIR: 'run/user' })).toBe(join(homedir(), '.config', 'burrow', 'run'));
    expect(runtimeDir({ XDG_RUNTIME_DIR: '/run/user/1000' })).toBe('/run/user/1000/burrow');
  });

  it('makes a relative BURROW_HOME absolute, so the helper a host starts elsewhere finds the same one', () => {
    expect(burrowHome({ BURROW_HOME: 'my-burrow' })).toBe(resolve('my-burrow'));
  });
});
