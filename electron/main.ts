/**
 * The Electron shell, kept thin: tray, windows, notifications, and the IPC bridge to the engine.
 * Every decision with logic in it lives in electron/shell/ (plain functions tested in Node);
 * the engine is the same one `burrow daemon` runs (electron/core/app-runtime.ts).
 */
import { app, BrowserWindow, dialog, ipcMain, Menu, nativeImage, Notification, protocol, safeStorage, session, shell, Tray, type IpcMainEvent, type IpcMainInvokeEvent, type MenuItemConstructorOptions, type NativeImage, type WebContents } from 'electron';
import { readFile } from 'node:fs/promises';
import { existsSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import { dispatchCommand } from '../shared/commands.js';
import { contentSecurityPolicy } from '../shared/content-security-policy.js';
import type { BurrowEvent } from '../shared/events.js';
import { startRuntime, type BurrowRuntime } from './core/app-runtime.js';
import type { EngineCommands } from './core/commands/command-handlers.js';
import { findRunningEngine, stopRunningEngine } from './core/ipc/engine-discovery.js';
import { oneLine } from './core/errors.js';
import { defaultHostConfigContext, type HostConfigContext } from './core/hostconfig/host-configs.js';
import { resolveLauncher } from './core/hostconfig/launcher.js';
import { createLogger, dailyFileSink } from './core/logging/logger.js';
import { burrowHome, logDir } from './core/paths.js';
import { appPageUrl, resolveAppAsset } from './shell/app-assets.js';
import { isLinuxAutostartEnabled, setLinuxAutostart } from './shell/autostart.js';
import { approvalNotice, hostKeyAlertNotice } from './shell/notifications.js';
import { SecretVault } from './shell/secret-vault.js';
import { APP_SCHEME, externalLink, isTrustedSender } from './shell/sender-check.js';
import { buildTrayMenu, trayIconFile, trayIconState, trayToolTip, type TrayAction, type TrayItem, type TrayModel } from './shell/tray-menu.js';

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
let api: EngineCommands | undefined;
let tray: Tray | undefined;
const windows = new Map<'main' | 'inspector', BrowserWindow>();
const model: TrayModel = { remotes: [], paused: false, startAtLogin: false };

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
  serveRenderer();

  // A `burrow daemon` started by a helper owns the socket: the app takes over (same socket, same store).
  const running = await findRunningEngine();
  if (running) {
    logger.info(`a burrow daemon is running (pid ${running.pid}); asking it to hand over`);
    if (!(await stopRunningEngine())) throw new Error(`a Burrow daemon (pid ${running.pid}) is running and did not stop; end it (kill ${running.pid}) and start Burrow again`);
  }
  let webUi: Promise<string> | undefined;
  runtime = await startRuntime({
    home,
    logger,
    kind: 'app',
    idleTimeoutMs: 600_000,
    hostConfig: hostConfigContext(),
    onStopRequest: () => app.quit(),
    // `burrow ui` while the app runs: the same UI in a browser, on 127.0.0.1 with a token of its own.
    openUi: () => (webUi ??= serveWebUi(runtime!)),
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

function setUpIpc(engineApi: EngineCommands): void {
  const subscribers = new Set<WebContents>();
  let unsubscribe: (() => void) | undefined;
  const forward = (event: BurrowEvent) => {
    for (const contents of subscribers) if (!contents.isDestroyed()) contents.send('burrow:event', event);
  };
  // Errors cross as data: ipcRenderer.invoke would wrap them in "Error invoking remote method …".
  ipcMain.handle('burrow:api', async (event: IpcMainInvokeEvent, method: unknown, args: unknown) => {
    if (!isTrustedSender(event.senderFrame)) throw new Error('refused: not a Burrow page');
    try {
      return { ok: true, result: await dispatchCommand(engineApi, String(method), args, 'window') };
    } catch (error) {
      return { ok: false, error: oneLine(error) };
    }
  });
  ipcMain.on('burrow:subscribe', (event: IpcMainEvent) => {
    if (!isTrustedSender(event.senderFrame)) return;
    const contents = event.sender;
    if (subscribers.has(contents)) return;
    subscribers.add(contents);
    // Subscribed only while a window listens: the relay taps traffic only then.
    unsubscribe ??= engineApi.subscribe(forward);
    contents.once('destroyed', () => {
      subscribers.delete(contents);
      if (subscribers.size === 0) {
        unsubscribe?.();
        unsubscribe = undefined;
      }
    });
  });
}

function openWindow(kind: 'main' | 'inspector', remote?: string): void {
  if (!api) return;
  const existing = windows.get(kind);
  if (existing && !existing.isDestroyed()) {
    if (remote) void existing.loadURL(appPageUrl('inspector', remote));
    existing.show();
    existing.focus();
    return;
  }
  const win = new BrowserWindow({
    width: kind === 'main' ? 960 : 1200,
    height: kind === 'main' ? 680 : 800,
    minWidth: 720,
    minHeight: 480,
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
  win.on('closed', () => windows.delete(kind));
  void win.loadURL(appPageUrl(kind === 'inspector' ? 'inspector' : undefined, remote));
}

function setUpTray(): void {
  tray = new Tray(trayIcon(trayIconState(model)));
  // macOS and Linux open the menu on click already; Windows only on right-click unless asked.
  if (process.platform === 'win32') tray.on('click', () => tray?.popUpContextMenu());
  model.startAtLogin = startAtLoginEnabled();
  refreshTray();
}

function trayIcon(state: ReturnType<typeof trayIconState>): NativeImage {
  // nativeImage picks the @2x file beside it on high-density screens.
  const image = nativeImage.createFromPath(join(ICON_DIR, trayIconFile(state, process.platform)));
  if (process.platform === 'darwin') image.setTemplateImage(true);
  return image;
}

function refreshTray(): void {
  if (!tray) return;
  tray.setImage(trayIcon(trayIconState(model)));
  tray.setToolTip(trayToolTip(model));
  tray.setContextMenu(Menu.buildFromTemplate(buildTrayMenu(model).map(toMenuItem)));
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
      runtime?.engine.sessions.setPaused(action.kind === 'pause');
      model.paused = action.kind === 'pause';
      return refreshTray();
    case 'start-at-login':
      setStartAtLogin(action.enabled);
      model.startAtLogin = startAtLoginEnabled();
      return refreshTray();
    case 'quit':
      app.quit();
  }
}

/** Keeps the tray's remote list live, and notifies when a person is needed. */
function watchEngine(rt: BurrowRuntime): void {
  let timer: NodeJS.Timeout | undefined;
  const refresh = () => {
    clearTimeout(timer);
    // Coalesces bursts (a reconnect emits several states) into one menu rebuild.
    timer = setTimeout(() => {
      void api?.remoteStatuses().then((remotes) => {
        model.remotes = remotes;
        refreshTray();
      }, (error: Error) => logger.warn(`tray: ${oneLine(error)}`));
    }, 100);
  };
  const events = rt.engine.events;
  events.on('remote-state', refresh);
  events.on('remotes-changed', refresh);
  events.on('approval-removed', refresh);
  events.on('approval-added', ({ approval }) => {
    refresh();
    notify(approvalNotice(approval));
  });
  events.on('host-key-alert', ({ alert }) => notify(hostKeyAlertNotice(alert)));
  refresh();
}

function notify(text: { title: string; body: string }): void {
  if (!Notification.isSupported()) return;
  const notice = new Notification({ title: text.title, body: text.body, urgency: 'critical' });
  notice.on('click', () => openWindow('main'));
  notice.show();
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
  void runtime.close().finally(() => app.exit(0));
});

function fail(error: Error): void {
  logger.error(`start-up failed: ${oneLine(error)}`);
  dialog.showErrorBox('Burrow could not start', oneLine(error));
  app.exit(1);
}
