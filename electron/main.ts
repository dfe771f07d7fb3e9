/**
 * The Electron shell, kept thin: tray, windows, notifications, and the IPC bridge to the engine.
 * Every decision with logic in it lives in electron/shell/ (plain functions tested in Node);
 * the engine is the same one `burrow daemon` runs (electron/core/app-runtime.ts).
 */
import { app, BrowserWindow, dialog, ipcMain, Menu, nativeImage, nativeTheme, Notification, protocol, safeStorage, screen, session, shell, Tray, type IpcMainEvent, type IpcMainInvokeEvent, type MenuItemConstructorOptions, type NativeImage, type WebContents } from 'electron';
import Store from 'electron-store';
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { existsSync, readlinkSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import { dispatchCommand } from '../shared/commands.js';
import { contentSecurityPolicy } from '../shared/content-security-policy.js';
import type { BurrowEvent } from '../shared/events.js';
import { startRuntime, type BurrowRuntime } from './core/app-runtime.js';
import { growHeapForRelaying } from './core/engine-heap.js';
import { startEmbeddedServer, type RunningEmbeddedServer } from './core/sshserver/start-embedded.js';
import type { EngineCommands } from './core/commands/command-handlers.js';
import { findRunningEngine, handOverRunningEngine } from './core/ipc/engine-discovery.js';
import { oneLine } from './core/errors.js';
import { defaultHostConfigContext, type HostConfigContext } from './core/hostconfig/host-configs.js';
import { resolveLauncher } from './core/hostconfig/launcher.js';
import { createLogger, dailyFileSink } from './core/logging/logger.js';
import { burrowHome, logDir } from './core/paths.js';
import { appPageUrl, resolveAppAsset } from './shell/app-assets.js';
import { isLinuxAutostartEnabled, setLinuxAutostart } from './shell/autostart.js';
import { cliInstalled, MAC_CLI_LINK, macCliInstallCommand, macLauncherPath } from './shell/cli-install.js';
import { NoticeHolder } from './shell/notice-holder.js';
import { approvalNotice, hostKeyAlertNotice } from './shell/notifications.js';
import { SecretVault } from './shell/secret-vault.js';
import { APP_SCHEME, externalLink, isTrustedSender } from './shell/sender-check.js';
import { trayIconFile, type TrayAction, type TrayIconState, type TrayItem, type TrayModel } from './shell/tray-menu.js';
import { trayUpdate, trayView, type TrayView } from './shell/tray-state.js';
import { isTheme, MIN_WINDOW, UI_STATE_DEFAULTS, windowBounds, type UiState, type WindowKind } from './shell/ui-state.js';

const HERE = dirname(fileURLToPath(import.meta.url)); // dist/electron
const PACKAGE_ROOT = join(HERE, '..', '..');
const RENDERER_DIR = join(HERE, '..', 'renderer');
const PRELOAD = join(HERE, 'preload.cjs');
const ICON_DIR = app.isPackaged ? join(process.resourcesPath, 'tray') : join(PACKAGE_ROOT, 'build');

// One data folder for the app and the CLI (BURROW_HOME, else the platform's), so both find one socket.
const home = burrowHome();
app.setPath('userData', home);
// Chromium's caches and storage stay in a folder of their own, apart from settings and approvals.
app.setPath('sessionData', join(home, 'chromium'));
const logger = createLogger([dailyFileSink(logDir(), 'info', 'app')]);

protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);

let runtime: BurrowRuntime | undefined;
/** Burrow's SSH server: the demo remote the first screen offers, and edge devices when the switch is on. */
let embedded: RunningEmbeddedServer | undefined;
let api: EngineCommands | undefined;
let tray: Tray | undefined;
/** What the Tray shows now: it is touched only when the next view differs (see shell/tray-state.ts). */
let trayShown: TrayView | undefined;
const windows = new Map<WindowKind, BrowserWindow>();
const model: TrayModel = { remotes: [], paused: false, startAtLogin: false };
/** Shown notifications stay referenced until closed or clicked, or their click handler is lost. */
const notices = new NoticeHolder<Notification>();
/** Window sizes, the last inspected remote, the theme: the shell's own state, apart from the engine's settings. */
let uiState: Store<UiState> | undefined;

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => openWindow('main'));
  // A tray app: closing its last window does not quit it.
  app.on('window-all-closed', () => {});
  app.on('web-contents-created', (_event, contents) => harden(contents));
  app.whenReady().then(start).catch((error: Error) => fail(error));
}

async function start(): Promise<void> {
  if (process.platform === 'darwin') app.dock?.hide();
  if (process.platform === 'win32') app.setAppUserModelId('dev.burrow.app');
  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  // Checks (e.g. navigator.permissions.query, clipboard reads) are refused too, not only requests.
  session.defaultSession.setPermissionCheckHandler(() => false);
  serveRenderer();
  uiState = new Store<UiState>({ name: 'ui-state', cwd: home, defaults: UI_STATE_DEFAULTS, clearInvalidConfig: true });
  const theme = uiState.get('theme');
  nativeTheme.themeSource = isTheme(theme) ? theme : 'system';

  // A `burrow daemon` started by a helper owns the socket: it hands it over and finishes its open sessions.
  const running = await findRunningEngine();
  if (running) {
    logger.info(`a burrow daemon is running (pid ${running.pid}); asking it to hand over`);
    if (!(await handOverRunningEngine())) throw new Error(`a Burrow daemon (pid ${running.pid}) is running and did not hand over; end it (kill ${running.pid}) and start Burrow again`);
  }
  let webUi: Promise<string> | undefined;
  growHeapForRelaying();
  runtime = await startRuntime({
    home,
    logger,
    kind: 'app',
    hostConfig: hostConfigContext(),
    onStopRequest: () => app.quit(),
    // `burrow ui` while the app runs: the same UI in a browser, on 127.0.0.1 with a token of its own.
    openUi: () => (webUi ??= serveWebUi(runtime!)),
    // No --listen here: the switch's remembered address (if any), and the demo again if it is saved; before the
    // socket takes helpers, so an MCP host's first demo session finds it listening.
    beforeListening: async (rt) => {
      embedded = await startEmbeddedServer({ home, logger, engine: rt.engine, settings: rt.settings, setDevices: (d) => rt.setDevices(d) });
      rt.setEmbedded({ demo: embedded.demo, sshServer: embedded });
      logger.info(embedded.banner);
    },
  });
  api = runtime.commands;
  const vault = new SecretVault(join(home, 'secrets.json'), safeStorage, process.platform);
  const secretProblem = vault.problem();
  if (secretProblem) logger.warn(secretProblem);
  // Passphrases and passwords people enter outlive a restart only in the OS keychain; otherwise in memory.
  else runtime.engine.secrets.useStore(vault);

  setUpIpc(api);
  setUpTray();
  watchEngine(runtime);
  firstRun();
}

async function serveWebUi(rt: BurrowRuntime): Promise<string> {
  const { startWebUi } = await import('./core/web/web-ui-server.js');
  const url = await startWebUi({ commands: rt.commands, logger, port: 0, token: randomBytes(32).toString('base64url') });
  rt.setUiUrl(url);
  return url;
}

/** The launcher MCP host configs get: in development the node `npm start` ran under, else the app itself. */
function hostConfigContext(): HostConfigContext {
  const ctx = defaultHostConfigContext();
  const devNode = process.env.BURROW_DEV_NODE;
  if (app.isPackaged || !devNode) return ctx;
  return { ...ctx, launcher: resolveLauncher({ execPath: devNode, scriptPath: join(PACKAGE_ROOT, 'bin', 'burrow.js'), platform: process.platform, env: process.env }) };
}

/** app://burrow/… serves the built renderer, with the CSP on every response. */
function serveRenderer(): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const asset = resolveAppAsset(RENDERER_DIR, request.url);
    if (!asset) return new Response('not found', { status: 404 });
    try {
      const body = await readFile(asset.path);
      return new Response(body, {
        headers: { 'content-type': asset.mimeType, 'content-security-policy': contentSecurityPolicy(), 'x-content-type-options': 'nosniff' },
      });
    } catch {
      return new Response('not found', { status: 404 });
    }
  });
}

/** No navigation away, no new windows, no webviews: links to https pages open in the browser. */
function harden(contents: WebContents): void {
  const block = (event: { preventDefault: () => void }, url: string) => {
    event.preventDefault();
    const link = externalLink(url);
    if (link) void shell.openExternal(link);
  };
  contents.on('will-navigate', block);
  contents.on('will-redirect', block);
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    const link = externalLink(url);
    if (link) void shell.openExternal(link);
    return { action: 'deny' };
  });
}

/**
 * The IPC surface: one request channel for the API table, and two subscriptions per window — the
 * engine's events, and traffic (the relay copies messages only while a traffic view subscribes).
 */
function setUpIpc(engineApi: EngineCommands): void {
  // Errors cross as data: ipcRenderer.invoke would wrap them in "Error invoking remote method …".
  ipcMain.handle('burrow:api', async (event: IpcMainInvokeEvent, method: unknown, args: unknown) => {
    if (!isTrustedSender(event.senderFrame)) throw new Error('refused: not a Burrow page');
    try {
      return { ok: true, result: await dispatchCommand(engineApi, String(method), args, 'window') };
    } catch (error) {
      return { ok: false, error: oneLine(error) };
    }
  });
  subscriptionChannel('burrow:subscribe', 'burrow:unsubscribe', (listener) => engineApi.subscribe(listener, { traffic: false }));
  subscriptionChannel('burrow:subscribe-traffic', 'burrow:unsubscribe-traffic', (listener) => engineApi.subscribe((e) => e.type === 'traffic' && listener(e), { traffic: true }));
}

/** Windows subscribe and unsubscribe on these channels; the engine subscription lives while any window holds one. */
function subscriptionChannel(on: string, off: string, open: (listener: (event: BurrowEvent) => void) => () => void): void {
  const subscribers = new Set<WebContents>();
  let close: (() => void) | undefined;
  const forward = (event: BurrowEvent) => {
    for (const contents of subscribers) if (!contents.isDestroyed()) contents.send('burrow:event', event);
  };
  const drop = (contents: WebContents) => {
    if (!subscribers.delete(contents) || subscribers.size > 0) return;
    close?.();
    close = undefined;
  };
  ipcMain.on(on, (event: IpcMainEvent) => {
    if (!isTrustedSender(event.senderFrame)) return;
    const contents = event.sender;
    if (subscribers.has(contents)) return;
    subscribers.add(contents);
    close ??= open(forward);
    // A window that closes or reloads without unsubscribing.
    contents.once('destroyed', () => drop(contents));
    contents.once('did-start-navigation', () => drop(contents));
  });
  ipcMain.on(off, (event: IpcMainEvent) => drop(event.sender));
}

function openWindow(kind: WindowKind, remote?: string): void {
  if (!api) return;
  if (kind === 'inspector' && remote) uiState?.set('lastInspectorRemote', remote);
  const show = kind === 'inspector' ? (remote ?? uiState?.get('lastInspectorRemote')) : undefined;
  const existing = windows.get(kind);
  if (existing && !existing.isDestroyed()) {
    if (remote) void existing.loadURL(appPageUrl('inspector', remote));
    existing.show();
    existing.focus();
    return;
  }
  const bounds = windowBounds(kind, savedWindows()[kind], screen.getAllDisplays().map((d) => d.workArea));
  const win = new BrowserWindow({
    ...bounds,
    minWidth: MIN_WINDOW.width,
    minHeight: MIN_WINDOW.height,
    show: false,
    title: kind === 'main' ? 'Burrow' : 'Burrow Inspector',
    autoHideMenuBar: true,
    webPreferences: {
      preload: PRELOAD,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      webviewTag: false,
      spellcheck: false,
      devTools: !app.isPackaged,
    },
  });
  windows.set(kind, win);
  win.once('ready-to-show', () => win.show());
  // Saved once, when the window closes: no disk write per pixel of a drag.
  win.on('close', () => {
    if (!win.isDestroyed()) uiState?.set('windows', { ...savedWindows(), [kind]: win.getNormalBounds() });
  });
  win.on('closed', () => windows.delete(kind));
  void win.loadURL(appPageUrl(kind === 'inspector' ? 'inspector' : undefined, show));
}

/** The saved window bounds; a hand-edited file with something else there counts as none. */
function savedWindows(): UiState['windows'] {
  const saved: unknown = uiState?.get('windows');
  return saved && typeof saved === 'object' ? (saved as UiState['windows']) : {};
}

function setUpTray(): void {
  model.startAtLogin = startAtLoginEnabled();
  model.offerCliInstall = offerCliInstall();
  trayShown = trayView(model);
  tray = new Tray(trayIcon(trayShown.icon));
  // macOS and Linux open the menu on click already; Windows only on right-click unless asked.
  if (process.platform === 'win32') tray.on('click', () => tray?.popUpContextMenu());
  tray.setToolTip(trayShown.toolTip);
  tray.setContextMenu(Menu.buildFromTemplate(trayShown.menu.map(toMenuItem)));
}

function trayIcon(state: TrayIconState): NativeImage {
  // nativeImage picks the @2x file beside it on high-density screens.
  const image = nativeImage.createFromPath(join(ICON_DIR, trayIconFile(state, process.platform)));
  if (process.platform === 'darwin') image.setTemplateImage(true);
  return image;
}

/** Shows the model: only the parts that changed (AppIndicator flickers and closes an open menu on every set). */
function refreshTray(): void {
  if (!tray) return;
  const next = trayView(model);
  const update = trayUpdate(trayShown, next);
  trayShown = next;
  if (update.icon) tray.setImage(trayIcon(update.icon));
  if (update.toolTip !== undefined) tray.setToolTip(update.toolTip);
  if (update.menu) tray.setContextMenu(Menu.buildFromTemplate(update.menu.map(toMenuItem)));
}

function toMenuItem(item: TrayItem): MenuItemConstructorOptions {
  if (item.type === 'separator') return { type: 'separator' };
  const click = item.action ? () => perform(item.action!) : undefined;
  if (item.type === 'checkbox') return { type: 'checkbox', label: item.label, checked: item.checked, click };
  return { label: item.label, enabled: item.enabled, toolTip: item.toolTip, click };
}

function perform(action: TrayAction): void {
  switch (action.kind) {
    case 'open':
      return openWindow('main');
    case 'inspector':
      return openWindow('inspector', action.remote);
    case 'pause':
    case 'resume':
      // The engine's 'paused' event updates the tray.
      runtime?.engine.sessions.setPaused(action.kind === 'pause');
      return;
    case 'start-at-login':
      setStartAtLogin(action.enabled);
      model.startAtLogin = startAtLoginEnabled();
      return refreshTray();
    case 'install-cli':
      return installCli();
    case 'quit':
      app.quit();
  }
}

/** Keeps the tray's model live from engine events (no polling), and notifies when a person is needed. */
function watchEngine(rt: BurrowRuntime): void {
  let timer: NodeJS.Timeout | undefined;
  const refresh = () => {
    clearTimeout(timer);
    // Coalesces bursts (a reconnect emits several states) into one look at the statuses.
    timer = setTimeout(() => {
      model.paused = rt.engine.sessions.isPaused();
      void api?.remoteStatuses().then((remotes) => {
        model.remotes = remotes;
        refreshTray();
      }, (error: Error) => logger.warn(`tray: ${oneLine(error)}`));
    }, 100);
  };
  const events = rt.engine.events;
  events.on('remote-state', refresh);
  events.on('paused-changed', refresh);
  events.on('approval-removed', refresh);
  events.on('approval-added', ({ approval }) => {
    refresh();
    notify(approvalNotice(approval));
  });
  events.on('host-key-alert', ({ alert }) => notify(hostKeyAlertNotice(alert)));
  // Remotes saved or removed, from a window or from `burrow remote add` through the socket.
  events.on('remotes-changed', refresh);
  refresh();
}

function notify(text: { title: string; body: string }): void {
  if (!Notification.isSupported()) return;
  const notice = new Notification({ title: text.title, body: text.body, urgency: 'critical' });
  notice.on('click', () => openWindow('main'));
  notices.show(notice);
}

/** macOS only: the bundle's launcher is not yet what /usr/local/bin/burrow points at. */
function offerCliInstall(): boolean {
  if (process.platform !== 'darwin' || !app.isPackaged) return false;
  let target: string | undefined;
  try {
    target = readlinkSync(MAC_CLI_LINK);
  } catch {
    target = undefined;
  }
  return !cliInstalled(target, macLauncherPath(process.resourcesPath));
}

/** Links the `burrow` command into /usr/local/bin, with the system's administrator prompt. */
function installCli(): void {
  const { command, args } = macCliInstallCommand(macLauncherPath(process.resourcesPath));
  execFile(command, args, (error, _stdout, stderr) => {
    // -128: the person pressed Cancel in the password dialog.
    if (error && !/-128/.test(stderr)) dialog.showErrorBox('The burrow command was not installed', oneLine(stderr || error));
    else if (!error) logger.info(`linked ${MAC_CLI_LINK} to the app's burrow command`);
    model.offerCliInstall = offerCliInstall();
    refreshTray();
  });
}

function startAtLoginEnabled(): boolean {
  if (process.platform === 'linux') return isLinuxAutostartEnabled(homedir(), process.env);
  return app.getLoginItemSettings().openAtLogin;
}

function setStartAtLogin(enabled: boolean): void {
  if (process.platform === 'linux') {
    // An AppImage moves when it runs: its stable path is $APPIMAGE. In development: electron + this folder.
    const command = app.isPackaged ? [process.env.APPIMAGE ?? process.execPath] : [process.execPath, PACKAGE_ROOT];
    setLinuxAutostart(enabled, { home: homedir(), env: process.env, command });
  } else {
    app.setLoginItemSettings({ openAtLogin: enabled, args: ['--autostart'] });
  }
}

/** The first packaged start turns start-at-login on (the tray's checkbox turns it off) and opens the window. */
function firstRun(): void {
  const marker = join(home, '.first-run-done');
  if (existsSync(marker)) return;
  writeFileSync(marker, `${new Date().toISOString()}\n`);
  if (app.isPackaged) {
    setStartAtLogin(true);
    model.startAtLogin = startAtLoginEnabled();
    refreshTray();
  }
  if (!process.argv.includes('--autostart')) openWindow('main');
}

let quitting = false;
app.on('before-quit', (event) => {
  if (quitting || !runtime) return;
  event.preventDefault();
  quitting = true;
  api?.close();
  const rt = runtime;
  void (embedded?.close() ?? Promise.resolve())
    .then(() => rt.close())
    .finally(() => app.exit(0));
});

function fail(error: Error): void {
  logger.error(`start-up failed: ${oneLine(error)}`);
  dialog.showErrorBox('Burrow could not start', oneLine(error));
  app.exit(1);
}
