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
  'settings',
  'saveSettings',
  'trafficHistory',
  'toolAudit',
  'listRemotes',
  'remoteStatuses',
  'saveRemote',
  'removeRemote',
  'addDemoRemote',
  'sshConfigHosts',
  'testRemote',
  'catalog',
  'callTool',
  'getPrompt',
  'readResource',
  'complete',
  'pendingApprovals',
  'answerApproval',
  'answerSecret',
  'refuseSecret',
  'hostKeyAlerts',
  'dismissHostKeyAlert',
  'knownHostKeys',
  'forgetHostKey',
  'listDevices',
  'approveDevice',
  'rejectDevice',
  'forgetDevice',
  'sshServerState',
  'setSshServer',
  'mcpHosts',
  'planInstall',
  'hostEntries',
  'removeHostEntries',
  'install',
  'planUninstall',
  'uninstall',
  'planToolsEntry',
  'writeToolsEntry',
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
// Two subscriptions, each told to main when its first listener comes and its last one goes: the
// engine's events, and traffic (the relay copies messages only while a traffic view listens).
const listeners = { events: new Set<(event: BurrowEvent) => void>(), traffic: new Set<(event: BurrowEvent) => void>() };
const CHANNELS = {
  events: ['burrow:subscribe', 'burrow:unsubscribe'],
  traffic: ['burrow:subscribe-traffic', 'burrow:unsubscribe-traffic'],
} as const;
ipcRenderer.on('burrow:event', (_event: IpcRendererEvent, event: BurrowEvent) => {
  for (const listener of event.type === 'traffic' ? listeners.traffic : listeners.events) listener(event);
});
function listen(kind: 'events' | 'traffic', listener: (event: BurrowEvent) => void): () => void {
  // A wrapper per call: the same function subscribed twice is two subscriptions, each with its own stop.
  const own = (event: BurrowEvent) => listener(event);
  listeners[kind].add(own);
  if (listeners[kind].size === 1) ipcRenderer.send(CHANNELS[kind][0]);
  return () => {
    if (!listeners[kind].delete(own)) return;
    if (listeners[kind].size === 0) ipcRenderer.send(CHANNELS[kind][1]);
  };
}
api.subscribe = (listener: (event: BurrowEvent) => void, options?: { traffic?: boolean }) => {
  const stopEvents = listen('events', listener);
  const stopTraffic = options?.traffic === false ? undefined : listen('traffic', listener);
  return () => {
    stopEvents();
    stopTraffic?.();
  };
};

contextBridge.exposeInMainWorld('burrow', api as unknown as BurrowApi);
