import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RemoteStatus } from '../../shared/api.js';
import { appPageUrl, resolveAppAsset } from '../../electron/shell/app-assets.js';
import { isLinuxAutostartEnabled, linuxAutostartEntry, linuxAutostartPath, quoteExecArg, setLinuxAutostart } from '../../electron/shell/autostart.js';
import { contentSecurityPolicy } from '../../shared/content-security-policy.js';
import { approvalNotice, hostKeyAlertNotice } from '../../electron/shell/notifications.js';
import { SecretVault, type SecretCipher } from '../../electron/shell/secret-vault.js';
import { externalLink, isTrustedSender } from '../../electron/shell/sender-check.js';
import { buildTrayMenu, trayIconState, trayToolTip, type TrayItem } from '../../electron/shell/tray-menu.js';

const remote = (name: string, state: RemoteStatus['state'], sessions = 0, detail?: string): RemoteStatus => ({ name, state, sessions, detail });
const labels = (items: TrayItem[]) => items.map((i) => (i.type === 'separator' ? '---' : i.label));

describe('tray menu', () => {
  it('lists each remote with its live state, then Open, Inspector, Pause, Start at Login, Quit', () => {
    const model = {
      remotes: [remote('prod', 'connected', 2), remote('staging', 'idle'), remote('lab', 'waiting-approval'), remote('old', 'error', 0, 'Connection refused'), remote('new', 'disconnected')],
      paused: false,
      startAtLogin: true,
    };
    const items = buildTrayMenu(model);
    expect(labels(items)).toEqual([
      '●  prod — connected (2 sessions)',
      '○  staging — idle',
      '!  lab — waiting for approval',
      '×  old — error',
      '○  new — idle',
      '---',
      'Open Burrow',
      'Inspector',
      '---',
      'Pause',
      'Start at Login',
      '---',
      'Quit Burrow',
    ]);
    const byLabel = (start: string) => items.find((i) => i.type !== 'separator' && i.label.includes(start));
    // A waiting host key is answered in the main window; a remote's item opens its inspector.
    expect(byLabel('lab')).toMatchObject({ action: { kind: 'open' } });
    expect(byLabel('prod')).toMatchObject({ action: { kind: 'inspector', remote: 'prod' } });
    expect(byLabel('old')).toMatchObject({ toolTip: 'Connection refused' });
    expect(byLabel('Start at Login')).toMatchObject({ type: 'checkbox', checked: true, action: { kind: 'start-at-login', enabled: false } });
    expect(trayIconState(model)).toBe('attention');
    expect(trayToolTip(model)).toBe('Burrow — 1 waiting for approval');
  });

  it('paused: says so, offers Resume, dims the icon', () => {
    const model = { remotes: [remote('prod', 'idle')], paused: true, startAtLogin: false };
    const items = buildTrayMenu(model);
    expect(labels(items)[0]).toBe('Paused: new connections are refused');
    expect(labels(items)).toContain('Resume');
    expect(labels(items)).not.toContain('Pause');
    expect(trayIconState(model)).toBe('paused');
    expect(trayToolTip(model)).toBe('Burrow — paused');
  });

  it('no remotes: points at the demo the window offers', () => {
    const model = { remotes: [], paused: false, startAtLogin: false };
    expect(buildTrayMenu(model)[0]).toMatchObject({ label: 'No remotes yet — open Burrow to try the demo', action: { kind: 'open' } });
    expect(trayIconState(model)).toBe('normal');
    expect(trayToolTip({ ...model, remotes: [remote('a', 'connected', 1), remote('b', 'idle')] })).toBe('Burrow — 1 of 2 connected');
  });
});

describe('IPC sender check', () => {
  it("trusts only the top frame of Burrow's own pages", () => {
    expect(isTrustedSender({ url: 'app://burrow/index.html#view=inspector', parent: null })).toBe(true);
    expect(isTrustedSender({ url: 'app://burrow/index.html', parent: {} })).toBe(false); // an iframe
    for (const url of ['file:///work/main/dist/renderer/index.html', 'http://127.0.0.1:5173/', 'https://burrow/', 'app://evil/index.html', 'app://burrow.evil.com/', 'app://user:pw@burrow/', 'app://burrow:8080/', 'about:blank', 'devtools://devtools/', 'not a url', '']) {
      expect(isTrustedSender({ url, parent: null }), url).toBe(false);
    }
    expect(isTrustedSender(null)).toBe(false);
    expect(isTrustedSender(undefined)).toBe(false);
  });

  it('only https links leave for the browser', () => {
    expect(externalLink('https://modelcontextprotocol.io/docs')).toBe('https://modelcontextprotocol.io/docs');
    expect(externalLink('http://example.com/')).toBeUndefined();
    expect(externalLink('file:///etc/passwd')).toBeUndefined();
    expect(externalLink('javascript:alert(1)')).toBeUndefined();
  });
});

describe('app:// assets', () => {
  const root = '/opt/burrow/dist/renderer';
  it('maps requests inside the built renderer and nothing outside it', () => {
    expect(resolveAppAsset(root, 'app://burrow/')).toEqual({ path: `${root}/index.html`, mimeType: 'text/html; charset=utf-8' });
    expect(resolveAppAsset(root, 'app://burrow/assets/index-abc.js?x=1')).toEqual({ path: `${root}/assets/index-abc.js`, mimeType: 'text/javascript; charset=utf-8' });
    // The URL parser folds dot segments itself: this stays inside the root.
    // The URL parser resolves the dots inside the root; a file of no UI type is not served at all.
    expect(resolveAppAsset(root, 'app://burrow/%2e%2e/%2e%2e/etc/passwd')).toBeUndefined();
    expect(resolveAppAsset(root, 'app://burrow/..%2f..%2fsecrets.json')).toBeUndefined();
    expect(resolveAppAsset(root, 'app://burrow/a%00.js')).toBeUndefined();
    expect(resolveAppAsset(root, 'app://other/index.html')).toBeUndefined();
    expect(resolveAppAsset(root, 'app://burrow/%E0%A4%A')).toBeUndefined();
  });

  it("builds the windows' addresses the renderer reads (#view=…)", () => {
    expect(appPageUrl()).toBe('app://burrow/index.html');
    expect(appPageUrl('inspector', 'prod')).toBe('app://burrow/index.html#view=inspector&remote=prod');
  });
});

describe('CSP', () => {
  it('allows only our own scripts and styles: no inline script, no eval, no frames, no other origins', () => {
    const directives = Object.fromEntries(contentSecurityPolicy().split('; ').map((d) => [d.split(' ')[0], d.split(' ').slice(1).join(' ')]));
    expect(directives['default-src']).toBe("'none'");
    expect(directives['script-src']).toBe("'self'");
    expect(directives['style-src']).toBe("'self'");
    expect(directives['connect-src']).toBe("'self'");
    expect(directives['frame-ancestors']).toBe("'none'");
    expect(directives['object-src']).toBe("'none'");
    expect(contentSecurityPolicy()).not.toMatch(/unsafe|\*|http:|https:/);
  });
});

describe('Linux start at login', () => {
  it('writes ~/.config/autostart/burrow.desktop (or under $XDG_CONFIG_HOME), and removes it', () => {
    const home = mkdtempSync(join(tmpdir(), 'burrow-autostart-'));
    const command = ['/home/me/Apps/Burrow 0.1.0.AppImage'];
    const path = setLinuxAutostart(true, { home, env: {}, command });
    expect(path).toBe(join(home, '.config', 'autostart', 'burrow.desktop'));
    const text = readFileSync(path, 'utf8');
    expect(text).toMatch(/^\[Desktop Entry\]\nType=Application\n/);
    expect(text).toContain('Exec="/home/me/Apps/Burrow 0.1.0.AppImage" --autostart\n');
    expect(text).toContain('X-GNOME-Autostart-enabled=true');
    expect(isLinuxAutostartEnabled(home, {})).toBe(true);
    writeFileSync(path, `${text}Hidden=true\n`); // switched off in the desktop's settings
    expect(isLinuxAutostartEnabled(home, {})).toBe(false);
    setLinuxAutostart(false, { home, env: {}, command });
    expect(existsSync(path)).toBe(false);
    expect(linuxAutostartPath(home, { XDG_CONFIG_HOME: '/x/cfg' })).toBe('/x/cfg/autostart/burrow.desktop');
    expect(linuxAutostartPath(home, { XDG_CONFIG_HOME: 'cfg' })).toBe(join(home, '.config', 'autostart', 'burrow.desktop'));
  });

  it('quotes Exec arguments as the Desktop Entry spec asks', () => {
    expect(quoteExecArg('/usr/bin/burrow')).toBe('/usr/bin/burrow');
    expect(quoteExecArg('/opt/My App/burrow')).toBe('"/opt/My App/burrow"');
    expect(quoteExecArg('100%')).toBe('100%%');
    expect(quoteExecArg('a"b$c')).toBe('"a\\\\"b\\\\$c"');
    expect(quoteExecArg('C:\\x')).toBe('"C:\\\\\\\\x"');
    expect(linuxAutostartEntry(['/usr/bin/electron', '/src/burrow'])).toContain('Exec=/usr/bin/electron /src/burrow --autostart\n');
  });
});

describe('notifications', () => {
  it('a waiting host key says which host, which key, and what to do', () => {
    const text = approvalNotice({ id: '1', kind: 'host-key', host: '10.0.0.5', port: 2222, keyType: 'ssh-ed25519', fingerprint: 'SHA256:abc', source: 'ssh', remote: 'prod', requestedAt: '' });
    expect(text.title).toBe('New host key for prod');
    expect(text.body).toBe('prod (10.0.0.5:2222) offers ssh-ed25519 SHA256:abc from the SSH handshake. Open Burrow to approve or reject it.');
  });

  it('a changed key is an alarm that offers nothing to accept', () => {
    const text = hostKeyAlertNotice({ id: '1', host: 'h', port: 22, remote: 'prod', offeredType: 'ssh-ed25519', offeredFingerprint: 'SHA256:new', expectedFingerprint: 'SHA256:old', knownAt: '/home/me/.ssh/known_hosts:3', source: 'ssh', time: '' });
    expect(text.title).toBe('Host key CHANGED for prod — connection refused');
    expect(text.body).toContain('SHA256:new');
    expect(text.body).toContain('/home/me/.ssh/known_hosts:3');
    expect(text.body).not.toMatch(/approve|accept/i);
  });
});

describe('secret vault (safeStorage)', () => {
  // Stands in for Electron's safeStorage, which exists only inside Electron: a real cipher, and a backend name.
  const cipher = (backend: string, available = true): SecretCipher => {
    const key = randomBytes(32);
    return {
      isEncryptionAvailable: () => available,
      getSelectedStorageBackend: () => backend,
      encryptString: (plain) => {
        const iv = randomBytes(12);
        const c = createCipheriv('aes-256-gcm', key, iv);
        const body = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
        return Buffer.concat([iv, c.getAuthTag(), body]);
      },
      decryptString: (sealed) => {
        const d = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, 12));
        d.setAuthTag(sealed.subarray(12, 28));
        return Buffer.concat([d.update(sealed.subarray(28)), d.final()]).toString('utf8');
      },
    };
  };

  it('refuses basic_text on Linux, and writes nothing', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'burrow-vault-')), 'secrets.json');
    const vault = new SecretVault(file, cipher('basic_text'), 'linux');
    expect(vault.problem()).toMatch(/no keyring is running/);
    expect(() => vault.set('prod', 'hunter2')).toThrow(/Burrow did not save the secret: no keyring is running/);
    expect(existsSync(file)).toBe(false);
    expect(new SecretVault(file, cipher('gnome_libsecret', false), 'linux').problem()).toMatch(/keychain is not available/);
  });

  it('keeps secrets encrypted, in a private file', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'burrow-vault-')), 'secrets.json');
    const vault = new SecretVault(file, cipher('gnome_libsecret'), 'linux');
    expect(vault.problem()).toBeUndefined();
    vault.set('prod', 'hunter2');
    expect(readFileSync(file, 'utf8')).not.toContain('hunter2');
    expect(vault.get('prod')).toBe('hunter2');
    vault.delete('prod');
    expect(vault.get('prod')).toBeUndefined();
    expect(new SecretVault(file, cipher('basic_text'), 'darwin').problem()).toBeUndefined(); // the backend matters on Linux only
  });
});
