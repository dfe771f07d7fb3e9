import { contentSecurityPolicy } from '../../../shared/content-security-policy.js';

/** Names a page on this machine may use for the UI; anything else is DNS rebinding (a site's name pointed at 127.0.0.1). */
const LOCAL_NAMES = ['127.0.0.1', 'localhost'];

/** The `Host` header must be 127.0.0.1 or localhost, on our port when a port is given. */
export function isAllowedHost(host: string | undefined, port: number): boolean {
  if (!host) return false;
  const m = /^([^:]+)(?::(\d+))?$/.exec(host.trim().toLowerCase());
  if (!m || !LOCAL_NAMES.includes(m[1])) return false;
  return m[2] === undefined || Number(m[2]) === port;
}

/** The `Origin` of a page the UI itself served: http://127.0.0.1:PORT or http://localhost:PORT. */
export function isAllowedOrigin(origin: string | undefined, port: number): boolean {
  if (!origin) return false;
  return LOCAL_NAMES.some((name) => origin.toLowerCase() === `http://${name}:${port}`);
}

export { tokenMatches } from '../token-match.js';

/** `Authorization: Bearer <token>` → the token. */
export function bearerToken(header: string | undefined): string | undefined {
  const m = /^Bearer\s+(\S+)$/i.exec(header?.trim() ?? '');
  return m?.[1];
}

/** Browsers cannot set headers on a WebSocket: the page offers the token as a subprotocol `token.<token>`. */
export const WS_PROTOCOL = 'burrow.v1';
export function wsProtocolToken(protocols: Set<string>): string | undefined {
  for (const p of protocols) if (p.startsWith('token.')) return p.slice('token.'.length);
  return undefined;
}

/** The page may load scripts and styles from itself only, and talk only to this server (and its WebSocket). */
export function webUiContentSecurityPolicy(port: number): string {
  return contentSecurityPolicy(LOCAL_NAMES.map((name) => `ws://${name}:${port}`));
}
