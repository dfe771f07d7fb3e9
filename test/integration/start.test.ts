import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { burrowEnv } from '../support/burrow-process.js';
import { REPO } from '../support/sshd.js';
import { recordPid } from '../support/run-state.js';

interface Started {
  stderr: string;
  url: string;
  stop: () => Promise<number | null>;
}

/** Runs `node scripts/start.js` as `npm start` does after its build, until the web UI's line appears. */
function start(env: Record<string, string>): Promise<Started> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(REPO, 'scripts', 'start.js')], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    if (child.pid) recordPid(child.pid, 'start.js');
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`no "Burrow UI:" line; stdout: ${stdout} stderr: ${stderr}`));
    }, 20_000);
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
      const url = /^Burrow UI: (http:\/\/127\.0\.0\.1:\d+\/\S*)$/m.exec(stdout)?.[1];
      if (!url) return;
      clearTimeout(timer);
      resolve({
        stderr,
        url,
        stop: () =>
          new Promise((done) => {
            child.once('exit', (code) => done(code));
            child.kill('SIGTERM');
          }),
      });
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`start.js exited with ${code}: ${stderr}`));
    });
  });
}

function fakeElectron(script: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'burrow-fake-electron-'));
  const binary = join(dir, 'electron');
  writeFileSync(binary, `#!/bin/sh\n${script}\n`);
  chmodSync(binary, 0o755);
  return dir;
}

function envWithout(env: Record<string, string>, ...keys: string[]): Record<string, string> {
  const copy = { ...env };
  for (const k of keys) delete copy[k];
  return copy;
}

describe('npm start falls back to burrow daemon --ui', () => {
  it("says in one line that Electron's binary is missing, prints the UI address, and stops cleanly", async () => {
    const env = burrowEnv({ ELECTRON_OVERRIDE_DIST_PATH: mkdtempSync(join(tmpdir(), 'burrow-no-electron-')) });
    const started = await start(env);
    expect(started.stderr).toMatch(/^burrow: cannot start the tray app: Electron's binary is missing \(.+\); running "burrow daemon --ui" instead$/m);
    expect(started.url).toMatch(/#token=/);
    const runtimeInfo = join(env.BURROW_HOME, 'run', 'daemon.json');
    expect(JSON.parse(readFileSync(runtimeInfo, 'utf8')).ui).toBe(started.url); // the engine publishes its UI
    expect(await started.stop()).toBe(0);
    expect(existsSync(runtimeInfo)).toBe(false); // SIGTERM reached the daemon, which cleaned up
  });

  it.runIf(process.platform === 'linux')('says there is no display when neither $DISPLAY nor $WAYLAND_DISPLAY is set', async () => {
    const env = envWithout(burrowEnv({ ELECTRON_OVERRIDE_DIST_PATH: fakeElectron('exit 0') }), 'DISPLAY', 'WAYLAND_DISPLAY');
    const started = await start(env);
    expect(started.stderr).toContain('cannot start the tray app: there is no display ($DISPLAY and $WAYLAND_DISPLAY are unset)');
    await started.stop();
  });

  it('falls back when Electron dies at start, quoting its first error line', async () => {
    const dist = fakeElectron('echo "electron: error while loading shared libraries: libgtk-3.so.0: cannot open shared object file" >&2; exit 127');
    const env = burrowEnv({ ELECTRON_OVERRIDE_DIST_PATH: dist, DISPLAY: ':99' });
    const started = await start(env);
    expect(started.stderr).toMatch(/cannot start the tray app: Electron exited at once with code 127: electron: error while loading shared libraries: libgtk-3\.so\.0.*; running "burrow daemon --ui" instead/);
    await started.stop();
  });
});
