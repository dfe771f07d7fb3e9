import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { REPO } from '../../support/sshd.js';

export const DOUBLE_DIR = join(REPO, 'test', 'shell', 'electron-double');
export const MAIN_JS = join(REPO, 'dist', 'electron', 'main.js');

export interface ShellState {
  paths: Record<string, string>;
  singleInstanceLock: number;
  windows: { options: { webPreferences: Record<string, unknown>; [k: string]: unknown }; url?: string; shown: number; hardened: { windowOpenHandler: boolean; listeners: string[] } }[];
  trayImages: string[];
  trayToolTips: string[];
  trayMenus: string[][];
  privilegedSchemes: { scheme: string; privileges: Record<string, boolean> }[];
  protocolSchemes: string[];
  ipcHandle: string[];
  ipcOn: string[];
  permissionRequestHandler: boolean;
  permissionCheck: unknown;
  notifications: { title: string; body: string }[];
  errorBoxes: { title: string; text: string }[];
}

/** dist/electron/main.js running in plain Node with 'electron' resolved to the recording double, driven over IPC. */
export class ShellProcess {
  readonly child: ChildProcess;
  readonly exited: Promise<number | null>;
  readonly startedAt = Date.now();
  private stderrText = '';
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();

  constructor(env: Record<string, string>, args: string[] = []) {
    this.child = spawn(process.execPath, ['--expose-gc', '--import', join(DOUBLE_DIR, 'register.mjs'), MAIN_JS, ...args], { env, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
    this.child.stderr!.on('data', (c: Buffer) => (this.stderrText += c.toString()));
    this.child.stdout!.on('data', (c: Buffer) => (this.stderrText += `[stdout] ${c.toString()}`));
    this.child.on('message', (m: { id: number; ok: boolean; result?: unknown; error?: string }) => {
      const w = this.waiting.get(m.id);
      if (!w) return;
      this.waiting.delete(m.id);
      if (m.ok) w.resolve(m.result);
      else w.reject(new Error(m.error));
    });
    this.exited = new Promise((resolve) => this.child.once('exit', (code) => {
      for (const w of this.waiting.values()) w.reject(new Error(`the shell exited (${code}): ${this.stderrText}`));
      this.waiting.clear();
      resolve(code);
    }));
  }

  stderr(): string {
    return this.stderrText;
  }

  request<T>(message: Record<string, unknown>): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.child.send({ ...message, id });
    });
  }

  state(): Promise<ShellState> {
    return this.request<ShellState>({ op: 'state' });
  }

  /** Polls the recorded state until `test` holds, or fails with what was seen. */
  async waitForState(test: (s: ShellState) => boolean, what: string, timeoutMs = 20_000): Promise<ShellState> {
    const deadline = Date.now() + timeoutMs;
    let last: ShellState | undefined;
    while (Date.now() < deadline) {
      if (this.child.exitCode !== null) throw new Error(`the shell exited (${this.child.exitCode}) waiting for ${what}: ${this.stderrText}`);
      last = await this.state();
      if (test(last)) return last;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`timed out waiting for ${what}; tray menus: ${JSON.stringify(last?.trayMenus.at(-1))}; stderr: ${this.stderrText}`);
  }

  /** Ends the child if a test failed before quitting it. */
  async kill(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill('SIGKILL');
    await this.exited;
  }
}
