import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Conf from 'conf';
import { z } from 'zod';
import { remoteSchema, formatSchemaError, type Remote } from '../../../shared/remote.js';
import { BurrowError } from '../errors.js';
import { describeFileError, errorCode, makeDir } from '../file-errors.js';

/** What the engine needs of persistence; the Electron shell may hand in another implementation. */
export interface SettingsStore {
  listRemotes(): Remote[];
  getRemote(name: string): Remote | undefined;
  /** Adds, or replaces when `replace` is set; refuses to overwrite by accident. */
  saveRemote(remote: Remote, options?: { replace?: boolean }): Remote;
  removeRemote(name: string): boolean;
  approvalTimeoutMs(): number;
  /** `tools.allowAdHocHosts`: the built-in tools' ssh_connect may reach hosts that are not saved remotes. */
  allowAdHocToolHosts(): boolean;
  /** The engine settings a person may change; unset ones are the defaults (or the daemon's flags). */
  tuning(): Tuning;
  saveTuning(patch: Partial<Tuning>): Tuning;
  /** The tray app's remembered switch for Burrow's SSH server (devices): where it listens, or undefined when off. */
  sshServerListen(): string | undefined;
  setSshServerListen(listen: string | undefined): void;
  /** How long a request waits for a resuming session's remote to come back. */
  resumeWaitMs?(): number;
}

/** Saved engine settings; unset keys mean "the default, or what the daemon's flags say". */
export interface Tuning {
  approvalTimeoutSec: number;
  idleTimeoutSec?: number;
  prestart?: boolean;
  resumeWaitSec?: number;
}

export const DEFAULT_RESUME_WAIT_SEC = 30;
const DEFAULTS = { remotes: [] as Remote[], approvalTimeoutSec: 120, resumeWaitSec: DEFAULT_RESUME_WAIT_SEC };

const settingsSchema = z
  .object({
    remotes: z.array(remoteSchema).default([]),
    approvalTimeoutSec: z.number().int().min(1).max(3600).default(DEFAULTS.approvalTimeoutSec),
    /** Settings of the built-in SSH tools (edited in the file; off unless a person turns them on). */
    tools: z.object({ allowAdHocHosts: z.boolean().default(false) }).optional(),
    idleTimeoutSec: z.number().int().min(0).max(86_400).optional(),
    prestart: z.boolean().optional(),
    /** Burrow's SSH server for edge devices, switched on in the window: started again with every engine. */
    sshServer: z.object({ listen: z.string().min(1).max(300) }).optional(),
    /** A request sent while a session's remote is away waits this long for it, then fails (sessions resume). */
    resumeWaitSec: z.number().int().min(1).max(3600).optional(),
    // conf's own bookkeeping (the migration version it last ran).
    __internal__: z.record(z.string(), z.unknown()).optional(),
  })
  .superRefine((settings, ctx) => {
    const seen = new Set<string>();
    settings.remotes.forEach((remote, index) => {
      if (seen.has(remote.name)) ctx.addIssue({ code: 'custom', path: ['remotes', index, 'name'], message: `a second remote named "${remote.name}" (names must be unique)` });
      seen.add(remote.name);
    });
  });
type Settings = z.infer<typeof settingsSchema>;

/**
 * Settings in `<BURROW_HOME>/settings.json`.
 * Reading never writes: the raw file is parsed and checked with zod, so a file that is missing stays missing and
 * a file that fails the check is reported (file, key, what is wrong) and left exactly as it is.
 * Writing goes through `conf` (atomic writes, migrations), opened only once the file on disk has passed the check,
 * because conf writes defaults and its migration marker into the file as soon as it is constructed.
 */
export class ConfSettingsStore implements SettingsStore {
  readonly path: string;
  private conf?: Conf<Settings>;

  /** Checks the file at once, so a process that would run on a broken file (the daemon, the app) refuses to start. */
  constructor(private readonly dir: string) {
    this.path = join(dir, 'settings.json');
    this.read();
  }

  private read(): Settings {
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch (error) {
      // A path below a file (ENOTDIR) cannot hold a settings file either: nothing is saved yet.
      if (errorCode(error) === 'ENOENT' || errorCode(error) === 'ENOTDIR') return { ...DEFAULTS, remotes: [] };
      throw new BurrowError(describeFileError(error, this.path, 'read the settings file'), 'config');
    }
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch (error) {
      throw this.invalid(`it is not valid JSON (${(error as Error).message})`);
    }
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
      throw this.invalid(`expected a JSON object ({"remotes": [...]}) but it holds ${Array.isArray(raw) ? 'an array' : raw === null ? 'null' : `a ${typeof raw}`}`);
    }
    const parsed = settingsSchema.safeParse(raw);
    if (!parsed.success) throw this.invalid(describeSettingsIssues(parsed.error, raw as Record<string, unknown>));
    return parsed.data;
  }

  private invalid(what: string): BurrowError {
    return new BurrowError(`settings file ${this.path} is invalid: ${what}; fix or move it (Burrow leaves it as it is)`, 'config');
  }

  /** conf, opened for a write only: the file has just passed the check in `read()`. */
  private writer(): Conf<Settings> {
    if (this.conf) return this.conf;
    try {
      // conf would create the folder with the umask's mode (0755); Burrow's home is private.
      makeDir(this.dir, 0o700);
    } catch (error) {
      throw new BurrowError(describeFileError(error, this.dir, "create Burrow's folder"), 'config');
    }
    try {
      this.conf = new Conf<Settings>({
        cwd: this.dir,
        configName: 'settings',
        projectVersion: '0.1.0',
        // Remote names may contain dots; no watching: only the process that runs the engine writes.
        accessPropertiesByDotNotation: false,
        defaults: { remotes: [], approvalTimeoutSec: DEFAULTS.approvalTimeoutSec },
        migrations: {
          '0.1.0': () => {
            // First schema: nothing to migrate yet; later versions add steps here.
          },
        },
        configFileMode: 0o600,
        clearInvalidConfig: false,
      });
    } catch (error) {
      throw this.writeError(error);
    }
    return this.conf;
  }

  private write(remotes: Remote[]): void {
    const conf = this.writer();
    try {
      conf.set('remotes', remotes);
    } catch (error) {
      throw this.writeError(error);
    }
  }

  private writeError(error: unknown): BurrowError {
    return new BurrowError(errorCode(error) ? describeFileError(error, this.path, 'write the settings file') : `cannot write the settings file ${this.path}: ${(error as Error).message}`, 'config');
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
    this.write(remotes);
    return checked.data;
  }

  removeRemote(name: string): boolean {
    const remotes = this.listRemotes();
    const kept = remotes.filter((r) => r.name !== name);
    if (kept.length === remotes.length) return false;
    this.write(kept);
    return true;
  }

  approvalTimeoutMs(): number {
    return this.read().approvalTimeoutSec * 1000;
  }

  allowAdHocToolHosts(): boolean {
    return this.read().tools?.allowAdHocHosts ?? false;
  }

  tuning(): Tuning {
    const { approvalTimeoutSec, idleTimeoutSec, prestart, resumeWaitSec } = this.read();
    return { approvalTimeoutSec, idleTimeoutSec, prestart, resumeWaitSec };
  }

  saveTuning(patch: Partial<Tuning>): Tuning {
    // Checked against the file first: a broken file is reported, not overwritten key by key.
    this.read();
    const conf = this.writer();
    try {
      for (const key of ['approvalTimeoutSec', 'idleTimeoutSec', 'prestart', 'resumeWaitSec'] as const) if (patch[key] !== undefined) conf.set(key, patch[key]);
    } catch (error) {
      throw this.writeError(error);
    }
    return this.tuning();
  }

  sshServerListen(): string | undefined {
    return this.read().sshServer?.listen;
  }

  setSshServerListen(listen: string | undefined): void {
    const conf = this.writer();
    try {
      if (listen) conf.set('sshServer', { listen });
      else conf.delete('sshServer');
    } catch (error) {
      throw this.writeError(error);
    }
  }

  resumeWaitMs(): number {
    return (this.read().resumeWaitSec ?? DEFAULTS.resumeWaitSec) * 1000;
  }
}

const MAX_ISSUES_SHOWN = 3;

/**
 * "remotes[1].port (remote "prod"): Too big: …" — the key as a person finds it in the file,
 * with the remote's name when the key is inside one.
 */
function describeSettingsIssues(error: z.ZodError, raw: Record<string, unknown>): string {
  const lines = error.issues.slice(0, MAX_ISSUES_SHOWN).map((issue) => {
    const key = issue.path.reduce<string>((text, part) => (typeof part === 'number' ? `${text}[${part}]` : text ? `${text}.${String(part)}` : String(part)), '');
    const [top, index] = issue.path;
    const entry = top === 'remotes' && typeof index === 'number' && Array.isArray(raw.remotes) ? (raw.remotes[index] as { name?: unknown } | undefined) : undefined;
    const named = entry && typeof entry === 'object' && typeof entry.name === 'string' && issue.path.length > 2 ? ` (remote "${entry.name}")` : '';
    return key ? `key ${key}${named}: ${issue.message}` : issue.message;
  });
  const more = error.issues.length - MAX_ISSUES_SHOWN;
  return more > 0 ? `${lines.join('; ')}; and ${more} more` : lines.join('; ');
}
