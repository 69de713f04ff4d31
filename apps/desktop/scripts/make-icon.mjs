// Draws build/icon.png (256×256), the app icon electron-builder turns into the Windows .ico:
// a blue rounded square with two white speech bubbles. Run once; the PNG is committed.
import { Buffer } from 'node:buffer';
import { writeFileSync } from 'node:fs';
import { URL } from 'node:url';
import { deflateSync } from 'node:zlib';

const size = 256;
const rgba = Buffer.alloc(size * size * 4);

/** @param {number} x @param {number} y @param {number[]} colour */
const put = (x, y, colour) => rgba.set(colour, (y * size + x) * 4);

/** @param {number} x @param {number} y @param {number} left @param {number} top @param {number} right @param {number} bottom @param {number} radius */
const inRoundedRect = (x, y, left, top, right, bottom, radius) => {
  const cx = Math.min(Math.max(x, left + radius), right - radius);
  const cy = Math.min(Math.max(y, top + radius), bottom - radius);
  return (
    (x - cx) ** 2 + (y - cy) ** 2 <= radius ** 2 &&
    x >= left &&
    x <= right &&
    y >= top &&
    y <= bottom
  );
};

for (let y = 0; y < size; y++) {
  for (let x = 0; x < size; x++) {
    if (!inRoundedRect(x, y, 8, 8, 247, 247, 56)) continue;
    const shade = Math.round(40 * (y / size));
    put(x, y, [37 - Math.round(shade / 2), 99 - shade, 235 - shade, 255]);
    const back =
      inRoundedRect(x, y, 52, 60, 170, 140, 28) ||
      (x >= 72 && x <= 96 && y >= 130 && y <= 160 && x - 72 <= 160 - y);
    const front =
      inRoundedRect(x, y, 96, 112, 206, 190, 28) ||
      (x >= 168 && x <= 190 && y >= 180 && y <= 208 && 190 - x <= 208 - y);
    if (front) put(x, y, [255, 255, 255, 255]);
    else if (back) put(x, y, [191, 219, 254, 255]);
  }
}

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
/** @param {Buffer} bytes */
const crc32 = (bytes) => {
  let c = 0xffffffff;
  for (const byte of bytes) c = (crcTable[(c ^ byte) & 0xff] ?? 0) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};
/** @param {string} type @param {Buffer} data */
const chunk = (type, data) => {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const typed = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typed));
  return Buffer.concat([length, typed, crc]);
};
const header = Buffer.alloc(13);
header.writeUInt32BE(size, 0);
header.writeUInt32BE(size, 4);
header.set([8, 6, 0, 0, 0], 8); // 8-bit RGBA
const rows = Buffer.alloc(size * (size * 4 + 1));
for (let y = 0; y < size; y++)
  rgba.copy(rows, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4);
const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  chunk('IHDR', header),
  chunk('IDAT', deflateSync(rows)),
  chunk('IEND', Buffer.alloc(0)),
]);
writeFileSync(new URL('../build/icon.png', import.meta.url), png);
