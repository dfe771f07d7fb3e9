import type { CommandArgs, CommandName, CommandResult } from '../../shared/commands.js';
import type { BurrowEvent } from '../../shared/events.js';
import { subscribeToEngine, type EngineSubscription } from '../core/ipc/event-subscription.js';
import { requestDaemon } from '../core/ipc/ipc-client.js';

const NO_ENGINE = new Set(['ENOENT', 'ECONNREFUSED', 'ENOTOKEN']);

/** Whether an error means "no engine runs here" (rather than "the engine said no"). */
export function isNoEngine(error: unknown): boolean {
  return NO_ENGINE.has((error as NodeJS.ErrnoException).code ?? '');
}

/**
 * Runs a command of the table where it belongs: in the running engine (the only writer of the settings), or
 * here from the settings file when none runs and the command needs no engine. Only the socket client is loaded
 * up front, so `--help` and argument mistakes answer at once.
 */
export async function callCommand<N extends CommandName>(name: N, ...args: CommandArgs<N>): Promise<CommandResult<N>> {
  try {
    return await requestDaemon<CommandResult<N>>(name, args);
  } catch (error) {
    if (!isNoEngine(error)) throw error;
  }
  const [{ COMMANDS, dispatchCommand }, { createCommandHandlers }, { HostKeyStore }, { burrowHome }, { ConfSettingsStore }, { join }] = await Promise.all([
    import('../../shared/commands.js'),
    import('../core/commands/command-handlers.js'),
    import('../core/hostkeys/host-key-store.js'),
    import('../core/paths.js'),
    import('../core/settings/settings-store.js'),
    import('node:path'),
  ]);
  if (COMMANDS[name].engine) throw new Error('no Burrow engine is running: start one with "npm start" or "burrow daemon" (burrow connect starts one too)');
  const home = burrowHome();
  const local = createCommandHandlers({ settings: new ConfSettingsStore(home), hostKeys: new HostKeyStore(join(home, 'known_hosts')) });
  return (await dispatchCommand(local, name, args, 'cli')) as CommandResult<N>;
}

/** Runs a command in the running engine, starting `burrow daemon` first when none runs (as `burrow connect` does). */
export async function callEngine<N extends CommandName>(name: N, ...args: CommandArgs<N>): Promise<CommandResult<N>> {
  try {
    return await requestDaemon<CommandResult<N>>(name, args);
  } catch (error) {
    if (!isNoEngine(error)) throw error;
  }
  const { startDaemonAndConnect } = await import('./daemon-autostart.js');
  (await startDaemonAndConnect()).socket.destroy();
  return requestDaemon<CommandResult<N>>(name, args);
}

/** Hears the running engine's events (UI events without traffic), starting `burrow daemon` first when none runs. */
export async function listenToEngine(onEvent: (event: BurrowEvent) => void): Promise<EngineSubscription> {
  try {
    return await subscribeToEngine(onEvent);
  } catch (error) {
    if (!isNoEngine(error)) throw error;
  }
  const { startDaemonAndConnect } = await import('./daemon-autostart.js');
  (await startDaemonAndConnect()).socket.destroy();
  return subscribeToEngine(onEvent);
}
