import type { HostKeySource } from '../../../shared/approvals.js';
import { BurrowError } from '../errors.js';
import { keyTypeOf } from '../hostkeys/fingerprint.js';

/** Where the key server answered, and how: HTTPS on 443 first, then plain HTTP on its port (the m2m contract). */
export interface KeyServerEndpoint {
  baseUrl: string;
  source: Extract<HostKeySource, 'key-server-https' | 'key-server-http'>;
}

export interface ServerKey extends KeyServerEndpoint {
  /** The SSH public key blob the server says it has: a candidate until it is verified or pinned. */
  keyBlob: Buffer;
}

const HTTPS_TIMEOUT_MS = 5_000;
const HTTP_TIMEOUT_MS = 10_000;
const MAX_REPLY_BYTES = 64 * 1024;

const urlHost = (host: string) => (host.includes(':') ? `[${host}]` : host);

/** `GET /server_pub_key`: HTTPS first (certificate checked as usual), then plain HTTP, as m2m's client does. */
export async function fetchServerKey(host: string, port: number, onFallback?: (why: string) => void): Promise<ServerKey> {
  const https: KeyServerEndpoint = { baseUrl: `https://${urlHost(host)}`, source: 'key-server-https' };
  const http: KeyServerEndpoint = { baseUrl: `http://${urlHost(host)}:${port}`, source: 'key-server-http' };
  let reply: { endpoint: KeyServerEndpoint; body: unknown };
  try {
    reply = { endpoint: https, body: await call(https, 'GET', '/server_pub_key', HTTPS_TIMEOUT_MS) };
  } catch (error) {
    onFallback?.((error as Error).message);
    reply = { endpoint: http, body: await call(http, 'GET', '/server_pub_key', HTTP_TIMEOUT_MS) };
  }
  const url = `${reply.endpoint.baseUrl}/server_pub_key`;
  const text = (reply.body as { server_pub_key?: unknown } | null)?.server_pub_key;
  if (typeof text !== 'string') throw new BurrowError(`the key server at ${url} sent no "server_pub_key" in its reply`, 'key-server');
  return { ...reply.endpoint, keyBlob: parsePublicKeyLine(text, url) };
}

/** `POST /register` with `{"client_pub_key": "..."}`, at the endpoint that served the server's key. */
export async function registerClientKey(endpoint: KeyServerEndpoint, clientPublicKey: string): Promise<void> {
  const body = (await call(endpoint, 'POST', '/register', endpoint.source === 'key-server-https' ? HTTPS_TIMEOUT_MS : HTTP_TIMEOUT_MS, {
    client_pub_key: clientPublicKey,
  })) as { status?: unknown } | null;
  if (body?.status !== 'success') {
    throw new BurrowError(`the key server at ${endpoint.baseUrl}/register did not confirm the registration (status: ${JSON.stringify(body?.status ?? null)})`, 'key-server');
  }
}

/** `ssh-ed25519 AAAA… [comment]` → the key blob; anything else is one clear error. */
export function parsePublicKeyLine(text: string, where: string): Buffer {
  const [type, base64] = text.trim().split(/\s+/);
  const blob = base64 ? Buffer.from(base64, 'base64') : Buffer.alloc(0);
  if (!type || blob.length === 0 || keyTypeOf(blob) !== type) {
    throw new BurrowError(`the key server at ${where} sent a server_pub_key that is not an SSH public key ("${text.slice(0, 40)}")`, 'key-server');
  }
  return blob;
}

async function call(endpoint: KeyServerEndpoint, method: 'GET' | 'POST', path: string, timeoutMs: number, json?: unknown): Promise<unknown> {
  const url = `${endpoint.baseUrl}${path}`;
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      headers: json === undefined ? { accept: 'application/json' } : { accept: 'application/json', 'content-type': 'application/json' },
      body: json === undefined ? undefined : JSON.stringify(json),
      signal: AbortSignal.timeout(timeoutMs),
      redirect: 'error',
    });
  } catch (error) {
    throw new BurrowError(`cannot reach the key server at ${url}: ${networkReason(error, timeoutMs)}`, 'key-server');
  }
  const text = (await response.text()).slice(0, MAX_REPLY_BYTES);
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = undefined;
  }
  if (!response.ok) {
    const said = (body as { error?: unknown } | null | undefined)?.error;
    const detail = typeof said === 'string' ? said : text.trim().replace(/\s+/g, ' ').slice(0, 200) || response.statusText;
    throw new BurrowError(`the key server at ${url} answered ${response.status}: ${detail}`, 'key-server');
  }
  if (body === undefined) throw new BurrowError(`the key server at ${url} sent a reply that is not JSON: "${text.trim().slice(0, 60)}"`, 'key-server');
  return body;
}

function networkReason(error: unknown, timeoutMs: number): string {
  const e = error as Error & { cause?: { code?: string; message?: string } };
  if (e.name === 'TimeoutError' || e.name === 'AbortError') return `no answer within ${timeoutMs / 1000}s`;
  const code = e.cause?.code;
  if (code === 'ECONNREFUSED') return 'connection refused (is it running, and is --key-server-port right?)';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'cannot resolve the host name';
  return code ?? e.cause?.message ?? e.message;
}
