/**
 * The Content-Security-Policy of every Burrow page, in the tray app and in the web UI alike: only our
 * own scripts and styles, no eval, no inline script, no network but our own origin (plus the given
 * WebSocket origins), no frames, plugins or forms anywhere.
 */
export function contentSecurityPolicy(extraConnectSources: string[] = []): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    ["connect-src 'self'", ...extraConnectSources].join(' '),
    "base-uri 'none'",
    "form-action 'none'",
    "frame-src 'none'",
    "frame-ancestors 'none'",
    "object-src 'none'",
    "worker-src 'none'",
  ].join('; ');
}
