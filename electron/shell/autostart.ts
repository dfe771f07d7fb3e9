import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { envDir } from '../core/env-dir.js';

/** Where freedesktop session managers (GNOME, KDE, XFCE, …) look for programs to start at login. */
export function linuxAutostartPath(home: string, env: NodeJS.ProcessEnv): string {
  return join(envDir(env.XDG_CONFIG_HOME, 'linux') ?? join(home, '.config'), 'autostart', 'burrow.desktop');
}

/**
 * One Exec argument, quoted as the Desktop Entry spec asks: reserved characters put it in double
 * quotes with " ` $ \ escaped, % is doubled (field codes), and the string-level escape doubles \ again.
 */
export function quoteExecArg(arg: string): string {
  const percent = arg.replace(/%/g, '%%');
  const quoted = /[\s"'\\<>~|&;$*?#()`]/.test(percent) || percent === '' ? `"${percent.replace(/(["`$\\])/g, '\\$1')}"` : percent;
  return quoted.replace(/\\/g, '\\\\');
}

/** The autostart entry that starts Burrow's tray at login, without opening a window. */
export function linuxAutostartEntry(command: string[]): string {
  return [
    '[Desktop Entry]',
    'Type=Application',
    'Version=1.0',
    'Name=Burrow',
    'Comment=Use MCP servers on other machines over SSH',
    `Exec=${[...command, '--autostart'].map(quoteExecArg).join(' ')}`,
    'Icon=burrow',
    'Terminal=false',
    'X-GNOME-Autostart-enabled=true',
    '',
  ].join('\n');
}

export interface LinuxAutostart {
  home: string;
  env: NodeJS.ProcessEnv;
  /** The executable and its arguments: the AppImage or installed binary, or electron + the app folder in development. */
  command: string[];
}

export function setLinuxAutostart(enabled: boolean, options: LinuxAutostart): string {
  const path = linuxAutostartPath(options.home, options.env);
  if (enabled) {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, linuxAutostartEntry(options.command));
  } else {
    rmSync(path, { force: true });
  }
  return path;
}

/** On, unless the file is gone or a session manager's settings switched it off. */
export function isLinuxAutostartEnabled(home: string, env: NodeJS.ProcessEnv): boolean {
  const path = linuxAutostartPath(home, env);
  if (!existsSync(path)) return false;
  const text = readFileSync(path, 'utf8');
  return !/^Hidden\s*=\s*true\s*$/m.test(text) && !/^X-GNOME-Autostart-enabled\s*=\s*false\s*$/m.test(text);
}
