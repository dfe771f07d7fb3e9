import type { RemoteState, RemoteStatus } from '../../shared/api.js';

/** What a tray item does when clicked; main.ts maps each to an Electron call. */
export type TrayAction =
  | { kind: 'open' }
  | { kind: 'inspector'; remote?: string }
  | { kind: 'pause' }
  | { kind: 'resume' }
  | { kind: 'start-at-login'; enabled: boolean }
  | { kind: 'install-cli' }
  | { kind: 'quit' };

export type TrayItem =
  | { type: 'separator' }
  | { type: 'normal'; label: string; enabled: boolean; action?: TrayAction; toolTip?: string }
  | { type: 'checkbox'; label: string; checked: boolean; action: TrayAction };

export interface TrayModel {
  remotes: RemoteStatus[];
  paused: boolean;
  startAtLogin: boolean;
  /** macOS: the app bundle's `burrow` command is not on the PATH yet (a deb and the Windows installer put it there). */
  offerCliInstall?: boolean;
}

/** The few words a person reads per state; the tray shows only these four families. */
const STATE_WORDS: Record<RemoteState, string> = {
  connected: 'connected',
  idle: 'idle',
  connecting: 'connecting…',
  reconnecting: 'reconnecting…',
  'waiting-approval': 'waiting for approval',
  error: 'error',
  disconnected: 'idle',
};

/** Plain-text markers: tray menus cannot colour text, and they read on every OS. */
const STATE_MARK: Record<RemoteState, string> = {
  connected: '●',
  idle: '○',
  connecting: '◌',
  reconnecting: '◌',
  'waiting-approval': '!',
  error: '×',
  disconnected: '○',
};

export function remoteLabel(status: RemoteStatus): string {
  const sessions = status.state === 'connected' && status.sessions > 0 ? ` (${status.sessions} ${status.sessions === 1 ? 'session' : 'sessions'})` : '';
  // Sessions that lost the remote stay open: say so, whatever the connection is doing.
  const waiting = status.waiting ? ` (${status.waiting} ${status.waiting === 1 ? 'session' : 'sessions'} waiting for ${status.name})` : '';
  return `${STATE_MARK[status.state]}  ${status.name} — ${STATE_WORDS[status.state]}${sessions}${waiting}`;
}

export const NO_REMOTES_LABEL = 'No remotes yet — open Burrow to try the demo';

/** The tray menu: each remote with its live state, then Open Burrow, Inspector, Pause/Resume, Quit. */
export function buildTrayMenu(model: TrayModel): TrayItem[] {
  const items: TrayItem[] = [];
  if (model.paused) items.push({ type: 'normal', label: 'Paused: new connections are refused', enabled: false });
  if (model.remotes.length === 0) {
    // The window's first screen offers the demo remote: say so, so a first click leads somewhere that works at once.
    items.push({ type: 'normal', label: NO_REMOTES_LABEL, enabled: true, action: { kind: 'open' } });
  }
  for (const status of model.remotes) {
    // A host key waiting for a person is answered in the main window; otherwise the remote's inspector.
    const action: TrayAction = status.state === 'waiting-approval' ? { kind: 'open' } : { kind: 'inspector', remote: status.name };
    items.push({ type: 'normal', label: remoteLabel(status), enabled: true, action, toolTip: status.detail });
  }
  items.push(
    { type: 'separator' },
    { type: 'normal', label: 'Open Burrow', enabled: true, action: { kind: 'open' } },
    { type: 'normal', label: 'Inspector', enabled: true, action: { kind: 'inspector' } },
    { type: 'separator' },
    model.paused
      ? { type: 'normal', label: 'Resume', enabled: true, action: { kind: 'resume' } }
      : { type: 'normal', label: 'Pause', enabled: true, action: { kind: 'pause' } },
    { type: 'checkbox', label: 'Start at Login', checked: model.startAtLogin, action: { kind: 'start-at-login', enabled: !model.startAtLogin } },
  );
  if (model.offerCliInstall) items.push({ type: 'normal', label: 'Install the burrow Command…', enabled: true, action: { kind: 'install-cli' } });
  items.push(
    { type: 'separator' },
    { type: 'normal', label: 'Quit Burrow', enabled: true, action: { kind: 'quit' } },
  );
  return items;
}

export type TrayIconState = 'normal' | 'attention' | 'paused';

/** Which icon the tray shows: attention while a person is needed (approval, error), dimmed when paused. */
export function trayIconState(model: TrayModel): TrayIconState {
  if (model.remotes.some((r) => r.state === 'waiting-approval' || r.state === 'error')) return 'attention';
  return model.paused ? 'paused' : 'normal';
}

export function trayToolTip(model: TrayModel): string {
  if (model.paused) return 'Burrow — paused';
  const waiting = model.remotes.filter((r) => r.state === 'waiting-approval').length;
  if (waiting) return `Burrow — ${waiting} waiting for approval`;
  const connected = model.remotes.filter((r) => r.state === 'connected').length;
  return `Burrow — ${connected} of ${model.remotes.length} connected`;
}

/** The icon file for a state: macOS template images (tinted by the menu bar), colour ones elsewhere; @2x beside each. */
export function trayIconFile(state: TrayIconState, platform: NodeJS.Platform): string {
  if (platform === 'darwin') return state === 'attention' ? 'trayAttentionTemplate.png' : 'trayTemplate.png';
  return state === 'attention' ? 'tray-attention.png' : state === 'paused' ? 'tray-paused.png' : 'tray.png';
}
