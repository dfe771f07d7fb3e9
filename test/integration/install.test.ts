import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BURROW_BIN, burrowEnv, runBurrow, type RunResult } from '../support/burrow-process.js';
import { startDaemon, type DaemonHandle } from '../support/daemon.js';
import { startSshd, type SshdFixture } from '../support/sshd.js';

let sshd: SshdFixture;
let daemon: DaemonHandle | undefined;
let env: Record<string, string>;
let configPath: string;

const OTHER = { command: 'npx', args: ['-y', '@modelcontextprotocol/server-filesystem', '/tmp'] };

beforeAll(async () => {
  sshd = await startSshd();
  // No XDG_CONFIG_HOME: Claude Desktop's Linux rule is then ~/.config/Claude.
  env = burrowEnv();
  delete env.XDG_CONFIG_HOME;
  configPath = join(env.HOME, '.config', 'Claude', 'claude_desktop_config.json');
  const add = await runBurrow(
    ['remote', 'add', 'prod', '--host', '127.0.0.1', '--port', String(sshd.port), '--user', 'root', '--key', sshd.clientKey, '--no-agent', '--known-hosts', sshd.knownHostsFile],
    env,
  );
  expect(add.code, add.stderr).toBe(0);
  daemon = await startDaemon(env);
});

afterAll(async () => {
  await daemon?.stop();
  sshd?.stop();
});

describe('burrow install / uninstall claude-desktop', () => {
  it('dry run prints the JSON it would write and writes nothing', async () => {
    const r = await runBurrow(['install', 'claude-desktop', '--dry-run'], env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('+++ ' + configPath);
    expect(r.stdout).toContain('+      "args": [');
    expect(r.stdout).toContain('Dry run: nothing written');
    expect(existsSync(configPath)).toBe(false);
  });

  it('refuses a config that does not parse, in one line, and leaves it alone', async () => {
    mkdirSync(dirname(configPath), { recursive: true });
    writeFileSync(configPath, '{ "mcpServers": ');
    const r = await runBurrow(['install', 'claude-desktop'], env);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain(`${configPath}:1:17: not valid JSON: expected a value`);
    expect(readFileSync(configPath, 'utf8')).toBe('{ "mcpServers": ');
    expect(readdirSync(dirname(configPath))).toEqual(['claude_desktop_config.json']);
  });

  it('rejects an unknown remote and an unknown host with what to do', async () => {
    const r = await runBurrow(['install', 'claude-desktop', '--remote', 'nope'], env);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('no remote named "nope" (saved remotes: prod)');
    const h = await runBurrow(['install', 'notepad'], env);
    expect(h.code).toBe(1);
    expect(h.stderr).toContain('unknown MCP host "notepad" (use one of: claude-desktop, cursor, vscode, claude-code)');
  });

  it('installs every saved remote, and what it wrote runs as Claude Desktop would run it', async () => {
    writeFileSync(configPath, `${JSON.stringify({ mcpServers: { files: OTHER }, globalShortcut: 'Alt+Space' }, null, 2)}\n`);
    const r = await runBurrow(['install', 'claude-desktop'], env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`Wrote ${configPath}`);
    const backup = /Backup of the previous file: (.+)/.exec(r.stdout)?.[1];
    expect(backup && JSON.parse(readFileSync(backup, 'utf8')).mcpServers.files).toEqual(OTHER);
    expect(r.stdout).toMatch(/^\+ {4}"prod": \{$/m);

    const config = JSON.parse(readFileSync(configPath, 'utf8'));
    expect(config.globalShortcut).toBe('Alt+Space');
    expect(config.mcpServers.files).toEqual(OTHER);
    const entry = config.mcpServers.prod as { command: string; args: string[]; env?: Record<string, string> };

    const listed = await runBurrow(['install'], env);
    expect(listed.stdout).toMatch(/claude-desktop\s+found\s+\S+claude_desktop_config\.json\n\s+Burrow remotes: prod/);

    // Claude Desktop starts servers with the MCP SDK's stdio transport: its small default
    // environment (HOME, PATH, USER, …) plus the entry's env, from its own working directory.
    const transport = new StdioClientTransport({ command: entry.command, args: entry.args, env: entry.env, cwd: '/', stderr: 'pipe' });
    let stderr = '';
    transport.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
    const client = new Client({ name: 'claude-ai', version: '0.1.0' });
    try {
      await client.connect(transport);
      const tools = await client.listTools();
      expect(tools.tools.map((t) => t.name)).toContain('get-sum');
      const sum = await client.callTool({ name: 'get-sum', arguments: { a: 2, b: 40 } });
      expect(JSON.stringify(sum.content), stderr).toContain('42');
    } finally {
      await client.close();
    }
    // Through the running daemon's pooled connection: one SSH login.
    expect(sshd.acceptedLogins()).toBe(1);
  });

  it('installing again changes nothing; uninstall removes only Burrow entries', async () => {
    mkdirSync(dirname(configPath), { recursive: true });
    writeFileSync(configPath, `${JSON.stringify({ mcpServers: { files: OTHER }, globalShortcut: 'Alt+Space' }, null, 2)}\n`);
    expect((await runBurrow(['install', 'claude-desktop'], env)).code).toBe(0);
    const again = await runBurrow(['install', 'claude-desktop', '--remote', 'prod'], env);
    expect(again.stdout).toContain('already has these Burrow entries; nothing to write');

    const r = await runBurrow(['uninstall', 'claude-desktop'], env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^- {4}"prod": \{$/m);
    expect(r.stdout).toContain('Backup of the previous file:');
    const config = JSON.parse(readFileSync(configPath, 'utf8'));
    expect(config).toEqual({ mcpServers: { files: OTHER }, globalShortcut: 'Alt+Space' });

    const none = await runBurrow(['uninstall', 'claude-desktop'], env);
    expect(none.stdout).toContain('has no Burrow entries to remove');
  });
});

describe('with the default Burrow home, as a real user has it', () => {
  it('the written entry finds the engine started in a desktop session (XDG_RUNTIME_DIR) from the small env MCP hosts pass', async () => {
    const userEnv = burrowEnv();
    delete userEnv.BURROW_HOME;
    delete userEnv.XDG_CONFIG_HOME;
    const runtimeDir = join(userEnv.HOME, 'xdg-run');
    mkdirSync(runtimeDir, { mode: 0o700 });
    userEnv.XDG_RUNTIME_DIR = runtimeDir;
    const add = await runBurrow(
      ['remote', 'add', 'lab', '--host', '127.0.0.1', '--port', String(sshd.port), '--user', 'root', '--key', sshd.clientKey, '--no-agent', '--known-hosts', sshd.knownHostsFile],
      userEnv,
    );
    expect(add.code, add.stderr).toBe(0);
    expect(existsSync(join(userEnv.HOME, '.config', 'burrow', 'settings.json'))).toBe(true);
    const userDaemon = await startDaemon(userEnv);
    try {
      expect(existsSync(join(runtimeDir, 'burrow', 'daemon.sock'))).toBe(true);
      const r = await runBurrow(['install', 'claude-desktop'], userEnv);
      expect(r.code, r.stderr).toBe(0);
      const entry = JSON.parse(readFileSync(join(userEnv.HOME, '.config', 'Claude', 'claude_desktop_config.json'), 'utf8')).mcpServers.lab;
      expect(entry.env).toEqual({ XDG_RUNTIME_DIR: runtimeDir });
      // HOME is the user's (the runner's own HOME is not this test's); the rest is the SDK's default set plus the entry's env.
      const transport = new StdioClientTransport({ command: entry.command, args: entry.args, env: { HOME: userEnv.HOME, ...entry.env }, cwd: '/', stderr: 'pipe' });
      const client = new Client({ name: 'claude-ai', version: '0.1.0' });
      try {
        await client.connect(transport);
        const sum = await client.callTool({ name: 'get-sum', arguments: { a: 2, b: 40 } });
        expect(JSON.stringify(sum.content)).toContain('42');
      } finally {
        await client.close();
      }
      // Served by the daemon already running: the helper did not start an engine of its own.
      expect(existsSync(join(userEnv.HOME, '.config', 'burrow', 'run', 'daemon.sock'))).toBe(false);
    } finally {
      await userDaemon.stop();
    }
  });
});

/**
 * Runs `burrow ARGS` on a pseudo-terminal (util-linux `script`), as a person in a shell would, and
 * types `answer` + Enter when `question` appears. Output comes back with \r\n turned into \n.
 */
function runOnTerminal(args: string[], env: Record<string, string>, question: string, answer: string, timeoutMs = 30_000): Promise<RunResult & { asked: boolean }> {
  const quote = (a: string) => `'${a.replace(/'/g, `'\\''`)}'`;
  const command = [process.execPath, BURROW_BIN, ...args].map(quote).join(' ');
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qec', command, '/dev/null'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let asked = false;
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
      if (!asked && stdout.includes(question)) {
        asked = true;
        child.stdin.write(`${answer}\r`);
      }
    });
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`burrow ${args.join(' ')} on a terminal timed out; output: ${stdout}`));
    }, timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout: stdout.replace(/\r\n/g, '\n'), stderr, asked });
    });
  });
}

const VSCODE_MCP = `{
	// My servers. Docs: https://code.visualstudio.com/docs/copilot/chat/mcp-servers
	"servers": {
		"files": {
			"type": "stdio",
			"command": "npx",
			"args": ["-y", "@modelcontextprotocol/server-filesystem", "\${workspaceFolder}"], // this workspace
		},
	},
}
`;

describe('host configs as people keep them (their own HOME, the same daemon)', () => {
  let home: Record<string, string>;
  let vscodePath: string;
  let desktopPath: string;
  const addRemote = async (name: string) => {
    const r = await runBurrow(
      ['remote', 'add', name, '--host', '127.0.0.1', '--port', String(sshd.port), '--user', 'root', '--key', sshd.clientKey, '--no-agent', '--known-hosts', sshd.knownHostsFile],
      home,
    );
    expect(r.code, r.stderr).toBe(0);
  };

  beforeAll(() => {
    home = { ...env, HOME: mkdtempSync(join(tmpdir(), 'burrow-hosts-home-')) };
    vscodePath = join(home.HOME, '.config', 'Code', 'User', 'mcp.json');
    desktopPath = join(home.HOME, '.config', 'Claude', 'claude_desktop_config.json');
  });

  it('VS Code mcp.json with comments and trailing commas: the diff is only Burrow\'s entry, comments stay', async () => {
    mkdirSync(dirname(vscodePath), { recursive: true });
    writeFileSync(vscodePath, VSCODE_MCP);
    const dry = await runBurrow(['install', 'vscode', '--remote', 'prod', '--dry-run'], home);
    expect(dry.code, dry.stderr).toBe(0);
    const diffLines = dry.stdout.split('\n').filter((l) => /^[-+]/.test(l) && !/^(---|\+\+\+) /.test(l));
    expect(diffLines.filter((l) => l.startsWith('-'))).toEqual([]);
    expect(diffLines[0]).toBe('+\t\t"prod": {');
    expect(readFileSync(vscodePath, 'utf8')).toBe(VSCODE_MCP);

    const r = await runBurrow(['install', 'vscode', '--remote', 'prod'], home);
    expect(r.code, r.stderr).toBe(0);
    const written = readFileSync(vscodePath, 'utf8');
    expect(written).toContain('// this workspace');
    expect(written.replace(/\t\t"prod": \{[\s\S]*?\n\t\t\},\n/, '')).toBe(VSCODE_MCP);

    const un = await runBurrow(['uninstall', 'vscode', '--remote', 'prod'], home);
    expect(un.code, un.stderr).toBe(0);
    expect(readFileSync(vscodePath, 'utf8')).toBe(VSCODE_MCP);
  });

  it('a name taken by another server: the error names --as, and --as installs under that name', async () => {
    mkdirSync(dirname(desktopPath), { recursive: true });
    const taken = `${JSON.stringify({ mcpServers: { prod: OTHER } }, null, 2)}\n`;
    writeFileSync(desktopPath, taken);
    const clash = await runBurrow(['install', 'claude-desktop', '--remote', 'prod'], home);
    expect(clash.code).toBe(1);
    expect(clash.stderr).toContain(`${desktopPath} already has a server named "prod" that Burrow did not write; install under another name with --as NAME`);
    expect(readFileSync(desktopPath, 'utf8')).toBe(taken);

    const r = await runBurrow(['install', 'claude-desktop', '--remote', 'prod', '--as', 'prod-ssh'], home);
    expect(r.code, r.stderr).toBe(0);
    const servers = JSON.parse(readFileSync(desktopPath, 'utf8')).mcpServers;
    expect(servers.prod).toEqual(OTHER);
    expect(servers['prod-ssh'].args.slice(-3)).toEqual(['connect', '--remote', 'prod']);
    const listed = await runBurrow(['install'], home);
    expect(listed.stdout).toMatch(/claude-desktop\s+found\s+\S+claude_desktop_config\.json\n\s+Burrow remotes: prod\n/);

    const bad = await runBurrow(['install', 'claude-desktop', '--as', 'x'], home);
    expect(bad.stderr.trim()).toBe('burrow: install: --as names one entry: give exactly one --remote NAME with it');
    writeFileSync(desktopPath, taken);
  });

  it('on a terminal it shows the diff and asks before writing; no writes nothing, yes writes', async () => {
    writeFileSync(vscodePath, VSCODE_MCP);
    const no = await runOnTerminal(['install', 'vscode', '--remote', 'prod'], home, 'Write this? [y/N]', 'n');
    expect(no.asked, no.stdout).toBe(true);
    expect(no.code).toBe(1);
    expect(no.stdout).toContain('+\t\t"prod": {');
    expect(no.stdout).toContain(`Nothing written to ${vscodePath}.`);
    expect(readFileSync(vscodePath, 'utf8')).toBe(VSCODE_MCP);

    const yes = await runOnTerminal(['install', 'vscode', '--remote', 'prod'], home, 'Write this? [y/N]', 'y');
    expect(yes.code, yes.stdout).toBe(0);
    expect(yes.stdout).toContain(`Wrote ${vscodePath}`);
    expect(readFileSync(vscodePath, 'utf8')).toContain('"prod": {');

    // --yes: no question even on a terminal.
    const un = await runOnTerminal(['uninstall', 'vscode', '--yes'], home, 'Write this?', 'n');
    expect(un.asked).toBe(false);
    expect(un.code, un.stdout).toBe(0);
    expect(readFileSync(vscodePath, 'utf8')).toBe(VSCODE_MCP);
  });

  it('remote remove also removes its entries from every host config (no terminal: without asking)', async () => {
    await addRemote('gone');
    writeFileSync(vscodePath, VSCODE_MCP);
    const desktopBefore = readFileSync(desktopPath, 'utf8');
    expect((await runBurrow(['install', 'vscode', '--remote', 'gone'], home)).code).toBe(0);
    expect((await runBurrow(['install', 'claude-desktop', '--remote', 'gone', '--as', 'gone-box'], home)).code).toBe(0);

    const r = await runBurrow(['remote', 'remove', 'gone'], home);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`MCP host configs with an entry for "gone":\n  Claude Desktop: ${desktopPath} ("gone-box")\n  VS Code: ${vscodePath} ("gone")\n`);
    expect(r.stdout).toContain('removed remote "gone"');
    expect(r.stdout).toContain(`removed its entry from ${vscodePath} (backup: `);
    expect(readFileSync(vscodePath, 'utf8')).toBe(VSCODE_MCP);
    expect(readFileSync(desktopPath, 'utf8')).toBe(desktopBefore);
    const list = await runBurrow(['remote', 'list', '--json'], home);
    expect(JSON.parse(list.stdout).map((x: { name: string }) => x.name)).not.toContain('gone');
  });

  it('--keep-host-entries keeps them; they are listed as orphaned, and removing the name again cleans them up', async () => {
    await addRemote('kept');
    expect((await runBurrow(['install', 'vscode', '--remote', 'kept'], home)).code).toBe(0);
    const withEntry = readFileSync(vscodePath, 'utf8');

    const r = await runBurrow(['remote', 'remove', 'kept', '--keep-host-entries'], home);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('removed remote "kept"');
    expect(r.stdout).toContain('kept its entries (--keep-host-entries)');
    expect(readFileSync(vscodePath, 'utf8')).toBe(withEntry);

    const listed = await runBurrow(['install'], home);
    expect(listed.stdout).toContain('entries for remotes no longer saved: kept (remove with: burrow uninstall vscode --remote kept)');

    const again = await runBurrow(['remote', 'remove', 'kept'], home);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain('no remote named "kept" is saved; these entries were left behind when it was removed');
    expect(readFileSync(vscodePath, 'utf8')).toBe(VSCODE_MCP);
    const none = await runBurrow(['remote', 'remove', 'kept'], home);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('no remote named "kept"');
  });

  it('on a terminal remote remove asks first; no keeps the remote and its entries', async () => {
    await addRemote('asked');
    expect((await runBurrow(['install', 'vscode', '--remote', 'asked'], home)).code).toBe(0);
    const withEntry = readFileSync(vscodePath, 'utf8');
    const no = await runOnTerminal(['remote', 'remove', 'asked'], home, 'Remove the remote "asked" and these entries? [y/N]', 'n');
    expect(no.asked, no.stdout).toBe(true);
    expect(no.code).toBe(1);
    expect(no.stdout).toContain('Nothing removed.');
    expect(readFileSync(vscodePath, 'utf8')).toBe(withEntry);
    expect((await runBurrow(['remote', 'list'], home)).stdout).toContain('asked');

    const yes = await runOnTerminal(['remote', 'remove', 'asked'], home, 'these entries? [y/N]', 'yes');
    expect(yes.code, yes.stdout).toBe(0);
    expect(readFileSync(vscodePath, 'utf8')).toBe(VSCODE_MCP);
  });
});
