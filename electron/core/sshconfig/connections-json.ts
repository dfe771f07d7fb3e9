import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { z } from 'zod';
import type { HostKeyPolicy } from '../../../shared/host-key-policy.js';
import { formatSchemaError, remoteNameSchema, type RemoteInput } from '../../../shared/remote.js';
import { BurrowError } from '../errors.js';
import { displayPath } from '../ssh/auth-plan.js';
import type { ImportedRemote } from './ssh-config-import.js';

/** One entry of mcp-ssh-gateway's connections.json, as that project validates it. */
const gatewayConnectionSchema = z.object({
  name: z.string().min(1),
  user: z.string().min(1),
  id_file: z.string().min(1),
  mode: z.enum(['direct', 'tunnel']),
  port: z.number().int().min(1).max(65535),
  host: z.string().min(1).nullish(),
});

const gatewayFileSchema = z.object({ connections: z.array(z.unknown()) });

/** Where a tunnel entry's reverse forward lands: mcp-ssh-gateway connects to localhost:port. */
const TUNNEL_HOST = '127.0.0.1';

export interface ConnectionsImportOptions {
  command?: string;
  hostKeyPolicy?: HostKeyPolicy;
}

/**
 * mcp-ssh-gateway's `connections.json` (`{ "connections": [{ name, mode, user, host, port, id_file }] }`)
 * as remotes. A `tunnel` entry is the device's reverse tunnel landing on this machine at 127.0.0.1:port;
 * it is saved with `tunnel: true` so the embedded SSH server (`burrow daemon --listen`) can claim it.
 */
export function importConnectionsJson(file: string, options: ConnectionsImportOptions = {}): { imported: ImportedRemote[]; failed: { alias: string; error: string }[] } {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new BurrowError(`cannot read ${displayPath(file)}: ${code ?? (error as Error).message}`, 'config');
  }
  const top = gatewayFileSchema.safeParse(data);
  if (!top.success) throw new BurrowError(`${displayPath(file)}: not an mcp-ssh-gateway connections file (needs a top-level "connections" list)`, 'config');
  const imported: ImportedRemote[] = [];
  const failed: { alias: string; error: string }[] = [];
  const seen = new Set<string>();
  top.data.connections.forEach((raw, index) => {
    const where = `connections[${index}]`;
    const parsed = gatewayConnectionSchema.safeParse(raw);
    const label = (raw as { name?: unknown })?.name;
    const alias = typeof label === 'string' && label ? label : where;
    if (!parsed.success) return failed.push({ alias, error: `${where}: ${formatSchemaError(parsed.error)}` });
    const entry = parsed.data;
    if (seen.has(entry.name)) return failed.push({ alias, error: `${where}: duplicate name "${entry.name}"` });
    seen.add(entry.name);
    const name = remoteNameSchema.safeParse(entry.name);
    if (!name.success) return failed.push({ alias, error: `"${entry.name}" cannot be a remote name: ${name.error.issues[0].message}` });
    if (entry.mode === 'direct' && !entry.host) return failed.push({ alias, error: `${where}: "host" is required for mode "direct"` });
    const notes: string[] = [];
    const note = (m: string) => notes.push(`${entry.name}: ${m}`);
    // The gateway resolves id_file from where it runs; relative paths here are taken from the file's folder.
    const keyPath = resolve(dirname(file), entry.id_file);
    if (!existsSync(keyPath)) note(`id_file ${displayPath(keyPath)} not found (saved anyway; the connection will say so)`);
    const tunnel = entry.mode === 'tunnel';
    if (tunnel) note(`tunnel mode: saved as ${TUNNEL_HOST}:${entry.port}, where the device's reverse tunnel (ssh -R ${entry.port}:localhost:22 …) must land; it needs burrow daemon --listen, or this machine's sshd, to receive it`);
    if (!options.command) note('no --command given: saved in shell mode (an m2m-mcp-server-ssh-server); import with --command CMD to start a server with exec');
    const remote: RemoteInput = {
      name: entry.name,
      host: tunnel ? TUNNEL_HOST : entry.host!,
      port: entry.port,
      user: entry.user,
      identityFiles: [keyPath],
      // mcp-ssh-gateway authenticates with the key file only.
      useAgent: false,
      mode: options.command ? 'exec' : 'shell',
      command: options.command,
      hostKeyPolicy: options.hostKeyPolicy ?? 'ask',
      ...(tunnel ? { tunnel: true } : {}),
    };
    imported.push({ remote, notes });
  });
  return { imported, failed };
}
