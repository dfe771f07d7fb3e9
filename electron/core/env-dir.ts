import { posix, win32 } from 'node:path';

/**
 * The folder an environment variable names (XDG_CONFIG_HOME, APPDATA, …), or undefined when it is unset, empty
 * or relative. The XDG Base Directory spec says to ignore a relative one; taken as it is, `XDG_CONFIG_HOME=` would
 * have put Burrow's settings, keys and socket in whatever folder it was started from.
 */
export function envDir(value: string | undefined, platform: NodeJS.Platform = process.platform): string | undefined {
  if (!value) return undefined;
  return (platform === 'win32' ? win32 : posix).isAbsolute(value) ? value : undefined;
}
