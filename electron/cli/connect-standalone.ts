import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { hostKeyPolicySchema, type Remote } from '../../shared/remote.js';
import { DEFAULT_KNOWN_HOSTS, Engine } from '../core/engine.js';
import { createLogger, parseLogLevel, stderrSink } from '../core/logging/logger.js';
import { burrowHome } from '../core/paths.js';
import { StreamLineEnd, type HostEnd } from '../core/relay/line-end.js';
import { generateKeyFile } from '../core/ssh/key-generator.js';
import type { ConnectOptions } from './connect-command.js';

export const M2M_DEFAULT_KEY = join(homedir(), '.ssh', 'm2m_mcp_server_ssh_client');

/** `burrow connect --host …`: the engine in this process, as a drop-in for m2m-mcp-server-ssh-client. */
export async function connectStandalone(options: ConnectOptions): Promise<number> {
  const logger = createLogger([stderrSink(parseLogLevel(options.logLevel))]);
  const policy = options.disableHostKeyChecking
    ? 'insecure'
    : hostKeyPolicySchema.parse(options.hostKeyPolicy ?? 'strict');
  const keyPath = options.clientKey ?? M2M_DEFAULT_KEY;
  if (!options.clientKey && !existsSync(keyPath)) {
    generateKeyFile(keyPath);
    logger.warn(`generated a new client key ${keyPath} (add ${keyPath}.pub to the server's authorized keys, or use --use-key-server)`);
  }
  const remote: Remote = {
    name: `${options.username}@${options.host}:${options.port}`,
    host: options.host!,
    port: options.port,
    user: options.username,
    identityFiles: [keyPath],
    useAgent: true,
    usePassword: false,
    knownHostsPath: options.knownHosts ?? DEFAULT_KNOWN_HOSTS,
    mode: options.command ? 'exec' : 'shell',
    command: options.command,
    hostKeyPolicy: policy,
    keyServer: options.useKeyServer ? { enabled: true, port: options.keyServerPort } : undefined,
  };
  const home = burrowHome();
  const engine = new Engine({
    home,
    logger,
    keepWarm: false,
    idleTimeoutMs: 0,
    approvalTimeoutMs: () => (options.approvalTimeoutSec ?? 120) * 1000,
  });

  return new Promise((resolve) => {
    let exitCode = 0;
    const stdio = new StreamLineEnd(process.stdin, process.stdout);
    const host: HostEnd = Object.assign(stdio, {
      notify: (notice: { type: 'status' | 'error'; message: string }) => {
        if (notice.type === 'error') exitCode = 1;
        process.stderr.write(`burrow: ${notice.message}\n`);
      },
      end: () => {
        // stdout stays open until the process exits; flush what is queued first.
        process.stdout.write('', () => {
          engine.close();
          resolve(exitCode);
        });
      },
    });
    engine.startSession(remote, host, { passphrase: options.passphrase });
  });
}
