import { EventEmitter } from 'node:events';
import type { PendingDeviceKey } from '../../../shared/approvals.js';
import { remoteNameSchema } from '../../../shared/remote.js';
import type { ApprovalBroker } from '../approvals/approval-broker.js';
import type { AuditLog } from '../audit/audit-log.js';
import { BurrowError } from '../errors.js';
import { sha256Fingerprint } from '../hostkeys/fingerprint.js';
import type { Logger } from '../logging/logger.js';
import { DeviceStore, type Device } from './device-store.js';

export type { DeviceListing, DeviceStatus } from '../../../shared/devices.js';
import type { DeviceListing, DeviceStatus } from '../../../shared/devices.js';

/** `tunnel` events: a device's tunnel came up or went down (the remote pointing at it follows). */
export interface TunnelEvent {
  device: string;
  state: 'up' | 'down';
  port: number;
  address?: string;
}

interface LiveTunnel {
  port: number;
  address: string;
  /** Ends the device's connection and frees the port (a newer dial of the same device supersedes it). */
  close: () => Promise<void>;
}

/** At most this many unknown devices wait at once: anyone who can reach the port could otherwise fill the queue. */
const MAX_PENDING = 20;


export interface DeviceRegistryOptions {
  home: string;
  broker: ApprovalBroker;
  logger: Logger;
  approvalTimeoutMs: () => number;
  /** Device approvals and tunnels go into the audit log with the other trust decisions. */
  audit?: AuditLog;
}

/**
 * Which edge devices may dial in, and which are dialled in now. Unknown keys wait in the approval queue with the
 * port they asked for; an approved device may forward exactly that port. Emits `tunnel` (TunnelEvent).
 */
export class DeviceRegistry extends EventEmitter {
  readonly store: DeviceStore;
  private readonly live = new Map<string, LiveTunnel>();
  /** Keys of devices that wait, by fingerprint: what approving needs to save (the queue item carries no key). */
  private readonly asking = new Map<string, { keyType: string; blob: Buffer; port: number }>();
  /** Refused in this run: their re-dials are turned away without asking again (until Burrow restarts). */
  private readonly rejected = new Set<string>();
  /** Set by the server once it listens, for `devices list`. */
  serverInfo: { fingerprint?: string; listening?: string } = {};

  constructor(private readonly options: DeviceRegistryOptions) {
    super();
    this.store = new DeviceStore(options.home);
  }

  /** The approved device with this key, if any. */
  deviceForKey(blob: Buffer): Device | undefined {
    return this.store.byFingerprint(sha256Fingerprint(blob));
  }

  isRejected(blob: Buffer): boolean {
    return this.rejected.has(sha256Fingerprint(blob));
  }

  /**
   * An unknown key asked to forward `port`: put it in the approval queue (once; later dials of the same key share the
   * entry). The device was turned away already; it is let in when it dials again after approval.
   */
  askApproval(blob: Buffer, keyType: string, address: string, port: number): PendingDeviceKey | undefined {
    const fingerprint = sha256Fingerprint(blob);
    const existing = this.options.broker.pending().find((p): p is PendingDeviceKey => p.kind === 'device-key' && p.fingerprint === fingerprint);
    if (existing) return existing;
    if (this.asking.size >= MAX_PENDING) {
      this.options.logger.warn(`device key ${fingerprint} from ${address} turned away: ${MAX_PENDING} devices wait for approval already`);
      return undefined;
    }
    const item: PendingDeviceKey = { id: `device:${fingerprint}`, kind: 'device-key', keyType, fingerprint, address, port, requestedAt: new Date().toISOString() };
    this.asking.set(fingerprint, { keyType, blob, port });
    this.options.audit?.record({ event: 'device', fingerprint, verdict: 'asked', port, address });
    this.options.logger.info(`device key ${fingerprint} from ${address} asks to open a tunnel on port ${port}; approve it with: burrow devices approve ${fingerprint} --name NAME`);
    void this.options.broker.requestDevice(item, this.options.approvalTimeoutMs()).then((outcome) => {
      this.asking.delete(fingerprint);
      if (outcome !== 'reject') return;
      this.rejected.add(fingerprint);
      this.options.audit?.record({ event: 'device', fingerprint, verdict: 'rejected', port, address });
    });
    return item;
  }

  /** Saves a waiting device under `name`, allowed to forward its requested port (or `port`). */
  approve(fingerprint: string, name: string, port?: number): Device {
    const pending = this.options.broker.pending().find((p): p is PendingDeviceKey => p.kind === 'device-key' && (p.fingerprint === fingerprint || p.id === fingerprint));
    const asked = pending && this.asking.get(pending.fingerprint);
    if (!pending || !asked) throw noDeviceWaiting(fingerprint);
    const device = this.store.add({
      name,
      keyType: asked.keyType,
      publicKey: asked.blob.toString('base64'),
      fingerprint: pending.fingerprint,
      port: port ?? asked.port,
      approvedAt: new Date().toISOString(),
    });
    this.options.broker.answerDevice(pending.fingerprint, 'approve');
    this.options.audit?.record({ event: 'device', fingerprint: pending.fingerprint, verdict: 'approved', device: name, port: device.port });
    this.options.logger.info(`device "${name}" (${pending.fingerprint}) approved for port ${device.port}`);
    return device;
  }

  reject(fingerprint: string): number {
    const answered = this.options.broker.answerDevice(fingerprint, 'reject');
    if (answered === 0) throw noDeviceWaiting(fingerprint);
    return answered;
  }

  /** Removes an approved device and ends its tunnel if it is up. */
  async forget(name: string): Promise<boolean> {
    const known = this.store.get(name);
    const removed = this.store.remove(name);
    if (known) this.options.audit?.record({ event: 'device', fingerprint: known.fingerprint, verdict: 'forgotten', device: name, port: known.port });
    await this.live.get(name)?.close();
    return removed;
  }

  list(): DeviceListing {
    const devices = this.store.list().map((d): DeviceStatus => {
      const t = this.live.get(d.name);
      return { ...d, tunnel: t ? 'up' : 'down', address: t?.address };
    });
    const pending = this.options.broker.pending().filter((p): p is PendingDeviceKey => p.kind === 'device-key');
    return { devices, pending, serverFingerprint: this.serverInfo.fingerprint, listening: this.serverInfo.listening };
  }

  /** A device's tunnel listens now; an older one of the same device was closed first by the server. */
  tunnelUp(name: string, tunnel: LiveTunnel): void {
    this.live.set(name, tunnel);
    try {
      this.store.touch(name, tunnel.address);
    } catch (error) {
      this.options.logger.warn(`cannot record when device "${name}" dialled in: ${(error as Error).message}`);
    }
    this.options.logger.info(`device "${name}": tunnel up on 127.0.0.1:${tunnel.port} (from ${tunnel.address})`);
    this.audit(name, 'tunnel-up', tunnel.address);
    this.emit('tunnel', { device: name, state: 'up', port: tunnel.port, address: tunnel.address } satisfies TunnelEvent);
  }

  /** Called when a tunnel's connection ends; ignored if a newer tunnel of the device took its place. */
  tunnelDown(name: string, tunnel: LiveTunnel): void {
    if (this.live.get(name) !== tunnel) return;
    this.live.delete(name);
    this.options.logger.info(`device "${name}": tunnel down`);
    this.audit(name, 'tunnel-down', tunnel.address);
    this.emit('tunnel', { device: name, state: 'down', port: tunnel.port } satisfies TunnelEvent);
  }

  private audit(name: string, verdict: 'tunnel-up' | 'tunnel-down', address: string): void {
    const d = this.store.get(name);
    if (d) this.options.audit?.record({ event: 'device', fingerprint: d.fingerprint, verdict, device: name, port: d.port, address });
  }

  liveTunnel(name: string): LiveTunnel | undefined {
    return this.live.get(name);
  }

  /**
   * Where Burrow reaches a device's own sshd: its live tunnel on 127.0.0.1. The connector calls this for a remote
   * with `tunnel: { device }` and connects there instead of `host`/`port`.
   */
  resolveTunnel(device: string): { host: string; port: number } {
    const t = this.live.get(device);
    if (t) return { host: '127.0.0.1', port: t.port };
    const known = this.store.get(device);
    if (!known) throw new BurrowError(`no device named "${device}" is approved (burrow devices list)`, 'config');
    throw new BurrowError(`device ${device} has not dialled in (it connects with: ssh -N -R ${known.port}:localhost:22 burrow@THIS_MACHINE)`, 'unreachable');
  }
}

const noDeviceWaiting = (fingerprint: string) =>
  new BurrowError(`no device key waiting for approval has fingerprint ${fingerprint} (it may have timed out: let the device dial again; burrow devices list)`, 'config');
