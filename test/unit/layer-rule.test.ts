import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { REPO } from '../support/sshd.js';

const eslint = new ESLint({ cwd: REPO });
async function errorsFor(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: `${REPO}/${file}` });
  return result.messages.map((m) => m.message);
}

describe('the layer rule of ARCHITECTURE.md', () => {
  it('refuses electron in the engine, CLI and shared code, and allows it in main.ts', async () => {
    expect((await errorsFor('electron/core/x.ts', "import { app } from 'electron';\nexport const a = app;\n")).join()).toMatch(/Only electron\/main.ts/);
    expect((await errorsFor('electron/cli/x.ts', "import { app } from 'electron';\nexport const a = app;\n")).join()).toMatch(/Only electron\/main.ts/);
    expect(await errorsFor('electron/main.ts', "import { app } from 'electron';\nexport const a = app;\n")).toEqual([]);
    expect(await errorsFor('electron/preload.cts', "import { ipcRenderer } from 'electron';\nexport const i = ipcRenderer;\n")).toEqual([]);
    // A new file beside them may not.
    expect((await errorsFor('electron/tray.ts', "import { Tray } from 'electron';\nexport const t = Tray;\n")).join()).toMatch(/Only electron\/main.ts/);
  });

  it('keeps the CLI out of the Electron shell', async () => {
    expect((await errorsFor('electron/cli/x.ts', "import { buildTrayMenu } from '../shell/tray-menu.js';\nexport const b = buildTrayMenu;\n")).join()).toMatch(/never the Electron shell/);
  });

  it('keeps Node built-ins and our folders out of shared/ and the renderer', async () => {
    expect((await errorsFor('shared/x.ts', "import { readFileSync } from 'node:fs';\nexport const r = readFileSync;\n")).join()).toMatch(/no Node built-ins/);
    expect((await errorsFor('renderer/src/x.ts', "import { Engine } from '../../electron/core/engine.js';\nexport const e = Engine;\n")).join()).toMatch(/only through BurrowApi/);
    expect(await errorsFor('renderer/src/x.ts', "import { remoteSchema } from '../../shared/remote.js';\nexport const s = remoteSchema;\n")).toEqual([]);
  });

  it('keeps the engine from importing the CLI', async () => {
    expect((await errorsFor('electron/core/x.ts', "import { run } from '../cli/remote-command.js';\nexport const r = run;\n")).join()).toMatch(/engine/);
  });
});
