/**
 * The sandboxed preload (CommonJS: sandboxed preloads cannot be ES modules, and may require only
 * 'electron'). It exposes window.burrow, the command table's window commands over ipcRenderer; the main
 * process checks every call's sender and arguments.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { BurrowApi, CommandsFor } from '../shared/commands.js' with { 'resolution-mode': 'import' };
import type { BurrowEvent } from '../shared/events.js' with { 'resolution-mode': 'import' };

// Listed here because a sandboxed preload cannot import shared/commands.ts at run time; the type below
// fails the build if the table gains a window command that is not here (or the other way round).
const METHODS = [
  'engineStatus',
  'setPaused',
  'listRemotes',
  'remoteStatuses',
  'saveRemote',
  'removeRemote',
  'testRemote',
  'catalog',
  'callTool',
  'pendingApprovals',
  'answerApproval',
  'answerSecret',
  'refuseSecret',
  'hostKeyAlerts',
  'dismissHostKeyAlert',
  'knownHostKeys',
  'forgetHostKey',
  'mcpHosts',
  'planInstall',
  'hostEntries',
  'removeHostEntries',
  'install',
  'planUninstall',
  'uninstall',
] as const satisfies readonly CommandsFor<'window'>[];
type Missing = Exclude<CommandsFor<'window'>, (typeof METHODS)[number]>;
const complete: Missing extends never ? true : Missing = true;
void complete;

type Reply = { ok: true; result: unknown } | { ok: false; error: string };

const api: Record<string, unknown> = {};
for (const method of METHODS) {
  api[method] = async (...args: unknown[]) => {
    const reply = (await ipcRenderer.invoke('burrow:api', method, args)) as Reply;
    if (!reply.ok) throw new Error(reply.error);
    return reply.result;
  };
}
api.subscribe = (listener: (event: BurrowEvent) => void) => {
  const handler = (_event: IpcRendererEvent, event: BurrowEvent) => listener(event);
  ipcRenderer.on('burrow:event', handler);
  ipcRenderer.send('burrow:subscribe');
  return () => {
    ipcRenderer.removeListener('burrow:event', handler);
  };
};

contextBridge.exposeInMainWorld('burrow', api as unknown as BurrowApi);
