import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { burrowEnv, runBurrow, runProcess, BURROW_BIN } from '../support/burrow-process.js';
import { tempDir } from '../support/run-state.js';

describe("Burrow's folder when XDG variables are set but unusable", () => {
  it.runIf(process.platform === 'linux')('XDG_CONFIG_HOME= (empty) and a relative XDG_RUNTIME_DIR: the remote is saved in ~/.config/burrow, nothing in the current folder', async () => {
    const { HOME, ...rest } = burrowEnv();
    delete rest.BURROW_HOME;
    const env = { ...rest, HOME, XDG_CONFIG_HOME: '', XDG_RUNTIME_DIR: 'run' };
    const cwd = tempDir('burrow-cwd');
    const added = await runProcess(process.execPath, [BURROW_BIN, 'remote', 'add', 'box', '--host', 'box.example', '--command', 'mcp'], { env, spawn: { cwd } });
    expect(added.code, added.stderr).toBe(0);
    expect(readdirSync(cwd)).toEqual([]);
    expect(existsSync(join(HOME, '.config', 'burrow', 'settings.json'))).toBe(true);
    // Another folder, the same home: the remote is there.
    const listed = await runBurrow(['remote', 'list'], { ...env, BURROW_HOME: join(HOME, '.config', 'burrow') });
    expect(listed.stdout).toMatch(/^box\s/m);
  });
});
