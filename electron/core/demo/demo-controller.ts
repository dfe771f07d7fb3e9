import { join } from 'node:path';
import type { Remote } from '../../../shared/remote.js';
import type { Logger } from '../logging/logger.js';
import type { SettingsStore } from '../settings/settings-store.js';
import { EmbeddedSshServer } from '../sshserver/embedded-server.js';
import { DEMO_KEY_FILE, DEMO_REMOTE_NAME, ensureDemoKey, ensureDemoRemote, removeDemoRemote, savedDemoPort } from './demo-remote.js';

export interface DemoControllerOptions {
  home: string;
  logger: Logger;
  settings: SettingsStore;
  /** The embedded server already running for devices (`--listen`), if any: the demo then shares its port. */
  sharedServer?: () => EmbeddedSshServer | undefined;
}

/**
 * Turns the demo remote on and off (`burrow daemon --demo`, and the first screen's offer when no remote is saved):
 * the demo user on the embedded SSH server, and the saved remote "demo" pointing at it. Without a server for devices
 * it runs its own on 127.0.0.1, at the port the demo had before when that is free (so its approved host key holds).
 */
export class DemoController {
  readonly name = DEMO_REMOTE_NAME;
  private ownServer?: EmbeddedSshServer;

  constructor(private readonly options: DemoControllerOptions) {}

  /** What the first screen asks: nothing saved yet, so the demo is worth offering. */
  shouldOffer(): boolean {
    return this.options.settings.listRemotes().length === 0;
  }

  /** Burrow's own remote "demo" is saved (from an earlier start): an engine starting serves it again. */
  isSaved(): boolean {
    return savedDemoPort(this.options.settings, join(this.options.home, DEMO_KEY_FILE)) !== undefined;
  }

  /** The server the demo is on, while it is on. */
  get server(): EmbeddedSshServer | undefined {
    const shared = this.options.sharedServer?.();
    return shared?.servesDemo ? shared : this.ownServer;
  }

  /** Serves the demo and saves (or updates) the remote "demo"; refuses to overwrite a person's own "demo". */
  async enable(): Promise<Remote> {
    const { home, logger, settings } = this.options;
    let server = this.options.sharedServer?.() ?? this.ownServer;
    if (!server) {
      const before = savedDemoPort(settings, ensureDemoKey(home).path);
      server = new EmbeddedSshServer({ home, logger, port: before ?? 0 });
      try {
        await server.listen();
      } catch (error) {
        if (!before) throw error;
        logger.info(`the demo's port ${before} is taken: taking a free one (its host key must be approved again)`);
        server = new EmbeddedSshServer({ home, logger, port: 0 });
        await server.listen();
      }
      this.ownServer = server;
    }
    const demoKeyPath = server.enableDemo();
    return ensureDemoRemote(settings, { port: server.port, demoKeyPath });
  }

  /** Removes the remote "demo" (Burrow's own only) and stops serving it. Returns whether the remote was there. */
  async disable(): Promise<boolean> {
    const removed = removeDemoRemote(this.options.settings, join(this.options.home, DEMO_KEY_FILE));
    this.options.sharedServer?.()?.disableDemo();
    await this.close();
    return removed;
  }

  /** Lets the next engine have the demo's port (a hand-over); sessions already open go on. */
  stopListening(): void {
    this.ownServer?.stopListening();
  }

  /** Stops the demo's own server (the remote stays saved for next time). */
  async close(): Promise<void> {
    const own = this.ownServer;
    this.ownServer = undefined;
    await own?.close();
  }
}
