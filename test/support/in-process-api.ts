import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { commandsFor, dispatchCommand, type BurrowApi } from '../../shared/commands.js';
import type { BurrowEvent } from '../../shared/events.js';
import { createCommandHandlers } from '../../electron/core/commands/command-handlers.js';
import { Engine } from '../../electron/core/engine.js';
import { silentLogger } from '../../electron/core/logging/logger.js';
import { ConfSettingsStore } from '../../electron/core/settings/settings-store.js';

export interface InProcessApi {
  api: BurrowApi;
  /** Every event the handlers sent, in order. */
  events: BurrowEvent[];
}

/**
 * Returns a maker of engines on fresh homes in this process, each called through the command table as the web
 * bridge calls it; every one made is closed after each test of the calling describe (or file).
 */
export function inProcessApis(): () => InProcessApi {
  const closers: (() => void)[] = [];
  afterEach(() => {
    for (const close of closers.splice(0)) close();
  });
  return () => {
    const home = mkdtempSync(join(tmpdir(), 'burrow-api-'));
    const settings = new ConfSettingsStore(home);
    const engine = new Engine({ home, logger: silentLogger, keepWarm: false, idleTimeoutMs: 0, approvalTimeoutMs: () => 20_000, remotes: () => settings.listRemotes() });
    const handlers = createCommandHandlers({
      engine,
      settings,
      hostKeys: engine.hostKeys,
      hostConfig: { home, platform: 'linux', env: {}, launcher: { command: 'node', args: ['burrow.js'] } },
    });
    const events: BurrowEvent[] = [];
    handlers.subscribe((e) => events.push(e));
    closers.push(() => {
      handlers.close();
      engine.close();
    });
    // What the web bridge does: every command of the web's list, validated by the table on the way in.
    const api = { subscribe: handlers.subscribe } as unknown as Record<string, unknown>;
    for (const name of commandsFor('web')) api[name] = (...args: unknown[]) => dispatchCommand(handlers, name, args, 'web');
    return { api: api as unknown as BurrowApi, events };
  };
}
