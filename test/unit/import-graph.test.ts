import { existsSync, readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from '../support/sshd.js';

/**
 * Every package a source file loads when it is loaded, through static imports only (`import type` loads nothing;
 * `await import()` loads later, at first use), with the chain of our files that leads to each. A module that
 * `require`s a package as it loads (ssh2-library.ts, through createRequire) counts as importing it.
 */
function staticPackages(entry: string): Map<string, string[]> {
  const chainTo = new Map<string, string[]>([[resolve(REPO, entry), [entry]]]);
  const packages = new Map<string, string[]>();
  const queue = [resolve(REPO, entry)];
  while (queue.length) {
    const file = queue.shift()!;
    const source = readFileSync(file, 'utf8');
    for (const match of source.matchAll(/^(import|export)(?!\s+type\b)[^;]*?\sfrom\s+'([^']+)'|^import\s+'([^']+)'|^\s+(?:return\s+)?require\('([^'.][^']*)'\)/gm)) {
      const specifier = match[2] ?? match[3] ?? match[4];
      if (!specifier.startsWith('.')) {
        const name = specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0];
        if (!packages.has(name)) packages.set(name, chainTo.get(file)!);
        continue;
      }
      const target = resolve(dirname(file), specifier.replace(/\.js$/, '.ts'));
      const path = existsSync(target) ? target : target.replace(/\.ts$/, '.tsx');
      if (chainTo.has(path) || !existsSync(path)) continue;
      chainTo.set(path, [...chainTo.get(file)!, relative(REPO, path)]);
      queue.push(path);
    }
  }
  return packages;
}

const loadedWith = (entry: string, names: string[]) => {
  const packages = staticPackages(entry);
  return names.filter((n) => packages.has(n)).map((n) => `${n} <- ${packages.get(n)!.join(' <- ')}`);
};

describe('what a process loads before it needs it', () => {
  it('the engine that relays (burrow daemon) loads the MCP SDK, the tools and the ssh_config parser only at their first use', () => {
    // The SDK alone is a third of the daemon's heap, which every full garbage collection walks while large messages pass.
    expect(loadedWith('electron/cli/daemon-command.ts', ['@modelcontextprotocol/sdk', 're2js', 'strip-ansi', 'ssh-config', 'ws'])).toEqual([]);
    // What it does need is there: the check above would pass on a graph it failed to read.
    expect(loadedWith('electron/cli/daemon-command.ts', ['ssh2', 'zod'])).toEqual([
      expect.stringMatching(/^ssh2 <- .*electron\/core\/ssh\/ssh2-library\.ts$/),
      expect.stringMatching(/^zod <- /),
    ]);
  });

  it('the helper an MCP host starts (burrow connect) loads no SSH, MCP or schema library before it knows its path', () => {
    expect(loadedWith('electron/cli/burrow.ts', ['ssh2', '@modelcontextprotocol/sdk', 'zod', 'conf'])).toEqual([]);
    expect(loadedWith('electron/cli/connect-via-daemon.ts', ['ssh2', '@modelcontextprotocol/sdk', 'zod', 'conf'])).toEqual([]);
  });
});
