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
