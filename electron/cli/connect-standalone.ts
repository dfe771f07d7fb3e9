import { existsSync, readFileSync, statSync } from 'node:fs';
import type { PendingHostKey } from '../../shared/approvals.js';
import type { Remote } from '../../shared/remote.js';
import { parseHostKeyPolicy } from '../../shared/host-key-policy.js';
import { DEFAULT_KNOWN_HOSTS, type ConnectorSecrets } from '../core/connector.js';
import { Engine } from '../core/engine.js';
import { describeFileError } from '../core/file-errors.js';
import { M2M_DEFAULT_KEY } from '../core/keyserver/key-server-exchange.js';
import { createLogger, parseLogLevel, stderrSink, type Logger } from '../core/logging/logger.js';
import { burrowHome } from '../core/paths.js';
import { StdioHostEnd } from '../core/relay/ends/stdio-host-end.js';
import { generateKeyFile } from '../core/ssh/key-generator.js';
import type { ConnectOptions } from './connect-command.js';
import { hostKeyQuestion, trustsHostKey } from './host-key-question.js';
import { askOnTerminal, terminalAvailable } from './tty-prompt.js';

export { M2M_DEFAULT_KEY };

/** `burrow connect --host …`: the engine in this process, as a drop-in for m2m-mcp-server-ssh-client. */
export async function connectStandalone(options: ConnectOptions): Promise<number> {
  const logger = createLogger([stderrSink(parseLogLevel(options.logLevel))]);
  if (options.disableHostKeyChecking && options.useKeyServer) {
    // As m2m does: the key server's key is checked (and pinned) rather than nothing at all.
    logger.warn('--use-key-server is given, so --disable-host-key-checking is ignored: the key server\'s key is pinned and checked');
  }
  const policy = options.disableHostKeyChecking && !options.useKeyServer
    ? 'insecure'
    : parseHostKeyPolicy(options.hostKeyPolicy ?? 'strict');
  const tty = terminalAvailable();
  if (policy === 'ask' && !tty) {
    throw new Error('connect: --host-key-policy ask needs a terminal to ask on, and there is none; save a remote (burrow remote add) so Burrow can ask, or add the key to known_hosts');
  }
  const passphrase = resolvePassphrase(options, logger);
  const keyPath = options.clientKey ?? M2M_DEFAULT_KEY;
  if (!options.clientKey && !options.useKeyServer && !existsSync(keyPath)) {
    generateKeyFile(keyPath);
    logger.warn(`generated a new client key ${keyPath} (add ${keyPath}.pub to the server's authorized keys, or use --use-key-server)`);
  }
  const remote: Remote = {
    name: `${options.username}@${options.host}:${options.port}`,
    host: options.host!,
    port: options.port,
    user: options.username,
    identityFiles: options.clientKeys.length > 0 ? options.clientKeys : [keyPath],
    useAgent: options.useAgent,
    usePassword: options.usePassword,
    knownHostsPath: options.knownHosts ?? DEFAULT_KNOWN_HOSTS,
    mode: options.command ? 'exec' : 'shell',
    command: options.command,
    hostKeyPolicy: policy,
    keyServer: options.useKeyServer ? { enabled: true, port: options.keyServerPort } : undefined,
    resume: options.resume,
  };
  const home = burrowHome();
  const engine = new Engine({
    home,
    logger,
    keepWarm: false,
    idleTimeoutMs: 0,
    approvalTimeoutMs: () => (options.approvalTimeoutSec ?? 120) * 1000,
    hostKeysAskedOnTerminal: policy === 'ask',
  });

  if (policy === 'ask') engine.events.on('approval-added', ({ approval }) => approval.kind === 'host-key' && void askAboutHostKey(engine, approval));
  const secrets: ConnectorSecrets = {
    passphrase,
    askPassphrase: tty ? (label) => askOnTerminal(`Enter passphrase for key '${label}': `, true) : undefined,
    // The environment variable serves scripts and tests; it is read, never written or logged.
    password: async () => process.env.BURROW_PASSWORD ?? (tty ? askOnTerminal(`${options.username}@${options.host}'s password: `, true) : undefined),
  };

  return new Promise((resolve) => {
    const host = new StdioHostEnd();
    host.onFinished = (exitCode) => {
      engine.close();
      resolve(exitCode);
    };
    engine.sessions.accept(engine.connectorFor(remote, secrets), host);
  });
}

/** OpenSSH's question, on the terminal; the answer goes into the same queue the app would answer. */
async function askAboutHostKey(engine: Engine, item: PendingHostKey): Promise<void> {
  const reply = await askOnTerminal(hostKeyQuestion(item), false);
  engine.broker.answer(item.id, trustsHostKey(reply, item) ? 'approve' : 'reject');
}

/**
 * The key's passphrase, from (in this order) --passphrase, --passphrase-file or $BURROW_PASSPHRASE;
 * undefined asks on the terminal, if any. The file and the variable are the ways other users cannot see.
 */
export function resolvePassphrase(options: Pick<ConnectOptions, 'passphrase' | 'passphraseFile'>, logger: Pick<Logger, 'warn'>): string | undefined {
  if (options.passphrase !== undefined) return options.passphrase;
  if (options.passphraseFile !== undefined) return readPassphraseFile(options.passphraseFile, logger);
  const fromEnv = process.env.BURROW_PASSPHRASE;
  return fromEnv === undefined || fromEnv === '' ? undefined : fromEnv;
}

/** The first line of the file, without its line ending (as `echo secret > file` writes it). */
function readPassphraseFile(path: string, logger: Pick<Logger, 'warn'>): string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new Error(`connect: --passphrase-file: ${describeFileError(error, path)}`);
  }
  const line = text.split(/\r?\n/)[0];
  if (line === '') throw new Error(`connect: --passphrase-file ${path} is empty; its first line should be the passphrase`);
  if (process.platform !== 'win32' && (statSync(path).mode & 0o077) !== 0) {
    logger.warn(`${path} (--passphrase-file) can be read by other users: chmod 600 ${path}`);
  }
  return line;
}
