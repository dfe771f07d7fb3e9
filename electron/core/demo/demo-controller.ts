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

  /**
   * Serves the demo and saves (or updates) the remote "demo"; refuses to overwrite a person's own "demo". A demo saved
   * before keeps its port (its approved host key is recorded for that port): on the devices' server when that is where
   * it was, else on a server of its own there; a new demo shares the devices' server when one runs.
   */
  async enable(): Promise<Remote> {
    const { home, logger, settings } = this.options;
    const shared = this.options.sharedServer?.();
    const before = savedDemoPort(settings, ensureDemoKey(home).path);
    let server = this.ownServer ?? (shared && (before === undefined || before === shared.port) ? shared : undefined);
    if (!server) {
      try {
        server = await this.listenOwn(before ?? 0);
      } catch (error) {
        if (!before) throw error;
        logger.info(`the demo's port ${before} is taken: taking ${shared ? "the devices' server's" : 'a free one'} (its host key must be approved again)`);
        server = shared ?? (await this.listenOwn(0));
      }
    }
    const demoKeyPath = server.enableDemo();
    try {
      return ensureDemoRemote(settings, { port: server.port, demoKeyPath });
    } catch (error) {
      // A person's own remote "demo": nothing is left serving a demo no remote points at.
      if (server === this.ownServer) await this.close();
      else server.disableDemo();
      throw error;
    }
  }

  private async listenOwn(port: number): Promise<EmbeddedSshServer> {
    const server = new EmbeddedSshServer({ home: this.options.home, logger: this.options.logger, port });
    await server.listen();
    this.ownServer = server;
    return server;
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
