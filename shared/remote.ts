import { z } from 'zod';

import { HOST_KEY_POLICIES } from './host-key-policy.js';
import { BUILT_IN_TOOLS_TARGET, toolPolicySchema } from './tools.js';

export type { HostKeyPolicy } from './host-key-policy.js';
// Zod-free pieces live apart so `burrow connect` does not load zod just to print an address.
export { describeRemoteAddress } from './remote-address.js';

export const hostKeyPolicySchema = z.enum(HOST_KEY_POLICIES);

export const remoteNameSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'use letters, digits, dot, dash or underscore (at most 64)');

export const keyServerSchema = z.object({
  enabled: z.boolean().default(false),
  port: z.number().int().min(1).max(65535).default(8000),
});

const hostSchema = z
  .string()
  .min(1, 'host is required')
  .regex(/^[^\s@]+$/, 'host must not contain spaces or @')
  // One colon is host:port written into the host (an IPv6 address has several): the port has its own field.
  .refine((host) => !/^[^:]*:[^:]*$/.test(host), 'a host name has no ":"; give the port in Port (from 1 to 65535)');

/**
 * One jump host (OpenSSH's ProxyJump) on the way to a remote: its own SSH login and host-key check;
 * the next hop rides a direct-tcpip channel of it. Without `identityFiles` the hop offers the remote's
 * keys (`[]`: OpenSSH's default keys); without `knownHostsPath` it reads the remote's file.
 */
export const jumpHopSchema = z.object({
  host: hostSchema,
  port: z.number().int().min(1).max(65535).default(22),
  user: z.string().min(1, 'user is required'),
  identityFiles: z.array(z.string().min(1)).optional(),
  knownHostsPath: z.string().min(1).optional(),
  /** The name its key is recorded under in known_hosts, as OpenSSH's HostKeyAlias (no port added). */
  hostKeyAlias: z.string().min(1).optional(),
  /** Its own host-key policy (from its StrictHostKeyChecking); the remote's otherwise. */
  hostKeyPolicy: hostKeyPolicySchema.optional(),
});

export type JumpHop = z.infer<typeof jumpHopSchema>;
export type JumpHopInput = z.input<typeof jumpHopSchema>;

/** A saved remote: where the MCP server runs and how to reach it. Secrets are never part of it. */
export const remoteSchema = z
  .object({
    name: remoteNameSchema,
    host: hostSchema,
    port: z.number().int().min(1).max(65535).default(22),
    user: z.string().min(1, 'user is required'),
    /** Private keys to offer, in order. */
    identityFiles: z.array(z.string().min(1)).default([]),
    /** Offer the keys of ssh-agent ($SSH_AUTH_SOCK). */
    useAgent: z.boolean().default(true),
    /** Ask for a password when keys fail (never stored in plain text). */
    usePassword: z.boolean().default(false),
    knownHostsPath: z.string().min(1).optional(),
    /**
     * `exec` starts the MCP server with `command`; `shell` asks for a shell, as m2m servers expect; `none`: the
     * remote runs no MCP server of its own and is there for Burrow's built-in SSH tools.
     */
    mode: z.enum(['exec', 'shell', 'none']).default('shell'),
    command: z.string().min(1).optional(),
    hostKeyPolicy: hostKeyPolicySchema.default('ask'),
    keyServer: keyServerSchema.optional(),
    /** Jump hosts to go through, first to last (OpenSSH's ProxyJump). */
    jump: z.array(jumpHopSchema).max(8, 'at most 8 jump hosts').optional(),
    /** The name the remote's key is recorded under in known_hosts (OpenSSH's HostKeyAlias). */
    hostKeyAlias: z.string().min(1).optional(),
    /** The ssh-agent socket to use instead of $SSH_AUTH_SOCK (OpenSSH's IdentityAgent). */
    identityAgent: z.string().min(1).optional(),
    /** Network timeout of the SSH handshake (OpenSSH's ConnectTimeout); Burrow's default otherwise. */
    connectTimeoutSec: z.number().int().min(1).max(3600).optional(),
    /** Keepalive interval (OpenSSH's ServerAliveInterval; 0 turns it off); Burrow's default otherwise. */
    keepaliveIntervalSec: z.number().int().min(0).max(3600).optional(),
    /**
     * An edge device that dials into Burrow (`ssh -R`): Burrow reaches the device's own sshd through the device's
     * live tunnel on 127.0.0.1, and `host`/`port` are replaced by the tunnel's address when connecting.
     */
    tunnel: z.object({ device: remoteNameSchema }).optional(),
    /**
     * Host sessions outlive a dropped connection or a crashed server: Burrow reconnects, starts a fresh server and
     * replays the host's `initialize`; a remote that is down at start is answered from its cached catalog. Off for
     * servers with state that must not be silently restarted. Unset means on.
     */
    resume: z.boolean().optional(),
    /**
     * Burrow's built-in SSH tools for this remote (`burrow connect --tools`): exec, shells, SFTP, forwards, under
     * the policy (allow / ask / deny per tool, command rules); the description and tags are what the model sees.
     */
    tools: z
      .object({
        enabled: z.boolean().default(true),
        description: z.string().max(500).optional(),
        tags: z.array(z.string().max(64)).max(20).optional(),
        policy: toolPolicySchema.optional(),
      })
      .optional(),
  })
  .refine((r) => r.mode !== 'exec' || !!r.command, {
    message: 'an exec remote needs a command',
    path: ['command'],
  })
  .refine((r) => r.mode !== 'none' || r.tools?.enabled === true, {
    message: "a remote with no MCP server of its own is only there for the built-in SSH tools: keep them on, or give the command that starts its server",
    path: ['tools'],
  });

export type Remote = z.infer<typeof remoteSchema>;

/** Whether the remote runs an MCP server of its own to relay (not one saved for the built-in SSH tools alone). */
export function runsServer(r: Pick<Remote, 'mode'>): boolean {
  return r.mode !== 'none';
}

/** What the inspector opens for a remote: its MCP server, or the built-in SSH tools for a remote that runs none. */
export function inspectTarget(r: Pick<Remote, 'mode' | 'name'>): string {
  return runsServer(r) ? r.name : BUILT_IN_TOOLS_TARGET;
}

/** The start of every refusal to relay or install a remote saved with no MCP server of its own (mode `none`). */
export function runsNoServer(name: string): string {
  return `${name} runs no MCP server of its own (it is saved for Burrow's built-in SSH tools)`;
}
export type RemoteInput = z.input<typeof remoteSchema>;


/** Turns a zod error into one line a person can act on. */
export function formatSchemaError(error: z.ZodError): string {
  return error.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; ');
}
