import type { PendingDeviceKey } from './approvals.js';

/** An edge device approved to dial in (`ssh -R`), as Burrow keeps it in devices.json. */
export interface Device {
  name: string;
  keyType: string;
  /** The device's public key blob, base64 (the second field of an OpenSSH public key line). */
  publicKey: string;
  fingerprint: string;
  /** The one port on Burrow's side (127.0.0.1) this device may forward to its sshd. */
  port: number;
  approvedAt: string;
  lastSeenAt?: string;
  lastAddress?: string;
}

/** A device's tunnel as people see it: up while its `ssh -R` connection holds the port open on 127.0.0.1. */
export interface DeviceStatus extends Device {
  tunnel: 'up' | 'down';
  /** Where the live connection comes from, while up. */
  address?: string;
}

export interface DeviceListing {
  devices: DeviceStatus[];
  pending: PendingDeviceKey[];
  /** The embedded server's own key, for devices to pin: `SHA256:…`. */
  serverFingerprint?: string;
  /** Where the embedded server listens (`ADDR:PORT`). */
  listening?: string;
}

/** Burrow's SSH server for devices as the window's switch shows it. */
export interface SshServerState {
  /** Where it listens now (`ADDR:PORT`); absent while off. */
  listening?: string;
  /** Its host key, for devices to pin: `SHA256:…`. */
  fingerprint?: string;
  /** The host key the demo remote's server offers while it runs, so the window can tell a person it is Burrow's own. */
  demoFingerprint?: string;
  /** The address the switch remembered: every engine start listens there again (`burrow daemon --listen` overrides). */
  remembered?: string;
  /** Why it is not listening on the remembered address (the port is taken…), one line. */
  problem?: string;
}
