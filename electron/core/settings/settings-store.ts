import { join } from 'node:path';
import Conf from 'conf';
import { z } from 'zod';
import { formatSchemaError, remoteSchema, type Remote } from '../../../shared/remote.js';
import { BurrowError } from '../errors.js';

/** What the engine needs of persistence; the Electron shell may hand in another implementation. */
export interface SettingsStore {
  listRemotes(): Remote[];
  getRemote(name: string): Remote | undefined;
  /** Adds, or replaces when `replace` is set; refuses to overwrite by accident. */
  saveRemote(remote: Remote, options?: { replace?: boolean }): Remote;
  removeRemote(name: string): boolean;
  approvalTimeoutMs(): number;
}

const settingsSchema = z.object({
  remotes: z.array(remoteSchema).default([]),
  approvalTimeoutSec: z.number().int().min(1).max(3600).default(120),
});
type Settings = z.infer<typeof settingsSchema>;

/** Settings in `<BURROW_HOME>/settings.json` through `conf` (atomic writes, schema-checked here with zod). */
export class ConfSettingsStore implements SettingsStore {
  private readonly conf: Conf<Settings>;

  constructor(dir: string) {
    try {
      this.conf = ConfSettingsStore.open(dir);
    } catch (error) {
      // Never reset a broken file (that would lose the person's remotes): say where it is and stop.
      throw new BurrowError(`cannot read the settings file ${join(dir, 'settings.json')}: ${(error as Error).message}; fix or move it`, 'config');
    }
  }

  private static open(dir: string): Conf<Settings> {
    return new Conf<Settings>({
      cwd: dir,
      configName: 'settings',
      projectVersion: '0.1.0',
      accessPropertiesByDotNotation: false,
      // Remote names may contain dots; no watching: only the process that runs the engine writes.
      defaults: { remotes: [], approvalTimeoutSec: 120 },
      migrations: {
        '0.1.0': () => {
          // First schema: nothing to migrate yet; later versions add steps here.
        },
      },
      configFileMode: 0o600,
      clearInvalidConfig: false,
    });
  }

  private read(): Settings {
    const parsed = settingsSchema.safeParse(this.conf.store);
    if (!parsed.success) {
      throw new BurrowError(`settings file ${this.conf.path} is invalid: ${formatSchemaError(parsed.error)}`, 'config');
    }
    return parsed.data;
  }

  listRemotes(): Remote[] {
    return this.read().remotes;
  }

  getRemote(name: string): Remote | undefined {
    return this.listRemotes().find((r) => r.name === name);
  }

  saveRemote(remote: Remote, options: { replace?: boolean } = {}): Remote {
    const checked = remoteSchema.safeParse(remote);
    if (!checked.success) throw new BurrowError(`remote "${remote.name}": ${formatSchemaError(checked.error)}`, 'config');
    const remotes = this.listRemotes();
    const index = remotes.findIndex((r) => r.name === remote.name);
    if (index >= 0 && !options.replace) throw new BurrowError(`a remote named "${remote.name}" exists already (remove it first, or edit it)`, 'config');
    if (index >= 0) remotes[index] = checked.data;
    else remotes.push(checked.data);
    this.conf.set('remotes', remotes);
    return checked.data;
  }

  removeRemote(name: string): boolean {
    const remotes = this.listRemotes();
    const kept = remotes.filter((r) => r.name !== name);
    if (kept.length === remotes.length) return false;
    this.conf.set('remotes', kept);
    return true;
  }

  approvalTimeoutMs(): number {
    return this.read().approvalTimeoutSec * 1000;
  }

  /** Called after this process saves or removes a remote (the tray's list follows the CLI's `burrow remote add`). */
  onRemotesChanged(listener: () => void): () => void {
    return this.conf.onDidChange('remotes', () => listener());
  }
}
