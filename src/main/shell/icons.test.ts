import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const build = resolve(__dirname, '../../../build');
const read = (name: string): Buffer => readFileSync(resolve(build, name));

/** Width and height from a PNG's IHDR chunk. */
const pngSize = (png: Buffer): [number, number] => {
  expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
  return [png.readUInt32BE(16), png.readUInt32BE(20)];
};

describe('app icons in build/ (rendered from icon.svg by render-icons.sh)', () => {
  it('has the 1024 px PNG, every Linux size, a Windows .ico up to 256 px and a macOS .icns', () => {
    expect(pngSize(read('icon.png'))).toEqual([1024, 1024]);
    for (const size of [16, 24, 32, 48, 64, 128, 256, 512, 1024]) expect(pngSize(read(`icons/${size}x${size}.png`))).toEqual([size, size]);
    const ico = read('icon.ico');
    expect(ico.readUInt16LE(2)).toBe(1); // an icon resource
    const sizes = Array.from({ length: ico.readUInt16LE(4) }, (_, i) => ico[6 + i * 16] || 256);
    expect(sizes).toEqual([16, 24, 32, 48, 64, 128, 256]);
    const icns = read('icon.icns');
    expect(icns.subarray(0, 4).toString('latin1')).toBe('icns');
    expect(icns.readUInt32BE(4)).toBe(icns.length);
  });

  it('is what electron-builder.yml names', () => {
    const config = readFileSync(resolve(build, '../electron-builder.yml'), 'utf8');
    for (const line of ['icon: build/icons', 'icon: build/icon.icns', 'icon: build/icon.ico', 'from: build/icon.png']) expect(config).toContain(line);
  });
});
