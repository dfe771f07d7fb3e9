import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parse } from 'jsonc-parser';
import { describe, expect, it } from 'vitest';
import type { McpHostId } from '../../shared/api.js';
import { applyPlan, findHostEntries, listMcpHosts, planInstall, planInstallMany, planUninstall, removeHostEntries, renameHostEntries, type HostConfigContext } from '../../electron/core/hostconfig/host-configs.js';
import { hostTarget } from '../../electron/core/hostconfig/host-targets.js';
import { unifiedDiff } from '../../electron/core/hostconfig/config-diff.js';

const launcher = { command: '/opt/node/bin/node', args: ['/repo/bin/burrow.js'] };

function ctxFor(): HostConfigContext {
  const home = mkdtempSync(join(tmpdir(), 'burrow-hcj-'));
  return { home, platform: 'linux', env: {}, launcher };
}

function put(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

/** The lines a diff removes and adds (without the file headers). */
function changes(before: string, after: string): { removed: string[]; added: string[] } {
  const lines = unifiedDiff(before, after, 'f').split('\n').slice(2);
  return { removed: lines.filter((l) => l.startsWith('-')).map((l) => l.slice(1)), added: lines.filter((l) => l.startsWith('+')).map((l) => l.slice(1)) };
}

// Config files as people keep them: comments, trailing commas, their own indentation and order.
const VSCODE = `{
	// Servers for every workspace. See https://code.visualstudio.com/docs/copilot/chat/mcp-servers
	"servers": {
		/* the GitHub one needs a token */
		"github": {
			"type": "http",
			"url": "https://api.githubcopilot.com/mcp/",
		},
		"files": {
			"type": "stdio",
			"command": "npx",
			"args": ["-y", "@modelcontextprotocol/server-filesystem", "\${workspaceFolder}"], // this workspace only
		},
	},
	"inputs": [
		{ "type": "promptString", "id": "token", "description": "GitHub token", "password": true },
	],
}
`;

const CURSOR = `{
    "mcpServers": {
        // Playwright for the browser tests
        "playwright": {
            "command": "npx",
            "args": ["@playwright/mcp@latest"],
        },
    },
}
`;

const CLAUDE_CODE = `{
  "numStartups": 42,
  "theme": "dark", // set by /config
  "projects": {
    "/src/app": { "allowedTools": [], "mcpServers": {} },
  },
  "mcpServers": {
    "sentry": { "type": "http", "url": "https://mcp.sentry.dev/mcp" },
  },
  "userID": "abc123",
}
`;

describe.each<[McpHostId, string, string]>([
  ['vscode', '.config/Code/User/mcp.json', VSCODE],
  ['cursor', '.cursor/mcp.json', CURSOR],
  ['claude-code', '.claude.json', CLAUDE_CODE],
])('%s: a file with comments and trailing commas', (host, rel, original) => {
  it('install adds only Burrow entry lines; uninstall gives the file back byte for byte', () => {
    const ctx = ctxFor();
    const path = join(ctx.home, rel);
    put(path, original);
    const target = hostTarget(host, ctx);

    const plan = planInstall(ctx, host, 'prod');
    expect(plan.changed).toBe(true);
    const { removed, added } = changes(original, plan.after);
    expect(removed).toEqual([]);
    // The added lines are exactly Burrow's entry (ending in the trailing comma the file uses).
    const added1 = added.join('\n').trim().replace(/,$/, '');
    expect(JSON.parse(`{${added1}}`)).toEqual({
      prod: { ...(target.typed ? { type: 'stdio' } : {}), command: launcher.command, args: [...launcher.args, 'connect', '--remote', 'prod'] },
    });
    // In the file's own indentation: the entry's key is one level deeper than the servers key.
    const serversIndent = new RegExp(`^([ \\t]*)"${target.serversKey}"`, 'm').exec(original)![1];
    const unit = /\n([ \t]+)/.exec(original)![1];
    expect(added[0]).toBe(`${serversIndent}${unit}"prod": {`);
    applyPlan(plan);
    const written = readFileSync(path, 'utf8');
    expect(written).toBe(plan.after);
    expect(written).toContain('//'); // comments are still there

    const listed = listMcpHosts(ctx, ['prod']).find((h) => h.id === host)!;
    expect(listed).toMatchObject({ installed: ['prod'], orphaned: [] });
    expect(listed.problem).toBeUndefined();

    // Installing again: nothing to write.
    expect(planInstall(ctx, host, 'prod').changed).toBe(false);

    applyPlan(planUninstall(ctx, host, 'prod'));
    expect(readFileSync(path, 'utf8')).toBe(original);
  });

  it('a broken file is refused with path:line:column, even for a dry run', () => {
    const ctx = ctxFor();
    const path = join(ctx.home, rel);
    // The first key from line 3 on loses its colon.
    const lines = original.split('\n');
    const n = lines.findIndex((l, i) => i >= 2 && /"[^"]+"\s*:/.test(l));
    lines[n] = lines[n].replace(/("[^"]+")\s*:/, '$1');
    const column = lines[n].indexOf('"', lines[n].indexOf('"') + 1) + 3; // the value, after the key's closing quote and a space
    const broken = lines.join('\n');
    put(path, broken);
    expect(() => planInstall(ctx, host, 'prod')).toThrow(`${path}:${n + 1}:${column}: not valid JSON (with comments): expected ":"; fix it`);
    expect(readFileSync(path, 'utf8')).toBe(broken);
  });
});

describe('Claude Desktop stays strict JSON', () => {
  const original = `{
  "globalShortcut": "Ctrl+Space",
  "mcpServers": {
    "files": {
      "command": "npx",
      "args": ["-y", "@modelcontextprotocol/server-filesystem", "/home/me"]
    }
  }
}
`;

  it('install adds Burrow entry lines and one comma; uninstall gives the file back', () => {
    const ctx = ctxFor();
    const path = hostTarget('claude-desktop', ctx).configPath;
    put(path, original);
    const plan = applyPlan(planInstall(ctx, 'claude-desktop', 'prod'));
    JSON.parse(plan.after); // strict JSON
    // JSON has no trailing commas: the entry before Burrow's gains one, nothing else changes.
    const entry = ['    "prod": {', '      "command": "/opt/node/bin/node",', '      "args": [', '        "/repo/bin/burrow.js",', '        "connect",', '        "--remote",', '        "prod"', '      ]', '    }'];
    expect(plan.after).toBe(original.replace('"/home/me"]\n    }\n', `"/home/me"]\n    },\n${entry.join('\n')}\n`));
    expect(changes(original, plan.after).removed).toEqual([]);
    applyPlan(planUninstall(ctx, 'claude-desktop', 'prod'));
    expect(readFileSync(path, 'utf8')).toBe(original);
  });

  it('a comment in it is refused at its line:column (Claude Desktop could not read it either)', () => {
    const ctx = ctxFor();
    const path = hostTarget('claude-desktop', ctx).configPath;
    const text = original.replace('"mcpServers": {', '"mcpServers": { // mine');
    put(path, text);
    expect(() => planInstall(ctx, 'claude-desktop', 'prod')).toThrow(`${path}:3:19: a comment, but Claude Desktop reads strict JSON (no comments)`);
  });

  it('a broken file names line and column, not an offset', () => {
    const ctx = ctxFor();
    const path = hostTarget('claude-desktop', ctx).configPath;
    const lines = original.split('\n');
    lines[4] = '      "command" "npx",';
    put(path, lines.join('\n'));
    expect(() => planInstall(ctx, 'claude-desktop', 'prod')).toThrow(`${path}:5:17: not valid JSON: expected ":"; fix it (or move the file away), then run this again (Burrow changed nothing)`);
  });

  it('keeps tabs, CRLF line ends and a byte-order mark', () => {
    const ctx = ctxFor();
    const path = hostTarget('claude-desktop', ctx).configPath;
    const text = `\uFEFF{\r\n\t"mcpServers": {\r\n\t\t"files": {\r\n\t\t\t"command": "npx"\r\n\t\t}\r\n\t}\r\n}\r\n`;
    put(path, text);
    const plan = planInstall(ctx, 'claude-desktop', 'prod');
    expect(plan.after.startsWith('\uFEFF{\r\n\t"mcpServers": {\r\n\t\t"files": {\r\n\t\t\t"command": "npx"\r\n\t\t},\r\n\t\t"prod": {\r\n\t\t\t"command": ')).toBe(true);
    expect(plan.after.replace(/\r\n/g, '')).not.toContain('\n');
    applyPlan(plan);
    applyPlan(planUninstall(ctx, 'claude-desktop'));
    expect(readFileSync(path, 'utf8')).toBe(text);
  });
});

describe('install under another entry name (--as)', () => {
  const FOREIGN = { command: 'npx', args: ['-y', 'prod-tools'] };

  it('a name taken by a server Burrow did not write: the error names --as, and --as installs beside it', () => {
    const ctx = ctxFor();
    const path = hostTarget('cursor', ctx).configPath;
    put(path, `${JSON.stringify({ mcpServers: { prod: FOREIGN } }, null, 2)}\n`);
    expect(() => planInstall(ctx, 'cursor', 'prod')).toThrow(
      `${path} already has a server named "prod" that Burrow did not write; install under another name with --as NAME (e.g. --as prod-burrow), or rename that one (Burrow changed nothing)`,
    );
    applyPlan(planInstall(ctx, 'cursor', 'prod', { entryName: 'prod-ssh' }));
    const servers = parse(readFileSync(path, 'utf8')).mcpServers;
    expect(servers.prod).toEqual(FOREIGN);
    expect(servers['prod-ssh'].args).toEqual([...launcher.args, 'connect', '--remote', 'prod']);
    // It is found as prod's entry, refreshed in place, and uninstalled by the remote's name.
    expect(listMcpHosts(ctx, ['prod']).find((h) => h.id === 'cursor')!.installed).toEqual(['prod']);
    expect(planInstall(ctx, 'cursor', 'prod').changed).toBe(false);
    expect(findHostEntries(ctx, 'prod').found).toEqual([{ host: 'cursor', label: 'Cursor', configPath: path, entries: ['prod-ssh'] }]);
    applyPlan(planUninstall(ctx, 'cursor', 'prod'));
    expect(parse(readFileSync(path, 'utf8')).mcpServers).toEqual({ prod: FOREIGN });
  });

  it('--as on an entry Burrow wrote for this remote moves it; onto another remote\'s entry is refused', () => {
    const ctx = ctxFor();
    const path = hostTarget('cursor', ctx).configPath;
    applyPlan(planInstallMany(ctx, 'cursor', ['prod', 'staging']));
    applyPlan(planInstall(ctx, 'cursor', 'prod', { entryName: 'Production' }));
    expect(Object.keys(parse(readFileSync(path, 'utf8')).mcpServers)).toEqual(['staging', 'Production']);
    expect(() => planInstall(ctx, 'cursor', 'prod', { entryName: 'staging' })).toThrow(/server named "staging" that Burrow wrote for the remote "staging"; install under another name with --as/);
    expect(() => planInstall(ctx, 'cursor', 'prod', { entryName: ' ' })).toThrow(/cannot be a server name/);
  });
});

describe('backups beside the file', () => {
  it('keeps the newest three', () => {
    const ctx = ctxFor();
    const path = hostTarget('cursor', ctx).configPath;
    put(path, '{}\n');
    const texts: string[] = [];
    for (let i = 0; i < 6; i++) {
      texts.push(readFileSync(path, 'utf8'));
      applyPlan(i % 2 === 0 ? planInstall(ctx, 'cursor', 'prod') : planUninstall(ctx, 'cursor', 'prod'));
    }
    const backups = readdirSync(dirname(path))
      .filter((n) => n.startsWith('mcp.json.burrow-backup-'))
      .sort();
    expect(backups).toHaveLength(3);
    // The three newest: the files as they were before the last three writes.
    const kept = backups.map((n) => readFileSync(join(dirname(path), n), 'utf8')).sort();
    expect(kept).toEqual(texts.slice(3).sort());
    expect(readdirSync(dirname(path)).filter((n) => !n.includes('burrow-backup'))).toEqual(['mcp.json']);
  });
});

describe('entries of removed remotes', () => {
  it('are listed as orphaned, found by remote name, and removed from every host config', () => {
    const ctx = ctxFor();
    const CC = join(ctx.home, '.claude.json');
    put(CC, CLAUDE_CODE);
    applyPlan(planInstallMany(ctx, 'claude-code', ['prod', 'old']));
    applyPlan(planInstallMany(ctx, 'claude-desktop', ['old']));
    applyPlan(planInstall(ctx, 'vscode', 'prod'));

    const hosts = listMcpHosts(ctx, ['prod']);
    expect(hosts.map((h) => [h.id, h.installed, h.orphaned])).toEqual([
      ['claude-desktop', [], ['old']],
      ['cursor', [], []],
      ['vscode', ['prod'], []],
      ['claude-code', ['prod'], ['old']],
    ]);

    const { found, unreadable } = findHostEntries(ctx, 'old');
    expect(unreadable).toEqual([]);
    expect(found.map((f) => [f.host, f.entries])).toEqual([
      ['claude-desktop', ['old']],
      ['claude-code', ['old']],
    ]);
    const { removed, failed } = removeHostEntries(ctx, 'old');
    expect(failed).toEqual([]);
    expect(removed.map((p) => p.host)).toEqual(['claude-desktop', 'claude-code']);
    expect(findHostEntries(ctx, 'old').found).toEqual([]);
    expect(listMcpHosts(ctx, ['prod']).every((h) => h.orphaned.length === 0)).toBe(true);
    // prod stays where it was; the rest of ~/.claude.json is as the person left it.
    applyPlan(planUninstall(ctx, 'claude-code', 'prod'));
    expect(readFileSync(CC, 'utf8')).toBe(CLAUDE_CODE);
  });

  it('a config that does not parse is reported, not skipped silently', () => {
    const ctx = ctxFor();
    const path = hostTarget('cursor', ctx).configPath;
    put(path, '{ "mcpServers": {');
    const { found, unreadable } = findHostEntries(ctx, 'old');
    expect(found).toEqual([]);
    expect(unreadable).toEqual([`${path}:1:18: not valid JSON (with comments): expected "}"; fix it (or move the file away), then run this again (Burrow changed nothing)`]);
  });
});

describe('entries of a renamed remote', () => {
  it('follow the new name: a key that was the old name is renamed, a chosen one (--as) is kept', () => {
    const ctx = ctxFor();
    const vscode = join(ctx.home, '.config/Code/User/mcp.json');
    put(vscode, VSCODE);
    applyPlan(planInstall(ctx, 'vscode', 'old'));
    applyPlan(planInstall(ctx, 'cursor', 'old', { entryName: 'My box' }));
    const { renamed, failed } = renameHostEntries(ctx, 'old', 'new');
    expect(failed).toEqual([]);
    expect(renamed.map((p) => p.host)).toEqual(['cursor', 'vscode']);
    expect(findHostEntries(ctx, 'old').found).toEqual([]);
    expect(findHostEntries(ctx, 'new').found.map((f) => [f.host, f.entries])).toEqual([
      ['cursor', ['My box']],
      ['vscode', ['new']],
    ]);
    // The VS Code file is its old self plus the entry under the new name.
    applyPlan(planUninstall(ctx, 'vscode', 'new'));
    expect(readFileSync(vscode, 'utf8')).toBe(VSCODE);
  });
});

describe('layouts people write', () => {
  const entryOf = (remote: string) => ({ type: 'stdio', command: launcher.command, args: [...launcher.args, 'connect', '--remote', remote] });

  it.each([
    ['an empty servers object', '{\n  "mcpServers": {},\n  "theme": "dark"\n}\n'],
    ['a comment after the last entry', '{\n  "mcpServers": {\n    "a": { "command": "x" } // mine\n  }\n}\n'],
    ['a block comment before the closing brace', '{\n  "mcpServers": {\n    "a": { "command": "x" },\n    /* more later */\n  }\n}\n'],
    ['everything on one line', '{ "mcpServers": { "a": { "command": "x" } }, "theme": "dark" }\n'],
    ['no servers key, an object on one line last', '{\n  "projects": { "/src": { "allowedTools": [] } }\n}\n'],
  ])('%s: install gives a file with the entry and everything else; uninstall gives back the same content', (_what, text) => {
    const ctx = ctxFor();
    const path = join(ctx.home, '.claude.json');
    put(path, text);
    const before = parse(text);
    applyPlan(planInstall(ctx, 'claude-code', 'prod'));
    const after = parse(readFileSync(path, 'utf8'));
    expect(after.mcpServers.prod).toEqual(entryOf('prod'));
    expect({ ...after, mcpServers: { ...after.mcpServers, prod: undefined } }).toEqual({ ...before, mcpServers: { ...before.mcpServers, prod: undefined } });
    if (text.includes('//')) expect(readFileSync(path, 'utf8')).toContain('// mine');
    applyPlan(planUninstall(ctx, 'claude-code', 'prod'));
    expect(parse(readFileSync(path, 'utf8'))).toEqual({ ...before, mcpServers: before.mcpServers ?? {} });
    // An emptied servers object is written back as `{}`, as it was.
    if (text.includes('"mcpServers": {},')) expect(readFileSync(path, 'utf8')).toBe(text);
  });
});
