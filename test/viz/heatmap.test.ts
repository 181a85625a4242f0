/** Heatmap overlays: resampling, colour placement, outlines, and a real radiograph. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import sharp from 'sharp';
import { dataDir } from '../helpers.ts';
import { heatmapFigurePng, heatmapOverlayPng, heatmapOverlayRgb, jet, type RasterImage } from '../../src/viz/index.ts';
import { resizeGrid } from '../../src/util/resample.ts';

function greyImage(width: number, height: number, value = 128): RasterImage {
  return { data: new Uint8Array(width * height).fill(value), width, height, channels: 1 };
}
const rgbAt = (rgb: Uint8Array, width: number, x: number, y: number): number[] => Array.from(rgb.subarray((y * width + x) * 3, (y * width + x) * 3 + 3));

test('bilinear resize matches PyTorch interpolate(align_corners=False)', () => {
  // torch.nn.functional.interpolate(torch.tensor([[[[0., 1.], [2., 3.]]]]), size=4, mode='bilinear')
  const expected = [0, 0.25, 0.75, 1, 0.5, 0.75, 1.25, 1.5, 1.5, 1.75, 2.25, 2.5, 2, 2.25, 2.75, 3];
  assert.deepEqual(Array.from(resizeGrid([0, 1, 2, 3], 4, 4)), expected);
  // Non-square target, and a rectangular source given with its size.
  const wide = resizeGrid({ data: [0, 10], width: 2, height: 1 }, 4, 2);
  assert.deepEqual(Array.from(wide), [0, 2.5, 7.5, 10, 0, 2.5, 7.5, 10]);
});

test('nearest resize of 14×14 to 224×224 repeats each value over a 16×16 block (the reference upsampling)', () => {
  const heat = Float32Array.from({ length: 196 }, (_, i) => i);
  const out = resizeGrid(heat, 224, 224, 'nearest');
  for (const [y, x] of [[0, 0], [15, 15], [16, 16], [100, 37], [223, 223]]) {
    assert.equal(out[y * 224 + x], Math.floor(y / 16) * 14 + Math.floor(x / 16));
  }
});

test('jet maps 0 → dark blue, 0.5 → green-ish, 1 → dark red', () => {
  const colour = new Uint8Array(3);
  jet(0, colour, 0);
  assert.deepEqual(Array.from(colour), [0, 0, 128]);
  jet(0.5, colour, 0);
  assert.deepEqual(Array.from(colour), [128, 255, 128]);
  jet(1, colour, 0);
  assert.deepEqual(Array.from(colour), [128, 0, 0]);
  jet(2, colour, 0); // clamped
  assert.deepEqual(Array.from(colour), [128, 0, 0]);
});

test('the hottest heat location is red-ish and the coldest blue-ish in the overlay', () => {
  const heat = new Float32Array(14 * 14).fill(0.1);
  heat[3 * 14 + 10] = 1; // row 3, column 10
  heat[12 * 14 + 1] = 0; // the coldest cell
  const rgb = heatmapOverlayRgb(greyImage(224, 224), heat, { alpha: 0.5 });
  const [r, g, b] = rgbAt(rgb, 224, 10 * 16 + 8, 3 * 16 + 8);
  assert.ok(r > g + 50 && r > b + 50, `hot pixel ${[r, g, b]}`);
  const [cr, cg, cb] = rgbAt(rgb, 224, 1 * 16 + 8, 12 * 16 + 8);
  assert.ok(cb > cr + 40 && cb > cg + 40, `cold pixel ${[cr, cg, cb]}`);
});

test('alpha 0 returns the image; grey and RGB inputs blend the same way', () => {
  const image = greyImage(32, 32, 77);
  const heat = Float32Array.from({ length: 16 }, (_, i) => i);
  assert.ok(heatmapOverlayRgb(image, heat, { alpha: 0 }).every((v) => v === 77));
  const rgbImage: RasterImage = { data: new Uint8Array(32 * 32 * 3).fill(77), width: 32, height: 32, channels: 3 };
  assert.deepEqual(heatmapOverlayRgb(rgbImage, heat, { alpha: 0.4 }), heatmapOverlayRgb(image, heat, { alpha: 0.4 }));
});

test('box and mask outlines are drawn on their borders only', () => {
  const mask = new Uint8Array(64 * 64);
  for (let y = 40; y < 56; y++) for (let x = 8; x < 24; x++) mask[y * 64 + x] = 1;
  const rgb = heatmapOverlayRgb(greyImage(64, 64), new Float32Array(16), { box: { x: 30, y: 5, width: 20, height: 10 }, mask, alpha: 0.3 });
  assert.deepEqual(rgbAt(rgb, 64, 30, 5), [255, 255, 255]); // box corner
  assert.deepEqual(rgbAt(rgb, 64, 49, 14), [255, 255, 255]); // opposite corner (x + width − 1, y + height − 1)
  assert.notDeepEqual(rgbAt(rgb, 64, 40, 10), [255, 255, 255]); // box interior
  assert.deepEqual(rgbAt(rgb, 64, 8, 47), [255, 0, 255]); // mask left edge
  assert.deepEqual(rgbAt(rgb, 64, 15, 55), [255, 0, 255]); // mask bottom edge
  assert.notDeepEqual(rgbAt(rgb, 64, 15, 47), [255, 0, 255]); // mask interior
  assert.notDeepEqual(rgbAt(rgb, 64, 7, 47), [255, 0, 255]); // just outside
});

test('heatmapOverlayPng on a real radiograph: PNG of the image size, hot spot red-ish, box outlined', async () => {
  const { data, info } = await sharp(join(dataDir, 'nih-cxr14-sample', 'images', '00000820_000.png')).greyscale().raw().toBuffer({ resolveWithObject: true });
  assert.equal(info.channels, 1);
  const heat = new Float32Array(14 * 14);
  for (let y = 0; y < 14; y++) for (let x = 0; x < 14; x++) heat[y * 14 + x] = Math.exp(-((x - 4.5) ** 2 + (y - 11) ** 2) / 4);
  const png = await heatmapOverlayPng({ data, width: info.width, height: info.height, channels: 1 }, heat, { box: { x: 54.5, y: 166.8, width: 64.5, height: 81 }, alpha: 0.5 });
  const metadata = await sharp(png).metadata();
  assert.deepEqual([metadata.format, metadata.width, metadata.height], ['png', 256, 256]);
  const decoded = await sharp(png).raw().toBuffer();
  // Heat peak at cell (4.5, 11) → pixel ((4.5 + 0.5)·256/14, (11 + 0.5)·256/14) ≈ (91, 210).
  const [r, g, b] = rgbAt(decoded, 256, 91, 210);
  assert.ok(r > g + 30 && r > b + 30, `hot pixel ${[r, g, b]}`);
  assert.deepEqual(rgbAt(decoded, 256, 55, 167), [255, 255, 255]);
});

test('bad images, heat and options are rejected', () => {
  const image = greyImage(8, 8);
  assert.throws(() => heatmapOverlayRgb(image, new Float32Array(15)), { name: 'RangeError', message: /square number of values in heat/ });
  assert.throws(() => heatmapOverlayRgb(image, { data: new Float32Array(6), width: 3, height: 3 }), { name: 'RangeError', message: /9 values in heat.data/ });
  assert.throws(() => heatmapOverlayRgb({ ...image, channels: 5 }, new Float32Array(4)), { name: 'RangeError', message: /image.channels/ });
  assert.throws(() => heatmapOverlayRgb({ ...image, data: new Uint8Array(10) }, new Float32Array(4)), { name: 'RangeError', message: /64 bytes in image.data/ });
  assert.throws(() => heatmapOverlayRgb(image, new Float32Array(4), { alpha: 2 }), { name: 'RangeError', message: /alpha/ });
  assert.throws(() => heatmapOverlayRgb(image, Float32Array.from([0, 1, Number.NaN, 0])), { name: 'RangeError', message: /finite/ });
  assert.throws(() => heatmapOverlayRgb(image, new Float32Array(4), { box: { x: 0, y: 0, width: -1, height: 2 } }), { name: 'RangeError', message: /box/ });
  assert.throws(() => heatmapOverlayRgb({ data: [1, 2] as unknown as Uint8Array, width: 1, height: 2, channels: 1 }, new Float32Array(4)), { name: 'TypeError' });
});

test('floor: only the heat above the floor is coloured, the rest of the image is left as it is', () => {
  const heat = Float32Array.from({ length: 16 }, (_, i) => i / 15); // 4 × 4, 0 … 1 row by row
  const rgb = heatmapOverlayRgb(greyImage(4, 4, 90), heat, { floor: 0.5, alpha: 0.6, interpolation: 'nearest', range: [0, 1] });
  for (let i = 0; i < 16; i++) {
    const pixel = rgbAt(rgb, 4, i % 4, Math.floor(i / 4));
    if (i / 15 < 0.5) assert.deepEqual(pixel, [90, 90, 90], `cell ${i} below the floor`);
    else assert.notDeepEqual(pixel, [90, 90, 90], `cell ${i} above the floor`);
  }
  // the colour map spans the part above the floor: the floor itself is dark blue, the top dark red
  assert.deepEqual(rgbAt(rgb, 4, 3, 3), [Math.round(0.4 * 90 + 0.6 * 128), Math.round(0.4 * 90), Math.round(0.4 * 90)]);
  assert.throws(() => heatmapOverlayRgb(greyImage(4, 4), heat, { floor: 1 }), /Expected number in \[0, 1\) for floor but received 1 \(number\)/);
});

test('heatmapFigurePng: a 64-px image is enlarged to 256 px, its mask outlined there, with a colour bar beside it', async () => {
  const mask = new Uint8Array(64 * 64);
  for (let y = 10; y < 20; y++) for (let x = 30; x < 40; x++) mask[y * 64 + x] = 1;
  const heat = new Float32Array(8 * 8).fill(0.1);
  heat[1 * 8 + 4] = 1; // the cell over the mask
  const png = await heatmapFigurePng(greyImage(64, 64, 100), heat, { mask: { data: mask, width: 64, height: 64 }, range: [0, 1] });
  const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
  assert.deepEqual([info.width, info.height], [256 + 78, 256]);
  const at = (x: number, y: number): number[] => Array.from(data.subarray((y * info.width + x) * info.channels, (y * info.width + x) * info.channels + 3));
  assert.deepEqual(at(30 * 4, 12 * 4), [255, 0, 255], 'mask edge, scaled ×4');
  assert.deepEqual(at(200, 200), [100, 100, 100], 'cold image left uncoloured');
  const [r, g, b] = at(4 * 4 * 8 + 16, 1 * 4 * 8 + 16);
  assert.ok(r > g + 40 && r > b + 40, `hot cell red-ish: ${[r, g, b]}`);
  const barTop = at(256 + 19, 20), barBottom = at(256 + 19, 236);
  assert.ok(barTop[0] > barTop[2] && barBottom[2] > barBottom[0], `bar from red (top ${barTop}) to blue (bottom ${barBottom})`);
  await assert.rejects(heatmapFigurePng(greyImage(8, 8), heat, { minSide: 0 }), /Expected integer in \[1, 4096\] for minSide but received 0 \(number\)/);
});
