import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { formatSchemaError, remoteNameSchema } from '../../../shared/remote.js';
import { BurrowError } from '../errors.js';

export const DEVICES_FILE = 'devices.json';

const deviceSchema = z.object({
  name: remoteNameSchema,
  keyType: z.string().min(1),
  /** The device's public key blob, base64 (the second field of an OpenSSH public key line). */
  publicKey: z.string().min(1),
  fingerprint: z.string().startsWith('SHA256:'),
  /** The one port on Burrow's side (127.0.0.1) this device may forward to its sshd. */
  port: z.number().int().min(1).max(65535),
  approvedAt: z.string(),
  lastSeenAt: z.string().optional(),
  lastAddress: z.string().optional(),
});
export type Device = z.infer<typeof deviceSchema>;

const fileSchema = z.object({ devices: z.array(deviceSchema).default([]) });

/**
 * Approved edge devices in `$BURROW_HOME/devices.json` (0600, written atomically). Only the process that runs
 * the embedded SSH server writes it, as with settings; a broken file is reported, never reset.
 */
export class DeviceStore {
  readonly path: string;

  constructor(home: string) {
    this.path = join(home, DEVICES_FILE);
  }

  list(): Device[] {
    if (!existsSync(this.path)) return [];
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(this.path, 'utf8'));
    } catch (error) {
      throw new BurrowError(`cannot read ${this.path}: ${(error as Error).message}; fix or move it`, 'config');
    }
    const parsed = fileSchema.safeParse(raw);
    if (!parsed.success) throw new BurrowError(`${this.path} is invalid: ${formatSchemaError(parsed.error)}; fix or move it`, 'config');
    return parsed.data.devices;
  }

  get(name: string): Device | undefined {
    return this.list().find((d) => d.name === name);
  }

  byFingerprint(fingerprint: string): Device | undefined {
    return this.list().find((d) => d.fingerprint === fingerprint);
  }

  /** Adds a device; refuses a name, key or port another device has. */
  add(device: Device): Device {
    const checked = deviceSchema.parse(device);
    const devices = this.list();
    const clash =
      devices.find((d) => d.name === checked.name) ? `a device named "${checked.name}" exists already` :
      devices.find((d) => d.fingerprint === checked.fingerprint) ? `the key ${checked.fingerprint} is approved already (as "${devices.find((d) => d.fingerprint === checked.fingerprint)!.name}")` :
      devices.find((d) => d.port === checked.port) ? `port ${checked.port} belongs to device "${devices.find((d) => d.port === checked.port)!.name}"` : undefined;
    if (clash) throw new BurrowError(`${clash} (burrow devices list)`, 'config');
    this.write([...devices, checked]);
    return checked;
  }

  /** Records when and from where a device last dialled in. */
  touch(name: string, address: string, at = new Date().toISOString()): void {
    const devices = this.list();
    const device = devices.find((d) => d.name === name);
    if (!device) return;
    device.lastSeenAt = at;
    device.lastAddress = address;
    this.write(devices);
  }

  remove(name: string): boolean {
    const devices = this.list();
    const kept = devices.filter((d) => d.name !== name);
    if (kept.length === devices.length) return false;
    this.write(kept);
    return true;
  }

  private write(devices: Device[]): void {
    mkdirSync(dirname(this.path), { recursive: true, mode: 0o700 });
    const tmp = `${this.path}.${process.pid}.tmp`;
    writeFileSync(tmp, `${JSON.stringify({ devices }, null, 2)}\n`, { mode: 0o600 });
    renameSync(tmp, this.path);
  }
}
