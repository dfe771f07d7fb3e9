/** Burrow's own pages are served from this origin by a privileged protocol, never from file:// or http. */
export const APP_SCHEME = 'app';
export const APP_HOST = 'burrow';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;

/** The part of Electron's WebFrameMain a sender check reads. */
export interface SenderFrame {
  url: string;
  /** null for a window's top frame; an embedded frame is never trusted. */
  parent: unknown;
}

/**
 * True only for the top frame of one of Burrow's own pages. Every ipcMain handler calls this first:
 * a page that was navigated elsewhere, or an iframe inside ours, must not reach the engine.
 */
export function isTrustedSender(frame: SenderFrame | null | undefined): boolean {
  if (!frame || frame.parent !== null) return false;
  let url: URL;
  try {
    url = new URL(frame.url);
  } catch {
    return false;
  }
  return url.protocol === `${APP_SCHEME}:` && url.host === APP_HOST && !url.username && !url.password && !url.port;
}

/** A link the user clicked that should open in their browser instead (https only). */
export function externalLink(text: string): string | undefined {
  try {
    const url = new URL(text);
    return url.protocol === 'https:' ? url.toString() : undefined;
  } catch {
    return undefined;
  }
}
