/**
 * A recording test double of the `electron` module, for booting dist/electron/main.js in plain Node.
 * It implements just what the shell calls, records every call, and answers a test driving it over the
 * child-process IPC channel (process.send / 'message'): state snapshots, IPC invocations, protocol
 * fetches, tray menu clicks, quit.
 */
import { EventEmitter } from 'node:events';
import { tmpdir } from 'node:os';

const record = {
  paths: {},
  singleInstanceLock: 0,
  windows: [],
  trayImages: [],
  trayToolTips: [],
  trayMenus: [],
  nativeImages: [],
  privilegedSchemes: [],
  protocolHandlers: {},
  ipcHandle: {},
  ipcOn: {},
  permissionRequestHandler: false,
  permissionCheckHandler: undefined,
  notifications: [],
  errorBoxes: [],
  openedExternal: [],
  exposed: {},
  rendererSent: [],
};

class App extends EventEmitter {
  isPackaged = process.env.ELECTRON_DOUBLE_PACKAGED === '1';
  dock = undefined;
  #ready;
  constructor() {
    super();
    this.#ready = new Promise((resolve) => setTimeout(() => {
      this.emit('ready');
      resolve();
    }, 10));
  }
  whenReady() { return this.#ready; }
  requestSingleInstanceLock() { record.singleInstanceLock++; return true; }
  setPath(name, path) { record.paths[name] = path; }
  getPath(name) { return record.paths[name] ?? tmpdir(); }
  getVersion() { return '0.1.0'; }
  getName() { return 'Burrow'; }
  setAppUserModelId() {}
  getLoginItemSettings() { return { openAtLogin: false }; }
  setLoginItemSettings() {}
  quit() {
    let prevented = false;
    this.emit('before-quit', { preventDefault: () => { prevented = true; } });
    if (!prevented) this.exit(0);
  }
  exit(code = 0) {
    process.exitCode = code;
    // Lets the reply to 'quit' and the last records flush first.
    setImmediate(() => process.exit(code));
  }
}
export const app = new App();

let contentsIds = 0;
class WebContents extends EventEmitter {
  id = ++contentsIds;
  sent = [];
  destroyed = false;
  windowOpenHandler = undefined;
  isDestroyed() { return this.destroyed; }
  send(channel, ...args) { this.sent.push({ channel, args }); }
  setWindowOpenHandler(handler) { this.windowOpenHandler = handler; }
}

export class BrowserWindow extends EventEmitter {
  #destroyed = false;
  constructor(options) {
    super();
    this.options = options;
    this.webContents = new WebContents();
    this.url = undefined;
    this.shown = 0;
    record.windows.push(this);
    app.emit('web-contents-created', {}, this.webContents);
  }
  async loadURL(url) {
    this.url = url;
    setTimeout(() => this.emit('ready-to-show'), 5);
  }
  show() { this.shown++; }
  focus() {}
  isDestroyed() { return this.#destroyed; }
  getNormalBounds() { return { x: 10, y: 20, width: this.options.width, height: this.options.height }; }
  close() {
    this.emit('close', { preventDefault() {} });
    this.#destroyed = true;
    this.webContents.destroyed = true;
    this.webContents.emit('destroyed');
    this.emit('closed');
  }
}

export class Tray extends EventEmitter {
  constructor(image) {
    super();
    record.trayImages.push(image.path);
  }
  setImage(image) { record.trayImages.push(image.path); }
  setToolTip(text) { record.trayToolTips.push(text); }
  setContextMenu(menu) { record.trayMenus.push(menu.template); }
  popUpContextMenu() {}
}

export const Menu = {
  buildFromTemplate(template) { return { template }; },
};

export const nativeImage = {
  createFromPath(path) {
    record.nativeImages.push(path);
    return { path, setTemplateImage() {} };
  },
};

export const ipcMain = {
  handle(channel, fn) {
    if (record.ipcHandle[channel]) throw new Error(`Attempted to register a second handler for '${channel}'`);
    record.ipcHandle[channel] = fn;
  },
  on(channel, fn) { (record.ipcOn[channel] ??= []).push(fn); },
  removeHandler(channel) { delete record.ipcHandle[channel]; },
};

export const protocol = {
  registerSchemesAsPrivileged(schemes) { record.privilegedSchemes.push(...schemes); },
  handle(scheme, fn) { record.protocolHandlers[scheme] = fn; },
};

export const session = {
  defaultSession: {
    setPermissionRequestHandler(fn) { record.permissionRequestHandler = typeof fn === 'function' ? fn : false; },
    setPermissionCheckHandler(fn) { record.permissionCheckHandler = fn; },
  },
};

// No keychain in a test: the vault reports the problem and secrets stay in memory.
export const safeStorage = {
  isEncryptionAvailable() { return false; },
  getSelectedStorageBackend() { return 'basic_text'; },
  encryptString() { throw new Error('no keychain in the test double'); },
  decryptString() { throw new Error('no keychain in the test double'); },
};

export class Notification extends EventEmitter {
  static isSupported() { return true; }
  constructor(options) {
    super();
    this.options = options;
  }
  show() {
    record.notifications.push(this.options);
    shownNotices.push(new WeakRef(this));
  }
}
// Weak, like the OS's reference: a notification the shell does not hold may be collected.
const shownNotices = [];

export const shell = { async openExternal(url) { record.openedExternal.push(url); } };
export const dialog = {
  showErrorBox(title, text) {
    record.errorBoxes.push({ title, text });
    process.stderr.write(`[electron double] error box: ${title}: ${text}\n`);
  },
};
export const screen = { getAllDisplays() { return [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }]; } };
export const nativeTheme = { themeSource: 'system' };

// What a sandboxed preload uses.
export const contextBridge = { exposeInMainWorld(name, api) { record.exposed[name] = api; } };
export const ipcRenderer = {
  invoke: async (...args) => { record.rendererSent.push(['invoke', ...args]); return { ok: true, result: null }; },
  send: (...args) => { record.rendererSent.push(['send', ...args]); },
  on: (...args) => { record.rendererSent.push(['on', args[0]]); },
  removeListener() {},
};

/** The double as a plain object, for a preload loaded through a hand-made require(). */
export const __record = record;

// ---- the test's remote control ----------------------------------------------------------------

const fakeSenders = new Map();
function senderFor(id, url) {
  if (!fakeSenders.has(id)) fakeSenders.set(id, Object.assign(new WebContents(), { id: `fake-${id}` }));
  const sender = fakeSenders.get(id);
  return { sender, senderFrame: { url, parent: null } };
}

function menuLabels(template) {
  return template.map((item) => (item.type === 'separator' ? '---' : item.label));
}

function snapshot() {
  return {
    paths: record.paths,
    singleInstanceLock: record.singleInstanceLock,
    windows: record.windows.map((w) => ({ options: w.options, url: w.url, shown: w.shown, hardened: { windowOpenHandler: typeof w.webContents.windowOpenHandler === 'function', listeners: w.webContents.eventNames() } })),
    trayImages: record.trayImages,
    trayToolTips: record.trayToolTips,
    trayMenus: record.trayMenus.map(menuLabels),
    privilegedSchemes: record.privilegedSchemes,
    protocolSchemes: Object.keys(record.protocolHandlers),
    ipcHandle: Object.keys(record.ipcHandle),
    ipcOn: Object.keys(record.ipcOn),
    permissionRequestHandler: Boolean(record.permissionRequestHandler),
    permissionCheck: record.permissionCheckHandler ? record.permissionCheckHandler(null, 'clipboard-read', 'app://burrow', {}) : undefined,
    notifications: record.notifications,
    errorBoxes: record.errorBoxes,
  };
}

async function perform(message) {
  switch (message.op) {
    case 'state':
      return snapshot();
    case 'invoke': {
      const handler = record.ipcHandle[message.channel];
      if (!handler) throw new Error(`no ipcMain handler for ${message.channel}`);
      return await handler(senderFor(message.sender ?? 0, message.url ?? 'app://burrow/index.html'), ...message.args);
    }
    case 'send': {
      const event = senderFor(message.sender ?? 0, message.url ?? 'app://burrow/index.html');
      for (const fn of record.ipcOn[message.channel] ?? []) fn(event, ...(message.args ?? []));
      return (record.ipcOn[message.channel] ?? []).length;
    }
    case 'received': {
      const sender = fakeSenders.get(message.sender ?? 0);
      return sender ? sender.sent.map((s) => s.args[0]) : [];
    }
    case 'fetch': {
      const handler = record.protocolHandlers[message.scheme ?? 'app'];
      const response = await handler(new Request(message.url));
      const body = await response.text();
      return { status: response.status, headers: Object.fromEntries(response.headers), body: body.slice(0, 2000) };
    }
    case 'click': {
      const menu = record.trayMenus.at(-1) ?? [];
      const item = menu.find((i) => i.label === message.label);
      if (!item?.click) throw new Error(`no tray item "${message.label}" (menu: ${menuLabels(menu).join(' | ')})`);
      item.click();
      return true;
    }
    case 'click-notification': {
      globalThis.gc?.();
      const notice = shownNotices.at(-1)?.deref();
      if (!notice) throw new Error('the last notification was garbage-collected: nobody held it');
      notice.emit('click');
      return true;
    }
    case 'close-windows':
      for (const w of record.windows) if (!w.isDestroyed()) w.close();
      return true;
    default:
      throw new Error(`unknown op ${message.op}`);
  }
}

if (process.send && process.env.ELECTRON_DOUBLE_CONTROL === "1") {
  process.on('message', (message) => {
    perform(message).then(
      (result) => process.send({ id: message.id, ok: true, result }),
      (error) => process.send({ id: message.id, ok: false, error: String(error?.stack ?? error) }),
    );
  });
  // The IPC channel must not keep a quitting shell alive.
  process.channel?.unref();
}

export default { app, BrowserWindow, Tray, Menu, nativeImage, ipcMain, protocol, session, safeStorage, Notification, shell, dialog, screen, nativeTheme, contextBridge, ipcRenderer };
