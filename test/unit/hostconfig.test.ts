import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { McpHostId } from '../../shared/api.js';
import { applyPlan, listMcpHosts, planInstall, planInstallMany, planUninstall, type HostConfigContext } from '../../electron/core/hostconfig/host-configs.js';
import { hostTarget } from '../../electron/core/hostconfig/host-targets.js';
import { unifiedDiff } from '../../electron/core/hostconfig/config-diff.js';

const launcher = { command: '/opt/node/bin/node', args: ['/repo/bin/burrow.js'] };

function ctxFor(platform: NodeJS.Platform, env: (home: string) => NodeJS.ProcessEnv = () => ({})): HostConfigContext {
  const home = mkdtempSync(join(tmpdir(), `burrow-hc-${platform}-`));
  return { home, platform, env: env(home), launcher };
}

function put(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

const FOREIGN = { command: 'npx', args: ['-y', '@modelcontextprotocol/server-filesystem', '/home/me'] };

describe('config paths follow each OS', () => {
  it('Linux: ~/.config (or $XDG_CONFIG_HOME), ~/.cursor, ~/.claude.json', () => {
    const ctx = ctxFor('linux');
    expect(hostTarget('claude-desktop', ctx).configPath).toBe(join(ctx.home, '.config/Claude/claude_desktop_config.json'));
    expect(hostTarget('vscode', ctx).configPath).toBe(join(ctx.home, '.config/Code/User/mcp.json'));
    expect(hostTarget('cursor', ctx).configPath).toBe(join(ctx.home, '.cursor/mcp.json'));
    expect(hostTarget('claude-code', ctx).configPath).toBe(join(ctx.home, '.claude.json'));
    const xdg = ctxFor('linux', (home) => ({ XDG_CONFIG_HOME: join(home, 'xdg') }));
    expect(hostTarget('claude-desktop', xdg).configPath).toBe(join(xdg.home, 'xdg/Claude/claude_desktop_config.json'));
    // Set but empty (or relative, which the XDG spec says to ignore): the standard folder.
    const empty = ctxFor('linux', () => ({ XDG_CONFIG_HOME: '' }));
    expect(hostTarget('claude-desktop', empty).configPath).toBe(join(empty.home, '.config/Claude/claude_desktop_config.json'));
  });

  it('macOS: ~/Library/Application Support', () => {
    const ctx = ctxFor('darwin');
    expect(hostTarget('claude-desktop', ctx).configPath).toBe(join(ctx.home, 'Library/Application Support/Claude/claude_desktop_config.json'));
    expect(hostTarget('vscode', ctx).configPath).toBe(join(ctx.home, 'Library/Application Support/Code/User/mcp.json'));
  });

  it('Windows: %APPDATA%, or the Store build under %LOCALAPPDATA%\\Packages\\Claude_*', () => {
    const ctx = ctxFor('win32', (home) => ({ APPDATA: join(home, 'AppData/Roaming'), LOCALAPPDATA: join(home, 'AppData/Local') }));
    expect(hostTarget('claude-desktop', ctx).configPath).toBe(join(ctx.home, 'AppData/Roaming/Claude/claude_desktop_config.json'));
    expect(hostTarget('vscode', ctx).configPath).toBe(join(ctx.home, 'AppData/Roaming/Code/User/mcp.json'));
    mkdirSync(join(ctx.home, 'AppData/Local/Packages/Claude_pzs8sxrjxfjjc/LocalCache/Roaming/Claude'), { recursive: true });
    mkdirSync(join(ctx.home, 'AppData/Local/Packages/Microsoft.Other_123'), { recursive: true });
    const store = hostTarget('claude-desktop', ctx).configPath;
    expect(store).toBe(join(ctx.home, 'AppData/Local/Packages/Claude_pzs8sxrjxfjjc/LocalCache/Roaming/Claude/claude_desktop_config.json'));
    // And the writer really writes there.
    applyPlan(planInstall(ctx, 'claude-desktop', 'prod'));
    expect(JSON.parse(readFileSync(store, 'utf8')).mcpServers.prod.args).toEqual(['/repo/bin/burrow.js', 'connect', '--remote', 'prod']);
    expect(existsSync(join(ctx.home, 'AppData/Roaming/Claude/claude_desktop_config.json'))).toBe(false);
  });
});

describe.each(['linux', 'darwin', 'win32'] as const)('install into Claude Desktop on %s', (platform) => {
  const make = () => ctxFor(platform, (home) => (platform === 'win32' ? { APPDATA: join(home, 'Roaming'), LOCALAPPDATA: join(home, 'Local') } : {}));

  it('merges: keeps every other key and server, backs the old file up, writes atomically', () => {
    const ctx = make();
    const path = hostTarget('claude-desktop', ctx).configPath;
    const original = `${JSON.stringify({ globalShortcut: 'Ctrl+Space', mcpServers: { files: FOREIGN }, preferences: { theme: 'dark' } }, null, 4)}\n`;
    put(path, original);
    chmodSync(path, 0o640);
    const inodeBefore = statSync(path).ino;

    const plan = planInstall(ctx, 'claude-desktop', 'prod');
    expect(plan.changed).toBe(true);
    expect(readFileSync(path, 'utf8')).toBe(original); // planning writes nothing
    const done = applyPlan(plan);

    const after = JSON.parse(readFileSync(path, 'utf8'));
    expect(after.globalShortcut).toBe('Ctrl+Space');
    expect(after.preferences).toEqual({ theme: 'dark' });
    expect(after.mcpServers.files).toEqual(FOREIGN);
    expect(after.mcpServers.prod).toEqual({ command: launcher.command, args: [...launcher.args, 'connect', '--remote', 'prod'] });
    expect(Object.keys(after)).toEqual(['globalShortcut', 'mcpServers', 'preferences']);
    expect(readFileSync(path, 'utf8')).toMatch(/^{\n {4}"globalShortcut"/); // the file's own indent
    expect(done.backupPath).toBeDefined();
    expect(readFileSync(done.backupPath!, 'utf8')).toBe(original);
    // Replaced by rename (a new inode), mode kept, no temp file left behind.
    expect(statSync(path).ino).not.toBe(inodeBefore);
    expect(statSync(path).mode & 0o777).toBe(0o640);
    expect(readdirSync(dirname(path)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('refuses a file that does not parse, and leaves it as it was', () => {
    const ctx = make();
    const path = hostTarget('claude-desktop', ctx).configPath;
    const broken = '{ "mcpServers": { "files": { "command": "npx", } }\n';
    put(path, broken);
    const mtime = statSync(path).mtimeMs;
    let message = '';
    try {
      planInstall(ctx, 'claude-desktop', 'prod');
    } catch (error) {
      message = (error as Error).message;
    }
    // Claude Desktop reads strict JSON: the trailing comma is named where it stands, line:column.
    expect(message).toContain(`${path}:1:46: a trailing comma, but Claude Desktop reads strict JSON`);
    expect(message).not.toContain('\n');
    expect(readFileSync(path, 'utf8')).toBe(broken);
    expect(statSync(path).mtimeMs).toBe(mtime);
    expect(readdirSync(dirname(path))).toEqual(['claude_desktop_config.json']);
    expect(listMcpHosts(ctx, ['prod']).find((h) => h.id === 'claude-desktop')!.problem).toContain(`${path}:1:46: a trailing comma`);
  });
});

describe('install and uninstall rules', () => {
  it('creates a missing file (no backup) and is idempotent', () => {
    const ctx = ctxFor('linux');
    const first = applyPlan(planInstallMany(ctx, 'cursor', ['prod', 'staging']));
    expect(first.backupPath).toBeUndefined();
    expect(first.before).toBe('');
    const path = hostTarget('cursor', ctx).configPath;
    expect(Object.keys(JSON.parse(readFileSync(path, 'utf8')).mcpServers)).toEqual(['prod', 'staging']);
    const again = planInstall(ctx, 'cursor', 'prod');
    expect(again.changed).toBe(false);
    expect(again.after).toBe(again.before);
    expect(applyPlan(again).backupPath).toBeUndefined();
    expect(readdirSync(dirname(path))).toEqual(['mcp.json']);
  });

  it('refuses to take over a server of the same name that Burrow did not write', () => {
    const ctx = ctxFor('linux');
    const path = hostTarget('claude-desktop', ctx).configPath;
    const text = JSON.stringify({ mcpServers: { prod: FOREIGN } });
    put(path, text);
    expect(() => planInstall(ctx, 'claude-desktop', 'prod')).toThrow(/already has a server named "prod" that Burrow did not write/);
    expect(readFileSync(path, 'utf8')).toBe(text);
  });

  it('refreshes its own entry when the launcher moved, under the key a person chose', () => {
    const ctx = ctxFor('linux');
    const path = hostTarget('claude-desktop', ctx).configPath;
    put(path, JSON.stringify({ mcpServers: { 'Production box': { command: '/old/node', args: ['/old/repo/bin/burrow.js', 'connect', '--remote', 'prod'] } } }));
    applyPlan(planInstall(ctx, 'claude-desktop', 'prod'));
    const servers = JSON.parse(readFileSync(path, 'utf8')).mcpServers;
    expect(Object.keys(servers)).toEqual(['Production box']);
    expect(servers['Production box'].command).toBe(launcher.command);
  });

  it('refuses to write when the file changed after the diff was shown', () => {
    const ctx = ctxFor('linux');
    const path = hostTarget('cursor', ctx).configPath;
    put(path, '{}');
    const plan = planInstall(ctx, 'cursor', 'prod');
    put(path, '{"mcpServers":{"new":{"command":"x"}}}');
    expect(() => applyPlan(plan)).toThrow(/changed since Burrow read it/);
    expect(readFileSync(path, 'utf8')).toBe('{"mcpServers":{"new":{"command":"x"}}}');
  });

  it('writes through a symlinked config instead of replacing the link', () => {
    const ctx = ctxFor('linux');
    const real = join(ctx.home, 'dotfiles', 'mcp.json');
    put(real, '{}\n');
    mkdirSync(join(ctx.home, '.cursor'));
    symlinkSync(real, join(ctx.home, '.cursor', 'mcp.json'));
    applyPlan(planInstall(ctx, 'cursor', 'prod'));
    expect(statSync(join(ctx.home, '.cursor', 'mcp.json')).isFile()).toBe(true);
    expect(JSON.parse(readFileSync(real, 'utf8')).mcpServers.prod).toBeDefined();
  });

  it('uninstall removes only Burrow entries (one remote, then all)', () => {
    const ctx = ctxFor('linux');
    const path = hostTarget('claude-desktop', ctx).configPath;
    put(path, JSON.stringify({ mcpServers: { files: FOREIGN, 'looks-similar': { command: 'node', args: ['server.js', 'connect', '--remote', 'x'] } }, other: 1 }));
    applyPlan(planInstallMany(ctx, 'claude-desktop', ['prod', 'staging']));

    const one = applyPlan(planUninstall(ctx, 'claude-desktop', 'prod'));
    expect(one.backupPath).toBeDefined();
    let config = JSON.parse(readFileSync(path, 'utf8'));
    expect(Object.keys(config.mcpServers)).toEqual(['files', 'looks-similar', 'staging']);

    applyPlan(planUninstall(ctx, 'claude-desktop'));
    config = JSON.parse(readFileSync(path, 'utf8'));
    expect(config).toEqual({ mcpServers: { files: FOREIGN, 'looks-similar': { command: 'node', args: ['server.js', 'connect', '--remote', 'x'] } }, other: 1 });
    expect(planUninstall(ctx, 'claude-desktop').changed).toBe(false);
  });

  it.each<[McpHostId, string, string]>([
    ['vscode', '.config/Code/User/mcp.json', 'servers'],
    ['claude-code', '.claude.json', 'mcpServers'],
  ])('%s: typed stdio entries under "%s"', (host, rel, key) => {
    const ctx = { ...ctxFor('linux'), launcher: { ...launcher, env: { BURROW_HOME: '/data/burrow' } } };
    const path = join(ctx.home, rel);
    const other = { numStartups: 42, projects: { '/src/app': { allowedTools: [] } }, [key]: { files: FOREIGN }, inputs: [] };
    put(path, JSON.stringify(other, null, 2));
    applyPlan(planInstall(ctx, host, 'prod'));
    const config = JSON.parse(readFileSync(path, 'utf8'));
    expect(config[key].prod).toEqual({ type: 'stdio', command: launcher.command, args: [...launcher.args, 'connect', '--remote', 'prod'], env: { BURROW_HOME: '/data/burrow' } });
    expect(config[key].files).toEqual(FOREIGN);
    expect(config.projects).toEqual(other.projects);
    expect(config.numStartups).toBe(42);
    const listed = listMcpHosts(ctx, ['prod']).find((h) => h.id === host)!;
    expect(listed).toMatchObject({ detected: true, installed: ['prod'] });
    expect(listed.problem).toBeUndefined();
  });

  it('a servers key that is not an object is refused', () => {
    const ctx = ctxFor('linux');
    const path = hostTarget('cursor', ctx).configPath;
    put(path, '{"mcpServers": []}');
    expect(() => planInstall(ctx, 'cursor', 'prod')).toThrow(/mcp\.json:1:16: "mcpServers" is not an object/);
  });

  it('lists hosts: detected by their folder, not by Burrow', () => {
    const ctx = ctxFor('linux');
    mkdirSync(join(ctx.home, '.cursor'));
    const hosts = listMcpHosts(ctx, []);
    expect(hosts.map((h) => [h.id, h.detected])).toEqual([
      ['claude-desktop', false],
      ['cursor', true],
      ['vscode', false],
      ['claude-code', false],
    ]);
  });
});

describe('unifiedDiff', () => {
  it('shows what an install adds, with context', () => {
    const before = '{\n  "a": 1,\n  "b": 2\n}\n';
    const after = '{\n  "a": 1,\n  "b": 2,\n  "c": 3\n}\n';
    expect(unifiedDiff(before, after, 'f.json')).toBe(['--- f.json', '+++ f.json', '@@ -1,4 +1,5 @@', ' {', '   "a": 1,', '-  "b": 2', '+  "b": 2,', '+  "c": 3', ' }', ''].join('\n'));
    expect(unifiedDiff(before, before, 'f.json')).toBe('');
    expect(unifiedDiff('', '{}\n', 'f.json')).toBe('--- /dev/null\n+++ f.json\n@@ -0,0 +1,1 @@\n+{}\n');
  });
});
