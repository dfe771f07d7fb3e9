import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliInstalled, macCliInstallCommand, macLauncherPath, shellQuote } from '../../electron/shell/cli-install.js';
import { buildTrayMenu } from '../../electron/shell/tray-menu.js';
import { isTheme, windowBounds } from '../../electron/shell/ui-state.js';
import { REPO } from '../support/sshd.js';

const screen = [{ x: 0, y: 0, width: 1920, height: 1080 }];

describe('window bounds from the UI state', () => {
  it('reopens a window where it was', () => {
    expect(windowBounds('main', { x: 100, y: 50, width: 1000, height: 700 }, screen)).toEqual({ x: 100, y: 50, width: 1000, height: 700 });
  });

  it('falls back to the default size for missing or broken state, and never below the minimum', () => {
    expect(windowBounds('main', undefined, screen)).toEqual({ width: 960, height: 680 });
    expect(windowBounds('inspector', { width: 'wide' }, screen)).toEqual({ width: 1200, height: 800 });
    expect(windowBounds('main', { width: 10, height: 10 }, screen)).toEqual({ width: 720, height: 480 });
  });

  it('lets the OS place a window whose saved spot is on a monitor that is gone', () => {
    expect(windowBounds('main', { x: 3000, y: 100, width: 1000, height: 700 }, screen)).toEqual({ width: 1000, height: 700 });
    expect(windowBounds('main', { x: 3000, y: 100, width: 1000, height: 700 }, [...screen, { x: 1920, y: 0, width: 2560, height: 1440 }])).toMatchObject({ x: 3000 });
  });

  it('knows the themes', () => {
    expect(['system', 'light', 'dark', 'blue', undefined].map(isTheme)).toEqual([true, true, true, false, false]);
  });
});

describe('the macOS "Install the burrow command" item', () => {
  it('links the bundle launcher into /usr/local/bin through an administrator prompt', () => {
    const launcher = macLauncherPath('/Applications/Burrow.app/Contents/Resources');
    expect(launcher).toBe('/Applications/Burrow.app/Contents/Resources/bin/burrow');
    const { command, args } = macCliInstallCommand(launcher);
    expect(command).toBe('/usr/bin/osascript');
    expect(args).toEqual(['-e', `do shell script "mkdir -p '/usr/local/bin' && ln -sf '/Applications/Burrow.app/Contents/Resources/bin/burrow' '/usr/local/bin/burrow'" with administrator privileges`]);
  });

  it('quotes paths with quotes and spaces so the shell gets them whole', () => {
    const odd = `/Users/o'neil/My "Apps"/Burrow.app/Contents/Resources/bin/burrow`;
    // The shell word survives /bin/sh unchanged.
    expect(execFileSync('/bin/sh', ['-c', `printf %s ${shellQuote(odd)}`], { encoding: 'utf8' })).toBe(odd);
    const script = macCliInstallCommand(odd).args[1];
    expect(script).toContain(`ln -sf '/Users/o'\\\\''neil/My \\"Apps\\"/Burrow.app`);
  });

  it('is offered only until the link points at this app', () => {
    expect(cliInstalled(undefined, '/A/bin/burrow')).toBe(false);
    expect(cliInstalled('/Old/bin/burrow', '/A/bin/burrow')).toBe(false);
    expect(cliInstalled('/A/bin/burrow', '/A/bin/burrow')).toBe(true);
    const labels = (offer: boolean) => buildTrayMenu({ remotes: [], paused: false, startAtLogin: false, offerCliInstall: offer }).map((i) => (i.type === 'separator' ? '---' : i.label));
    expect(labels(true)).toContain('Install the burrow Command…');
    expect(labels(false)).not.toContain('Install the burrow Command…');
  });
});

describe('the deb scripts that put burrow on the PATH', () => {
  // electron-builder fills in ${executable} and ${sanitizedProductName} before fpm packs them.
  const filled = (file: string) =>
    readFileSync(join(REPO, 'build', 'linux', file), 'utf8').replaceAll('${executable}', 'burrow-app').replaceAll('${sanitizedProductName}', 'Burrow');

  it('link /usr/bin/burrow to the launcher after install and remove only that link, in valid bash', () => {
    const install = filled('after-install.sh');
    const remove = filled('after-remove.sh');
    expect(install).toContain(`ln -sf '/opt/Burrow/resources/bin/burrow' '/usr/bin/burrow'`);
    expect(install).toContain(`'/opt/Burrow/burrow-app' '/usr/bin/burrow-app'`);
    expect(remove).toContain(`= '/opt/Burrow/resources/bin/burrow' ]; then\n  rm -f /usr/bin/burrow`);
    for (const script of [install, remove]) expect(spawnSync('bash', ['-n'], { input: script, encoding: 'utf8' }).stderr).toBe('');
  });
});
