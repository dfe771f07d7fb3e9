/**
 * The sandboxed preload (CommonJS: sandboxed preloads cannot be ES modules, and may require only
 * 'electron'). It exposes window.burrow, a BurrowApi over ipcRenderer; the main process checks
 * every call's sender and arguments.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { ApiMethod, BurrowApi, BurrowEvent } from '../shared/api.js' with { 'resolution-mode': 'import' };

// Listed here because a sandboxed preload cannot import shared/api.ts at run time; the type below
// fails the build if a method is added to BurrowApi and not here (or the other way round).
const METHODS = [
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
  'mcpHosts',
  'planInstall',
  'install',
  'planUninstall',
  'uninstall',
] as const satisfies readonly ApiMethod[];
type Missing = Exclude<ApiMethod, (typeof METHODS)[number]>;
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
