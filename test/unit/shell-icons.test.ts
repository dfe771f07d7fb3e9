import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { trayIconFile, type TrayIconState } from '../../electron/shell/tray-menu.js';
import { REPO } from '../support/sshd.js';

/** Width, height and RGBA pixels of an 8-bit RGBA, non-interlaced PNG (what build/make-icons.mjs writes). */
function readPng(path: string): { width: number; height: number; pixels: Buffer } {
  const data = readFileSync(path);
  expect(data.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
  let offset = 8;
  let width = 0;
  let height = 0;
  const idat: Buffer[] = [];
  while (offset < data.length) {
    const length = data.readUInt32BE(offset);
    const type = data.subarray(offset + 4, offset + 8).toString('ascii');
    const body = data.subarray(offset + 8, offset + 8 + length);
    if (type === 'IHDR') {
      width = body.readUInt32BE(0);
      height = body.readUInt32BE(4);
      expect([body[8], body[9]]).toEqual([8, 6]);
    }
    if (type === 'IDAT') idat.push(body);
    offset += 12 + length;
  }
  const rows = inflateSync(Buffer.concat(idat));
  const pixels = Buffer.alloc(width * height * 4);
  for (let y = 0; y < height; y++) {
    expect(rows[y * (width * 4 + 1)]).toBe(0); // filter "none"
    rows.copy(pixels, y * width * 4, y * (width * 4 + 1) + 1, (y + 1) * (width * 4 + 1));
  }
  return { width, height, pixels };
}

describe('tray icons in build/', () => {
  const states: TrayIconState[] = ['normal', 'attention', 'paused'];
  it.each(['darwin', 'win32', 'linux'] as const)('every state has a 16 px icon and a 32 px @2x on %s', (platform) => {
    for (const state of states) {
      const file = join(REPO, 'build', trayIconFile(state, platform));
      const retina = file.replace(/\.png$/, '@2x.png');
      expect(existsSync(file) && existsSync(retina), file).toBe(true);
      const small = readPng(file);
      const large = readPng(retina);
      expect([small.width, small.height, large.width, large.height]).toEqual([16, 16, 32, 32]);
      const opaque = [...small.pixels].filter((_, i) => i % 4 === 3 && small.pixels[i] > 0).length;
      expect(opaque).toBeGreaterThan(40); // something is drawn
      if (platform === 'darwin') {
        // Template images: black plus alpha only, so the menu bar can tint them for light and dark.
        for (let i = 0; i < small.pixels.length; i += 4) if (small.pixels[i + 3] > 0) expect([small.pixels[i], small.pixels[i + 1], small.pixels[i + 2]]).toEqual([0, 0, 0]);
        expect(trayIconFile(state, platform)).toMatch(/Template\.png$/);
      }
    }
  });

  it('the app icon is 512 px (electron-builder makes .icns and .ico from it)', () => {
    const icon = readPng(join(REPO, 'build', 'icon.png'));
    expect([icon.width, icon.height]).toEqual([512, 512]);
  });
});
