#!/usr/bin/env node
// `npm start` (after `npm run build`): the tray app when Electron can run here; otherwise one line
// saying why, then `burrow daemon --ui`, which prints the web UI's address.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
// An Electron that dies this soon never got as far as the tray (missing libraries, no GPU, no display).
const EARLY_EXIT_MS = 4000;

/** Where node_modules/electron put its binary, without loading the package (which throws when it is absent). */
function electronBinary() {
  const pkg = join(ROOT, 'node_modules', 'electron');
  if (!existsSync(join(pkg, 'package.json'))) return { reason: 'Electron is not installed (node_modules/electron is missing)' };
  const pathFile = join(pkg, 'path.txt');
  const relative = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : undefined;
  // The same override the electron package honours.
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  if (!relative && !override) return { reason: "Electron's binary was never downloaded (its install script did not run)" };
  const binary = override ? join(override, relative || 'electron') : join(pkg, 'dist', relative);
  if (!existsSync(binary)) return { reason: `Electron's binary is missing (${binary})` };
  return { binary };
}

function displayProblem() {
  if (process.platform !== 'linux') return undefined;
  if (process.env.DISPLAY || process.env.WAYLAND_DISPLAY) return undefined;
  return 'there is no display ($DISPLAY and $WAYLAND_DISPLAY are unset)';
}

function runDaemonUi(reason) {
  process.stderr.write(`burrow: cannot start the tray app: ${reason}; running "burrow daemon --ui" instead\n`);
  const child = spawn(process.execPath, [join(ROOT, 'bin', 'burrow.js'), 'daemon', '--ui', ...process.argv.slice(2)], { stdio: 'inherit' });
  forward(child);
}

/** Passes Ctrl-C and SIGTERM on, and exits with the child's code. */
function forward(child) {
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

function runElectron(binary) {
  const started = Date.now();
  // BURROW_DEV_NODE: host configs written by this development app run bin/burrow.js with this node.
  const child = spawn(binary, [ROOT], { stdio: ['ignore', 'inherit', 'pipe'], env: { ...process.env, BURROW_DEV_NODE: process.execPath } });
  let firstError = '';
  child.stderr.on('data', (chunk) => {
    process.stderr.write(chunk);
    if (!firstError) firstError = chunk.toString().split('\n').find((l) => l.trim()) ?? '';
  });
  child.once('error', (error) => runDaemonUi(`Electron could not be started (${error.message})`));
  child.once('exit', (code, signal) => {
    if (Date.now() - started < EARLY_EXIT_MS && code !== 0) {
      const why = signal ? `signal ${signal}` : `code ${code}`;
      runDaemonUi(`Electron exited at once with ${why}${firstError ? `: ${firstError.trim()}` : ''}`);
      return;
    }
    process.exit(code ?? 0);
  });
  for (const s of ['SIGINT', 'SIGTERM']) process.on(s, () => child.kill(s));
}

if (!existsSync(join(ROOT, 'dist', 'electron', 'cli', 'burrow.js'))) {
  process.stderr.write('burrow: nothing is built yet: run "npm start" (it builds first) or "npm run build"\n');
  process.exit(1);
}
const found = electronBinary();
const problem = found.reason ?? displayProblem();
if (problem) runDaemonUi(problem);
else runElectron(found.binary);
