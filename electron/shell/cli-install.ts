import { join } from 'node:path';

/** Where the `burrow` command goes on macOS: on the default PATH of Terminal and of login shells. */
export const MAC_CLI_LINK = '/usr/local/bin/burrow';

/** The launcher script inside the app bundle (electron-builder's extraResources put build/bin there). */
export function macLauncherPath(resourcesPath: string): string {
  return join(resourcesPath, 'bin', 'burrow');
}

/** A word for /bin/sh in single quotes. */
export function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** An AppleScript string literal. */
function appleScriptString(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/**
 * The osascript arguments that link the launcher into /usr/local/bin, asking for an administrator's
 * password in the system's own dialog (the folder is root's on a fresh Mac).
 */
export function macCliInstallCommand(launcher: string, link = MAC_CLI_LINK): { command: string; args: string[] } {
  const folder = link.slice(0, link.lastIndexOf('/')) || '/';
  const script = `mkdir -p ${shellQuote(folder)} && ln -sf ${shellQuote(launcher)} ${shellQuote(link)}`;
  return { command: '/usr/bin/osascript', args: ['-e', `do shell script ${appleScriptString(script)} with administrator privileges`] };
}

/** True when `burrow` on the PATH is this app's launcher already (the tray then hides its install item). */
export function cliInstalled(linkTarget: string | undefined, launcher: string): boolean {
  return linkTarget === launcher;
}
