import { z } from 'zod';
import { remoteSchema, type Remote } from '../../shared/remote.js';
import type { ApprovalDecision, HostKeyAlert, PendingHostKey, PendingSecret } from '../../shared/approvals.js';
import type { Engine } from './engine.js';
import { BurrowError } from './errors.js';
import type { ApprovedKey, HostKeyStore } from './hostkeys/host-key-store.js';
import type { SettingsStore } from './settings/settings-store.js';

export interface HostKeyListing {
  pending: PendingHostKey[];
  known: ApprovedKey[];
}

const addParams = z.object({ remote: remoteSchema, replace: z.boolean().optional() });
const nameParams = z.object({ name: z.string() });
const answerParams = z.object({ fingerprint: z.string().min(1), decision: z.enum(['approve', 'approve-once', 'reject']) });
const alertParams = z.object({ id: z.string().min(1).max(512) });
/** A passphrase or password: long enough for any real one, short enough to refuse abuse. */
export const secretValueSchema = z.string().min(1).max(4096);
const secretParams = z.object({ id: z.string().min(1).max(128), value: secretValueSchema });
const forgetParams = z.object({ host: z.string().min(1), port: z.number().int().min(1).max(65535) });

/**
 * The operations people ask for by name (CLI, IPC, web bridge): one place that validates and performs them.
 * Without an engine (no daemon running) the approval queue is empty and only stored data is served.
 */
export class BurrowService {
  /** The embedded SSH server's devices (`devices.*` requests), while that server runs. */
  devices?: { handle(method: string, params: unknown): Promise<unknown> };

  constructor(
    private readonly settings: SettingsStore,
    private readonly hostKeys: HostKeyStore,
    private readonly engine?: Engine,
  ) {}

  listRemotes(): Remote[] {
    return this.settings.listRemotes();
  }

  addRemote(remote: Remote, replace = false): Remote {
    return this.settings.saveRemote(remote, { replace });
  }

  removeRemote(name: string): boolean {
    return this.settings.removeRemote(name);
  }

  listHostKeys(): HostKeyListing {
    const pending = (this.engine?.broker.pending() ?? []).filter((p): p is PendingHostKey => p.kind === 'host-key');
    return { pending, known: this.hostKeys.listApproved() };
  }

  answerHostKey(fingerprint: string, decision: ApprovalDecision): number {
    const answered = this.engine?.broker.answer(fingerprint, decision) ?? 0;
    if (answered === 0) throw new BurrowError(`no host key waiting for approval has fingerprint ${fingerprint} (burrow hostkeys list)`, 'config');
    return answered;
  }

  /** Changed host keys that were refused, until someone dismisses them. */
  hostKeyAlerts(): HostKeyAlert[] {
    return this.engine?.broker.alerts() ?? [];
  }

  dismissHostKeyAlert(id: string): boolean {
    return this.engine?.broker.dismissAlert(id) ?? false;
  }

  /** Passphrases and passwords saved remotes wait for (never their values). */
  pendingSecrets(): PendingSecret[] {
    return (this.engine?.broker.pending() ?? []).filter((p): p is PendingSecret => p.kind === 'secret');
  }

  answerSecret(id: string, value: string): void {
    if (!this.engine?.broker.answerSecret(id, value)) throw noSecretWaiting(id);
  }

  refuseSecret(id: string): void {
    if (!this.engine?.broker.refuseSecret(id)) throw noSecretWaiting(id);
  }

  forgetHostKey(host: string, port: number): number {
    return this.hostKeys.forget(host, port);
  }

  /** Dispatches a named request with untrusted params, as received over IPC. */
  async handle(method: string, params: unknown): Promise<unknown> {
    switch (method) {
      case 'remote.list':
        return this.listRemotes();
      case 'remote.add': {
        const p = addParams.parse(params);
        return this.addRemote(p.remote, p.replace);
      }
      case 'remote.remove':
        return this.removeRemote(nameParams.parse(params).name);
      case 'hostkeys.list':
        return this.listHostKeys();
      case 'hostkeys.answer': {
        const p = answerParams.parse(params);
        return this.answerHostKey(p.fingerprint, p.decision);
      }
      case 'hostkeys.alerts':
        return this.hostKeyAlerts();
      case 'hostkeys.dismissAlert':
        return this.dismissHostKeyAlert(alertParams.parse(params).id);
      case 'hostkeys.forget': {
        const p = forgetParams.parse(params);
        return this.forgetHostKey(p.host, p.port);
      }
      case 'secrets.list':
        return this.pendingSecrets();
      case 'secrets.answer': {
        const p = secretParams.parse(params);
        return this.answerSecret(p.id, p.value);
      }
      case 'secrets.refuse':
        return this.refuseSecret(alertParams.parse(params).id);
      case 'status':
        return { pid: process.pid, sessions: this.engine?.sessionCount() ?? 0 };
      default:
        if (method.startsWith('devices.')) {
          if (!this.devices) throw new BurrowError("Burrow's SSH server for devices is off: start it with burrow daemon --listen [ADDR:]PORT", 'config');
          return this.devices.handle(method, params);
        }
        throw new BurrowError(`unknown request "${method}"`, 'config');
    }
  }
}

const noSecretWaiting = (id: string) => new BurrowError(`no passphrase or password with id ${id} is waiting (answered elsewhere, or it timed out; burrow secrets list)`, 'config');
