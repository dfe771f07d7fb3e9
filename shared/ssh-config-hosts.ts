import type { RemoteInput } from './remote.js';

/** One `Host` alias of the person's ~/.ssh/config, as the remote form's picker offers it. */
export interface SshConfigHost {
  alias: string;
  /** The remote the alias makes (address, login, keys, jump hosts…); absent when it cannot be read. */
  remote?: RemoteInput;
  /** What was not taken over (unsupported options, skipped key files), one line each. */
  notes: string[];
  /** Why the alias cannot be used, one line. */
  error?: string;
}

export interface SshConfigHosts {
  /** The file read, as a person writes it (`~/.ssh/config`). */
  file: string;
  hosts: SshConfigHost[];
  /** Why nothing could be listed (no such file, …), one line. */
  problem?: string;
}
