/** One hop as written in OpenSSH's ProxyJump / `ssh -J`: `[user@]host[:port]` or `ssh://[user@]host[:port]`. */
export interface JumpSpec {
  host: string;
  port?: number;
  user?: string;
}

/**
 * Parses a ProxyJump value (`a,b`, `user@host:port`, `ssh://user@host:port`, `[v6::addr]:port`).
 * `none` (any case) means no jump hosts. Throws one line naming the bad hop.
 */
export function parseJumpSpecs(text: string): JumpSpec[] {
  const trimmed = text.trim();
  if (trimmed === '' || trimmed.toLowerCase() === 'none') return [];
  return trimmed.split(',').map((part) => parseJumpSpec(part.trim()));
}

/** One `[user@]host[:port]` address; `what` names it in the error ("jump host", "host"). */
export function parseJumpSpec(text: string, what = 'jump host'): JumpSpec {
  const bad = (why: string) => new Error(`${what} "${text}": ${why} (use [user@]host[:port])`);
  let rest = text.startsWith('ssh://') ? text.slice('ssh://'.length).replace(/\/$/, '') : text;
  if (!rest) throw bad('empty');
  let user: string | undefined;
  const at = rest.lastIndexOf('@');
  if (at >= 0) {
    user = rest.slice(0, at);
    rest = rest.slice(at + 1);
    if (!user) throw bad('empty user');
  }
  let host = rest;
  let portText: string | undefined;
  const bracket = /^\[([^\]]+)\](?::(.*))?$/.exec(rest);
  if (bracket) {
    host = bracket[1];
    portText = bracket[2];
  } else if ((rest.match(/:/g) ?? []).length === 1) {
    [host, portText] = rest.split(':');
  }
  if (!host) throw bad('no host');
  if (/[\s/]/.test(host)) throw bad('a host name has no spaces or slashes');
  let port: number | undefined;
  if (portText !== undefined) {
    port = Number(portText);
    if (!/^\d+$/.test(portText) || port < 1 || port > 65535) throw bad(`bad port "${portText}"`);
  }
  return { host, ...(port !== undefined ? { port } : {}), ...(user !== undefined ? { user } : {}) };
}

/** How a hop is written back, for lists and notes. */
export function formatJumpSpec(hop: { host: string; port?: number; user?: string }): string {
  const host = hop.host.includes(':') ? `[${hop.host}]` : hop.host;
  return `${hop.user ? `${hop.user}@` : ''}${host}${hop.port && hop.port !== 22 ? `:${hop.port}` : ''}`;
}
