// Draws Burrow's tray and app icons (run once: node build/make-icons.mjs; the PNGs are committed).
// A mound with a tunnel opening, on a ground line; "attention" adds a dot, "paused" is grey.
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';

const OUT = dirname(fileURLToPath(import.meta.url));

const inEllipse = (x, y, cx, cy, rx, ry) => ((x - cx) / rx) ** 2 + ((y - cy) / ry) ** 2 <= 1;

/** The colour (RGBA 0..255) at unit coordinates, or null for transparent. */
function shape(x, y, palette, attention) {
  if (attention && inEllipse(x, y, 0.8, 0.2, 0.17, 0.17)) return palette.dot;
  if (attention && inEllipse(x, y, 0.8, 0.2, 0.25, 0.25)) return null; // a clear ring keeps the dot legible
  const ground = y >= 0.82 && y <= 0.94 && x >= 0.03 && x <= 0.97;
  if (ground) return palette.ground;
  if (y < 0.82 && inEllipse(x, y, 0.5, 0.82, 0.45, 0.66)) {
    if (inEllipse(x, y, 0.5, 0.82, 0.17, 0.27)) return null; // the tunnel
    return palette.mound;
  }
  return null;
}

function render(size, palette, attention) {
  const n = 4; // 4×4 supersampling for smooth edges
  const px = Buffer.alloc(size * size * 4);
  for (let py = 0; py < size; py++) {
    for (let qx = 0; qx < size; qx++) {
      let r = 0, g = 0, b = 0, a = 0;
      for (let sy = 0; sy < n; sy++) {
        for (let sx = 0; sx < n; sx++) {
          const c = shape((qx + (sx + 0.5) / n) / size, (py + (sy + 0.5) / n) / size, palette, attention);
          if (!c) continue;
          r += c[0] * c[3]; g += c[1] * c[3]; b += c[2] * c[3]; a += c[3];
        }
      }
      const i = (py * size + qx) * 4;
      if (a > 0) {
        px[i] = Math.round(r / a); px[i + 1] = Math.round(g / a); px[i + 2] = Math.round(b / a);
      }
      px[i + 3] = Math.round(a / (n * n));
    }
  }
  return png(size, size, px);
}

function crc32(buf) {
  let c = ~0;
  for (const byte of buf) {
    c ^= byte;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
}

function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

function png(width, height, rgba) {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 6; // RGBA
  const rows = Buffer.alloc((width * 4 + 1) * height);
  for (let y = 0; y < height; y++) rgba.copy(rows, y * (width * 4 + 1) + 1, y * width * 4, (y + 1) * width * 4);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', header), chunk('IDAT', deflateSync(rows)), chunk('IEND', Buffer.alloc(0))]);
}

// macOS template images: black plus alpha; the menu bar tints them for light and dark mode.
const template = { mound: [0, 0, 0, 255], ground: [0, 0, 0, 255], dot: [0, 0, 0, 255] };
const colour = { mound: [166, 110, 62, 255], ground: [98, 64, 36, 255], dot: [232, 93, 4, 255] };
const paused = { mound: [150, 150, 150, 255], ground: [110, 110, 110, 255], dot: [150, 150, 150, 255] };

const files = {
  'trayTemplate.png': render(16, template, false),
  'trayTemplate@2x.png': render(32, template, false),
  'trayAttentionTemplate.png': render(16, template, true),
  'trayAttentionTemplate@2x.png': render(32, template, true),
  'tray.png': render(16, colour, false),
  'tray@2x.png': render(32, colour, false),
  'tray-attention.png': render(16, colour, true),
  'tray-attention@2x.png': render(32, colour, true),
  'tray-paused.png': render(16, paused, false),
  'tray-paused@2x.png': render(32, paused, false),
  'icon.png': render(512, colour, false),
};
for (const [name, data] of Object.entries(files)) writeFileSync(join(OUT, name), data);
console.log(`wrote ${Object.keys(files).length} icons to ${OUT}`);
