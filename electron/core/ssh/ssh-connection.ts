import type { Duplex } from 'node:stream';
import ssh2 from './ssh2-library.js';
import type { AuthenticationType, Client as SshClient, NextAuthHandler } from 'ssh2';
import { BurrowError } from '../errors.js';
import type { Logger } from '../logging/logger.js';
import { describeAuthAttempts, type AuthPlan } from './auth-plan.js';
import { describeNetworkError } from './network-errors.js';
import { connectTickCorked } from './tick-corked-socket.js';

export type HostKeyDecision =
  | { ok: true }
  | {
      ok: false;
      message: string;
      /**
       * The key waits for a person: ask only once this connection is closed (sshd's LoginGraceTime would
       * otherwise end the handshake while they decide), and connect again if they approve.
       */
      askAfterClose?: () => Promise<HostKeyDecision>;
    };

/** The connection was closed so a person can decide on its host key; `ask` waits for their answer. */
export class HostKeyAwaitsApproval extends BurrowError {
  constructor(
    message: string,
    readonly ask: () => Promise<HostKeyDecision>,
  ) {
    super(message, 'host-key');
  }
}

export interface SshTarget {
  host: string;
  port: number;
  user: string;
  auth: AuthPlan;
  /** Decides on the presented key at once; a key that needs a person ends this connection (HostKeyAwaitsApproval). */
  verifyHostKey: (keyBlob: Buffer) => Promise<HostKeyDecision>;
  connectTimeoutMs?: number;
  keepaliveIntervalMs?: number;
  keepaliveCountMax?: number;
  /** An already-open stream to the server (a jump host's direct-tcpip channel) instead of a TCP connection. */
  sock?: Duplex;
}

const address = (t: SshTarget) => `${t.host}:${t.port}`;

/** Opens and authenticates one SSH connection, with errors a person can act on. */
export function openSshConnection(target: SshTarget, logger: Logger): Promise<SshClient> {
  return new Promise((resolve, reject) => {
    const client = new ssh2.Client();
    const timeoutMs = target.connectTimeoutMs ?? 20_000;
    let settled = false;
    let hostKeyFailure: string | undefined;
    let askAfterClose: (() => Promise<HostKeyDecision>) | undefined;
    let approvedKey: Buffer | undefined;
    let timer: NodeJS.Timeout | undefined;
    const armTimer = () => {
      clearTimeout(timer);
      timer = setTimeout(() => fail(new BurrowError(`connection to ${address(target)} timed out after ${timeoutMs / 1000}s`, 'timeout')), timeoutMs);
    };
    const fail = (caught: Error) => {
      if (settled) return;
      const error = askAfterClose ? new HostKeyAwaitsApproval(caught.message, askAfterClose) : caught;
      settled = true;
      clearTimeout(timer);
      client.removeAllListeners('ready');
      client.on('error', () => {});
      client.end();
      reject(error);
    };

    client.once('ready', () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(client);
    });
    client.on('error', (error: Error & { code?: string; level?: string }) => {
      if (settled) return;
      if (hostKeyFailure) return fail(new BurrowError(hostKeyFailure, 'host-key'));
      fail(mapConnectError(error, target));
    });
    client.on('close', () => {
      if (!settled) fail(new BurrowError(hostKeyFailure ?? `${address(target)} closed the connection during the SSH handshake`, hostKeyFailure ? 'host-key' : 'connection-lost'));
    });

    const methods = authMethods(target);
    const authHandler = (left: AuthenticationType[] | null, _partial: boolean | null, next: NextAuthHandler) => {
      let method = methods.shift();
      // Ask no one for a password the server will not take.
      if (method === 'password' && left && !left.includes('password')) method = methods.shift();
      if (!method) return next(false as unknown as never);
      if (method === 'password') {
        clearTimeout(timer); // a person may be typing it
        void target.auth.password!().then(
          (password) => {
            if (settled) return;
            armTimer();
            if (password === undefined) return next(false as unknown as never);
            next({ type: 'password', username: target.user, password });
          },
          () => next(false as unknown as never),
        );
        return;
      }
      next(method);
    };

    armTimer();
    // Our own socket, connected before ssh2 sees it (ssh2 then waits for its 'connect'), so its writes coalesce.
    const sock = target.sock ?? connectTickCorked({ host: target.host, port: target.port });
    client.connect({
      host: target.host,
      port: target.port,
      sock: sock as never,
      username: target.user,
      // Our own timer covers the network only: a person typing a password must not be timed out.
      readyTimeout: 0,
      keepaliveInterval: target.keepaliveIntervalMs ?? 15_000,
      keepaliveCountMax: target.keepaliveCountMax ?? 3,
      authHandler: authHandler as never,
      // Callback form only: ssh2 treats a returned promise as acceptance (mscdex/ssh2#1268).
      hostVerifier: ((keyBlob: Buffer, verify: (ok: boolean) => void) => {
        if (approvedKey) {
          // Rekey: the same key is fine, any other is not.
          verify(approvedKey.equals(keyBlob));
          return;
        }
        clearTimeout(timer);
        target.verifyHostKey(keyBlob).then(
          (decision) => {
            if (settled) return;
            if (decision.ok) {
              approvedKey = Buffer.from(keyBlob);
              armTimer();
              verify(true);
            } else {
              hostKeyFailure = decision.message;
              askAfterClose = decision.askAfterClose;
              verify(false);
            }
          },
          (error: Error) => {
            hostKeyFailure = error.message;
            verify(false);
          },
        );
      }) as never,
      debug: logger.enabled('debug') ? (m: string) => logger.debug(`ssh2 ${address(target)}: ${m}`) : undefined,
    });
    // ssh2 writes each encrypted packet in pieces (length, payload, MAC); with Nagle's algorithm the later
    // pieces wait for the server's delayed ACK: ~40 ms on every message and every handshake step.
    // (connectTickCorked's socket sends the pieces together anyway; a jump host's channel is not one.)
    client.setNoDelay(true);
  });
}

type AuthMethod = Exclude<Parameters<NextAuthHandler>[0], false | AuthenticationType> | 'password';

function authMethods(target: SshTarget): AuthMethod[] {
  const methods: AuthMethod[] = [];
  // Configured keys first: servers cut off after MaxAuthTries (6), and an agent may hold many keys.
  for (const { key } of target.auth.keys) methods.push({ type: 'publickey', username: target.user, key });
  if (target.auth.agentSocket) methods.push({ type: 'agent', username: target.user, agent: target.auth.agentSocket });
  if (target.auth.password) methods.push('password');
  return methods;
}

function mapConnectError(error: Error & { code?: string; level?: string }, target: SshTarget): BurrowError {
  if (error.level === 'client-authentication') {
    const notes = target.auth.notes.length ? `; ${target.auth.notes.join('; ')}` : '';
    return new BurrowError(`authentication failed for ${target.user}@${address(target)} (tried: ${describeAuthAttempts(target.auth)})${notes}`, 'auth');
  }
  return describeNetworkError(error, target.host, target.port);
}
