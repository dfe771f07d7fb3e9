import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, linkSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveLauncher, socketEnv, thisProcessLauncher } from '../../electron/core/hostconfig/launcher.js';
import { REPO } from '../support/sshd.js';

describe('the launcher written into host configs', () => {
  it('development: this repo\'s node and bin/burrow.js, pinning a non-default BURROW_HOME', () => {
    expect(thisProcessLauncher({})).toEqual({ command: process.execPath, args: [join(REPO, 'bin', 'burrow.js')] });
    expect(thisProcessLauncher({ BURROW_HOME: '/data/b' })).toEqual({ command: process.execPath, args: [join(REPO, 'bin', 'burrow.js')], env: { BURROW_HOME: '/data/b' } });
    // And it really runs the CLI.
    const launcher = thisProcessLauncher({});
    expect(execFileSync(launcher.command, [...launcher.args, '--version'], { encoding: 'utf8' })).toBe('burrow 0.1.0\n');
  });

  it('packaged on Windows: the app with ELECTRON_RUN_AS_NODE and the script outside the asar', () => {
    const res = `${sep}Programs${sep}Burrow${sep}resources`;
    const launcher = resolveLauncher({
      execPath: `${sep}Programs${sep}Burrow${sep}Burrow.exe`,
      scriptPath: `${res}${sep}app.asar${sep}bin${sep}burrow.js`,
      platform: 'win32',
      env: {},
      electron: '38.0.0',
    });
    expect(launcher).toEqual({ command: `${sep}Programs${sep}Burrow${sep}Burrow.exe`, args: [`${res}${sep}app.asar.unpacked${sep}bin${sep}burrow.js`], env: { ELECTRON_RUN_AS_NODE: '1' } });
  });

  it('packaged on macOS: the Helper binary, so no second dock icon appears', () => {
    const app = join(mkdtempSync(join(tmpdir(), 'burrow-mac-')), 'Burrow.app');
    const helper = join(app, 'Contents/Frameworks/Burrow Helper.app/Contents/MacOS/Burrow Helper');
    mkdirSync(join(helper, '..'), { recursive: true });
    writeFileSync(helper, '');
    const launcher = resolveLauncher({
      execPath: join(app, 'Contents/MacOS/Burrow'),
      scriptPath: join(app, 'Contents/Resources/app.asar/bin/burrow.js'),
      platform: 'darwin',
      env: {},
      electron: '38.0.0',
    });
    expect(launcher.command).toBe(helper);
    expect(launcher.args).toEqual([join(app, 'Contents/Resources/app.asar.unpacked/bin/burrow.js')]);
    expect(launcher.env).toEqual({ ELECTRON_RUN_AS_NODE: '1' });
  });

  it('AppImage: the stable $APPIMAGE path and a bootstrap that finds the script beside the executable', () => {
    const launcher = resolveLauncher({
      execPath: '/tmp/.mount_BurrowXyz/burrow',
      scriptPath: '/tmp/.mount_BurrowXyz/resources/app.asar/bin/burrow.js',
      platform: 'linux',
      env: { APPIMAGE: '/home/me/Apps/Burrow-0.1.0.AppImage' },
      electron: '38.0.0',
    });
    expect(launcher.command).toBe('/home/me/Apps/Burrow-0.1.0.AppImage');
    expect(launcher.args[0]).toBe('-e');
    expect(launcher.args.join(' ')).not.toContain('.mount_');
    // The bootstrap, run by plain node from a fake install, loads bin/burrow.js with the right argv.
    const root = mkdtempSync(join(tmpdir(), 'burrow-appimage-'));
    const script = join(root, 'resources', 'app.asar.unpacked', 'bin', 'burrow.js');
    mkdirSync(join(script, '..'), { recursive: true });
    writeFileSync(script, 'console.log(JSON.stringify(process.argv.slice(2)));\n');
    const fakeExec = join(root, 'node');
    // A hard link (or copy): a symlink would report the real path as process.execPath.
    try {
      linkSync(process.execPath, fakeExec);
    } catch {
      copyFileSync(process.execPath, fakeExec);
      chmodSync(fakeExec, 0o755);
    }
    const out = execFileSync(fakeExec, [...launcher.args, 'connect', '--remote', 'prod'], { encoding: 'utf8' });
    expect(JSON.parse(out)).toEqual(['connect', '--remote', 'prod']);
  });

  it('pins what decides where the engine\'s socket is, since MCP hosts pass the helper only HOME, PATH, USER…', () => {
    expect(socketEnv({ BURROW_HOME: '/b', XDG_RUNTIME_DIR: '/run/user/1000' }, 'linux')).toEqual({ BURROW_HOME: '/b' });
    expect(socketEnv({ XDG_RUNTIME_DIR: '/run/user/1000', XDG_CONFIG_HOME: '/home/me/cfg' }, 'linux')).toEqual({ XDG_RUNTIME_DIR: '/run/user/1000', XDG_CONFIG_HOME: '/home/me/cfg' });
    expect(socketEnv({ XDG_CONFIG_HOME: '/x' }, 'darwin')).toEqual({});
    // Relative or empty folders are ignored where Burrow finds its home (paths.ts), so they are not pinned either; a relative BURROW_HOME is pinned absolute.
    expect(socketEnv({ XDG_RUNTIME_DIR: 'run', XDG_CONFIG_HOME: '' }, 'linux')).toEqual({});
    expect(socketEnv({ BURROW_HOME: 'b' }, 'linux')).toEqual({ BURROW_HOME: resolve('b') });
    expect(socketEnv({ XDG_RUNTIME_DIR: '/r' }, 'win32')).toEqual({});
    expect(resolveLauncher({ execPath: '/usr/bin/node', scriptPath: '/src/bin/burrow.js', platform: 'linux', env: { XDG_RUNTIME_DIR: '/run/user/1000' } }).env).toEqual({ XDG_RUNTIME_DIR: '/run/user/1000' });
  });
});
