import { appendFileSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { join } from 'node:path';
import { EVERYTHING_COMMAND, type SshdFixture } from './sshd.js';

/** What the test key server does next; tests switch it to show each failure a person could meet. */
export type KeyServerMode = 'normal' | 'error-500' | 'bad-json' | 'no-key';

export interface TestKeyServer {
  port: number;
  /** Client keys registered so far (the JSON field as sent). */
  registered: string[];
  /** Requests in arrival order, e.g. "GET /server_pub_key". */
  requests: string[];
  /** Serve another key from now on (a key server that changed, or lies). */
  serveKey(publicKeyLine: string): void;
  setMode(mode: KeyServerMode): void;
  close(): Promise<void>;
}

/**
 * A key server speaking m2m-mcp-server-ssh-server's contract, on loopback plain HTTP:
 * `GET /server_pub_key` → {"server_pub_key": "ssh-ed25519 AAAA…"};
 * `POST /register` {"client_pub_key": "…"} → {"status": "success"}, and the key goes into the
 * fixture sshd's authorized_keys with the forced MCP server command, as the real server would allow it.
 */
export function startKeyServer(sshd: SshdFixture): Promise<TestKeyServer> {
  let served = readFileSync(`${sshd.hostKeyFile}.pub`, 'utf8').trim();
  let mode: KeyServerMode = 'normal';
  const registered: string[] = [];
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    const reply = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(typeof body === 'string' ? body : JSON.stringify(body));
    };
    if (mode === 'error-500') return reply(500, { error: 'key store is locked' });
    if (mode === 'bad-json') return reply(200, '<html>proxy login</html>');
    if (req.method === 'GET' && req.url === '/server_pub_key') {
      return reply(200, mode === 'no-key' ? { key: served } : { server_pub_key: served });
    }
    if (req.method === 'POST' && req.url === '/register') {
      void readBody(req).then((text) => {
        let key: unknown;
        try {
          key = (JSON.parse(text) as { client_pub_key?: unknown }).client_pub_key;
        } catch {
          return reply(400, { error: 'body is not JSON' });
        }
        if (typeof key !== 'string' || !/^ssh-\S+ \S+/.test(key)) return reply(400, { error: 'client_pub_key is missing or not a key' });
        registered.push(key);
        appendFileSync(join(sshd.dir, 'authorized_keys'), `command="${EVERYTHING_COMMAND}",no-pty ${key}\n`);
        reply(200, { status: 'success' });
      });
      return;
    }
    reply(404, { error: `no route ${req.method} ${req.url}` });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      resolve({
        port,
        registered,
        requests,
        serveKey: (line) => {
          served = line;
        },
        setMode: (m) => {
          mode = m;
        },
        close: () => new Promise((done) => server.close(() => done())),
      });
    });
  });
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    req.on('data', (c: Buffer) => (text += c.toString()));
    req.on('end', () => resolve(text));
  });
}
