import { existsSync } from 'node:fs';
import type { SshConfigHosts } from '../../../shared/ssh-config-hosts.js';
import { displayPath } from '../ssh/auth-plan.js';
import { DEFAULT_SSH_CONFIG, importHost } from './ssh-config-import.js';
import { SshConfigReader } from './ssh-config-reader.js';

/**
 * Every Host alias of an ssh config with the remote it makes, for the remote form's picker: one alias that cannot be
 * read is named with its error, and does not hide the others.
 */
export function sshConfigHosts(file: string = DEFAULT_SSH_CONFIG): SshConfigHosts {
  const shown = displayPath(file);
  if (!existsSync(file)) return { file: shown, hosts: [], problem: `${shown} does not exist` };
  let reader: SshConfigReader;
  try {
    reader = new SshConfigReader(file);
  } catch (error) {
    return { file: shown, hosts: [], problem: (error as Error).message };
  }
  const hosts = reader.hosts().map((alias) => {
    try {
      const { remote, notes } = importHost(reader, alias, { formPicker: true });
      return { alias, remote, notes };
    } catch (error) {
      return { alias, notes: [], error: (error as Error).message };
    }
  });
  return { file: shown, hosts, ...(reader.warnings.length ? { problem: reader.warnings.join('; ') } : {}) };
}
