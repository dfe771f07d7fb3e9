import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { McpHostId } from '../../../shared/api.js';
import { envDir } from '../env-dir.js';

/** What Burrow needs to know about one MCP host's config file. */
export interface HostTarget {
  id: McpHostId;
  label: string;
  configPath: string;
  /** Exists when the host is installed (its folder, or for Claude Code its file or folder). */
  detectPaths: string[];
  /** The object that holds the servers: `mcpServers`, or `servers` in VS Code. */
  serversKey: 'mcpServers' | 'servers';
  /** VS Code and Claude Code want `"type": "stdio"` on each entry. */
  typed: boolean;
  /** The host reads JSON with comments and trailing commas (VS Code, Cursor, Claude Code); Claude Desktop reads strict JSON. */
  jsonc: boolean;
}

export interface PathRules {
  home: string;
  platform: NodeJS.Platform;
  env: NodeJS.ProcessEnv;
}

export const MCP_HOST_IDS: McpHostId[] = ['claude-desktop', 'cursor', 'vscode', 'claude-code'];

/** The folder desktop apps keep their data in, as Electron's app.getPath('appData') finds it. */
function appDataDir({ home, platform, env }: PathRules): string {
  if (platform === 'darwin') return join(home, 'Library', 'Application Support');
  if (platform === 'win32') return envDir(env.APPDATA, platform) ?? join(home, 'AppData', 'Roaming');
  return envDir(env.XDG_CONFIG_HOME, platform) ?? join(home, '.config');
}

/**
 * Claude Desktop's folder. On Windows the Store (MSIX) build keeps a virtualised copy of
 * %APPDATA% under %LOCALAPPDATA%\Packages\Claude_<publisher>\LocalCache\Roaming: when that
 * exists it is the file Claude actually reads.
 */
function claudeDesktopDir(rules: PathRules): string {
  if (rules.platform === 'win32') {
    const local = envDir(rules.env.LOCALAPPDATA, rules.platform) ?? join(rules.home, 'AppData', 'Local');
    const packages = join(local, 'Packages');
    let msix: string | undefined;
    try {
      msix = readdirSync(packages).filter((d) => /^Claude_/i.test(d)).sort()[0];
    } catch {
      // no Packages folder: not a Store install
    }
    if (msix) return join(packages, msix, 'LocalCache', 'Roaming', 'Claude');
  }
  return join(appDataDir(rules), 'Claude');
}

export function hostTarget(id: McpHostId, rules: PathRules): HostTarget {
  switch (id) {
    case 'claude-desktop': {
      const dir = claudeDesktopDir(rules);
      return { id, label: 'Claude Desktop', configPath: join(dir, 'claude_desktop_config.json'), detectPaths: [dir], serversKey: 'mcpServers', typed: false, jsonc: false };
    }
    case 'cursor': {
      const dir = join(rules.home, '.cursor');
      return { id, label: 'Cursor', configPath: join(dir, 'mcp.json'), detectPaths: [dir], serversKey: 'mcpServers', typed: false, jsonc: true };
    }
    case 'vscode': {
      const dir = join(appDataDir(rules), 'Code', 'User');
      return { id, label: 'VS Code', configPath: join(dir, 'mcp.json'), detectPaths: [dir], serversKey: 'servers', typed: true, jsonc: true };
    }
    case 'claude-code': {
      const file = join(rules.home, '.claude.json');
      return { id, label: 'Claude Code', configPath: file, detectPaths: [file, join(rules.home, '.claude')], serversKey: 'mcpServers', typed: true, jsonc: true };
    }
  }
}

export function isDetected(target: HostTarget): boolean {
  return target.detectPaths.some((p) => existsSync(p));
}
