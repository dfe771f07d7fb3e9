import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { timingSafeEqual } from 'node:crypto';
import ssh2 from 'ssh2';
import type { AddressInfo } from 'node:net';
import { EVERYTHING_SERVER, keygen } from './sshd.js';
import { recordPid, tempDir } from './run-state.js';

export type M2mBehaviour = 'serve' | 'banner' | 'close-after-first-reply';

export interface M2mServer {
  port: number;
  clientKey: string;
  knownHostsFile: string;
  shellRequests: () => number;
  close: () => Promise<void>;
}

/**
 * An SSH server in the style of m2m-mcp-server-ssh-server, written with ssh2's Server:
 * it accepts a shell request (no pty) on a session channel and serves NDJSON MCP over it.
 */
export async function startM2mServer(behaviour: M2mBehaviour = 'serve'): Promise<M2mServer> {
  const dir = tempDir('burrow-m2m');
  keygen(join(dir, 'host'));
  keygen(join(dir, 'client'));
  const allowed = ssh2.utils.parseKey(readFileSync(join(dir, 'client.pub')));
  if (allowed instanceof Error) throw allowed;
  const allowedPub = allowed.getPublicSSH();
  let shells = 0;

  const server = new ssh2.Server({ hostKeys: [readFileSync(join(dir, 'host'))] }, (client) => {
    client.on('authentication', (ctx) => {
      if (ctx.method !== 'publickey') return ctx.reject(['publickey']);
      const pub = ctx.key.data;
      if (pub.length !== allowedPub.length || !timingSafeEqual(pub, allowedPub)) return ctx.reject();
      if (ctx.signature && !allowed.verify(ctx.blob!, ctx.signature, ctx.hashAlgo)) return ctx.reject();
      ctx.accept();
    });
    client.on('ready', () => {
      client.on('session', (accept) => {
        const session = accept();
        session.on('shell', (acceptShell) => {
          shells++;
          const stream = acceptShell();
          const mcp = spawn(process.execPath, [EVERYTHING_SERVER, 'stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
          if (mcp.pid) recordPid(mcp.pid, 'm2m-mcp-server');
          if (behaviour === 'banner') stream.write('Welcome to the m2m MCP SSH server\r\n');
          let replies = 0;
          mcp.stdout.on('data', (chunk: Buffer) => {
            stream.write(chunk);
            if (behaviour === 'close-after-first-reply' && ++replies === 1) setTimeout(() => stream.close(), 50);
          });
          mcp.stderr.on('data', (chunk: Buffer) => stream.stderr.write(chunk));
          stream.on('data', (chunk: Buffer) => mcp.stdin.write(chunk));
          stream.on('end', () => mcp.stdin.end());
          stream.on('close', () => mcp.kill());
          mcp.on('exit', (code) => {
            if (!stream.destroyed) {
              stream.exit(code ?? 0);
              stream.end();
            }
          });
        });
      });
    });
    client.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const hostPub = readFileSync(join(dir, 'host.pub'), 'utf8').trim().split(/\s+/).slice(0, 2).join(' ');
  const knownHostsFile = join(dir, 'known_hosts');
  (await import('node:fs')).writeFileSync(knownHostsFile, `[127.0.0.1]:${port} ${hostPub}\n`);
  return {
    port,
    clientKey: join(dir, 'client'),
    knownHostsFile,
    shellRequests: () => shells,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
