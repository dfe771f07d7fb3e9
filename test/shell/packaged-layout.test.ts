import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { extractFile, listPackage } from '@electron/asar';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findRunningEngine } from '../../electron/core/ipc/engine-discovery.js';
import { applyPlan, planInstall } from '../../electron/core/hostconfig/host-configs.js';
import { resolveLauncher } from '../../electron/core/hostconfig/launcher.js';
import { trayIconFile, type TrayIconState } from '../../electron/shell/tray-menu.js';
import { burrowEnv } from '../support/burrow-process.js';
import { REPO, type SshdFixture } from '../support/sshd.js';
import { startUserSshd, TEST_USER } from './support/user-sshd.js';

// electron-builder lays out the real Linux app folder from electron-builder.yml, with a stub standing in
// for Electron: a script that execs the system node, as the app's executable does with ELECTRON_RUN_AS_NODE=1.
const work = mkdtempSync(join(tmpdir(), 'burrow-package-'));
const stub = join(work, 'electron-dist');
const out = join(work, 'out');
const app = join(out, 'linux-unpacked');
const resources = join(app, 'resources');
let sshd: SshdFixture;
let env: Record<string, string>;
let buildLog = '';

function run(command: string, args: string[], runEnv: Record<string, string>, timeoutMs: number): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { env: runEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

beforeAll(async () => {
  // The files electron-builder copies from an Electron distribution; the executable is renamed burrow-app.
  mkdirSync(join(stub, 'resources'), { recursive: true });
  writeFileSync(join(stub, 'electron'), `#!/bin/sh\nexec ${process.execPath} "$@"\n`);
  chmodSync(join(stub, 'electron'), 0o755);
  for (const f of ['LICENSE', 'LICENSES.chromium.html', 'chrome-sandbox']) writeFileSync(join(stub, f), '');
  writeFileSync(join(stub, 'version'), '38.0.0');
  const built = await run(process.execPath, [join(REPO, 'test', 'shell', 'support', 'package-linux-dir.mjs'), REPO, stub, out], { ...process.env, CI: 'true' } as Record<string, string>, 280_000);
  buildLog = built.output;
  expect(built.code, buildLog).toBe(0);
  sshd = await startUserSshd();
  env = burrowEnv();
}, 300_000);

afterAll(async () => {
  // The helper started a background daemon from the packaged files: end it by its pid.
  const daemon = env ? await findRunningEngine(env) : undefined;
  if (daemon) {
    try {
      process.kill(daemon.pid, 'SIGTERM');
    } catch {
      // gone already
    }
  }
  sshd?.stop();
  rmSync(work, { recursive: true, force: true });
});

describe('the packaged Linux layout (electron-builder --linux dir)', () => {
  it('has main and renderer in app.asar, the helper with its package.json unpacked, the launcher and the tray icons', () => {
    const asar = join(resources, 'app.asar');
    const files = listPackage(asar, { isPack: false });
    for (const f of ['/dist/electron/main.js', '/dist/electron/preload.cjs', '/dist/renderer/index.html', '/package.json']) expect(files, f).toContain(f);
    const pkg = JSON.parse(extractFile(asar, 'package.json').toString()) as { main: string; type: string };
    expect(pkg.main).toBe('dist/electron/main.js');

    // Node resolves the helper's ES modules from real files: they and a package.json saying "module" sit beside the asar.
    const unpacked = join(resources, 'app.asar.unpacked');
    expect((JSON.parse(readFileSync(join(unpacked, 'package.json'), 'utf8')) as { type: string }).type).toBe('module');
    for (const f of ['bin/burrow.js', 'dist/electron/cli/burrow.js', 'dist/electron/core/engine.js', 'node_modules/ssh2/package.json']) expect(existsSync(join(unpacked, f)), f).toBe(true);
    // Developer tools are not shipped.
    expect(existsSync(join(unpacked, 'node_modules', 'electron-builder'))).toBe(false);

    expect(existsSync(join(app, 'burrow-app'))).toBe(true);
    expect(statSync(join(resources, 'bin', 'burrow')).mode & 0o111).not.toBe(0);
    expect(existsSync(join(resources, 'bin', 'burrow.cmd'))).toBe(true);

    // main.ts reads tray icons from <resources>/tray when packaged.
    const states: TrayIconState[] = ['normal', 'attention', 'paused'];
    for (const platform of ['linux', 'darwin', 'win32'] as const) {
      for (const state of states) {
        const file = trayIconFile(state, platform);
        expect(existsSync(join(resources, 'tray', file)), file).toBe(true);
        expect(existsSync(join(resources, 'tray', file.replace('.png', '@2x.png'))), file).toBe(true);
      }
    }
  });

  it('the burrow launcher runs the unpacked CLI with the app as Node, also through a /usr/bin-style link', async () => {
    const bin = join(work, 'usr-bin');
    mkdirSync(bin, { recursive: true });
    symlinkSync(join(resources, 'bin', 'burrow'), join(bin, 'burrow'));
    const add = await run(
      join(bin, 'burrow'),
      ['remote', 'add', 'prod', '--host', '127.0.0.1', '--port', String(sshd.port), '--user', TEST_USER, '--key', sshd.clientKey, '--no-agent', '--known-hosts', sshd.knownHostsFile],
      env,
      30_000,
    );
    expect(add.code, add.output).toBe(0);
    const list = await run(join(bin, 'burrow'), ['remote', 'list'], env, 30_000);
    expect(list.code, list.output).toBe(0);
    expect(list.output).toContain('prod');
    // Without the app beside it the launcher says what is wrong in one line.
    const lone = join(work, 'lone', 'bin');
    mkdirSync(lone, { recursive: true });
    writeFileSync(join(lone, 'burrow'), readFileSync(join(resources, 'bin', 'burrow')));
    chmodSync(join(lone, 'burrow'), 0o755);
    const broken = spawnSync(join(lone, 'burrow'), ['remote', 'list'], { env, encoding: 'utf8' });
    expect(broken.status).toBe(1);
    expect(broken.stderr.trim().split('\n')).toHaveLength(1);
    expect(broken.stderr).toContain('the Burrow app is not next to');
  });

  it('a Claude Desktop entry written for this layout starts a real session through sshd', async () => {
    // What `burrow install` / the window's Install writes inside the packaged app (process.versions.electron set).
    const launcher = resolveLauncher({ execPath: join(app, 'burrow-app'), scriptPath: join(resources, 'app.asar', 'bin', 'burrow.js'), platform: 'linux', env, electron: '38.0.0' });
    const applied = applyPlan(planInstall({ home: env.HOME, platform: 'linux', env, launcher }, 'claude-desktop', 'prod'));
    const config = JSON.parse(readFileSync(applied.path, 'utf8')) as { mcpServers: Record<string, { command: string; args: string[]; env?: Record<string, string> }> };
    const entry = Object.values(config.mcpServers)[0];
    expect(entry.command).toBe(join(app, 'burrow-app'));
    expect(entry.args).toEqual([join(resources, 'app.asar.unpacked', 'bin', 'burrow.js'), 'connect', '--remote', 'prod']);
    expect(entry.env).toMatchObject({ ELECTRON_RUN_AS_NODE: '1', BURROW_HOME: env.BURROW_HOME });

    // Run it as an MCP host does: its own small environment plus the entry's.
    const transport = new StdioClientTransport({ command: entry.command, args: entry.args, env: { HOME: env.HOME, PATH: env.PATH ?? '/usr/bin:/bin', ...entry.env }, stderr: 'pipe' });
    let stderr = '';
    transport.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
    const client = new Client({ name: 'packaged-test', version: '1.0.0' });
    try {
      await client.connect(transport);
      const sum = await client.callTool({ name: 'get-sum', arguments: { a: 19, b: 23 } });
      expect(JSON.stringify(sum.content), stderr).toContain('42');
    } finally {
      await client.close();
    }
    expect(sshd.log()).toContain(`Accepted publickey for ${TEST_USER}`);
  });
});
