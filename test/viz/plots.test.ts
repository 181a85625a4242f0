/** Loss and ROC plots: valid PNGs of the requested size, with the lines where the data puts them. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { lossCurvePng, lossCurveSvg, rocCurvesPng } from '../../src/viz/index.ts';
import { linearTicks, logTicks, formatTick } from '../../src/viz/svg.ts';

async function decode(png: Buffer): Promise<{ data: Buffer; width: number; height: number; channels: number; format: string | undefined }> {
  const metadata = await sharp(png).metadata();
  const { data, info } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, channels: info.channels, format: metadata.format };
}

function pixel(image: { data: Buffer; width: number; channels: number }, x: number, y: number): [number, number, number] {
  const o = (Math.round(y) * image.width + Math.round(x)) * image.channels;
  return [image.data[o], image.data[o + 1], image.data[o + 2]];
}

function countNear(image: { data: Buffer; channels: number }, colour: [number, number, number], tolerance = 40): number {
  let count = 0;
  for (let o = 0; o < image.data.length; o += image.channels) {
    if (Math.abs(image.data[o] - colour[0]) + Math.abs(image.data[o + 1] - colour[1]) + Math.abs(image.data[o + 2] - colour[2]) <= tolerance) count++;
  }
  return count;
}

const BLUE: [number, number, number] = [0x1f, 0x77, 0xb4];
const ORANGE: [number, number, number] = [0xff, 0x7f, 0x0e];

test('tick helpers give 1-2-5 steps, decades on log axes, and clean labels', () => {
  assert.deepEqual(linearTicks(0, 1, 5), [0, 0.2, 0.4, 0.6, 0.8, 1]);
  assert.deepEqual(linearTicks(0, 100, 5), [0, 20, 40, 60, 80, 100]);
  assert.deepEqual(logTicks(0.01, 1000), [0.01, 0.1, 1, 10, 100, 1000]);
  assert.deepEqual(logTicks(0.15, 3), [0.2, 0.5, 1, 2]);
  assert.deepEqual(logTicks(9e-6, 1.1e-4), [1e-5, 2e-5, 3e-5, 5e-5, 1e-4]);
  assert.equal(formatTick(0.6000000000000001), '0.6');
  assert.equal(formatTick(1e-5), '1e-5');
  assert.equal(formatTick(250000), '3e5');
});

test('lossCurvePng: a PNG of the requested size with both series drawn', async () => {
  const train = Array.from({ length: 50 }, (_, i) => [i, 2 * Math.exp(-i / 15) + 0.1] as const);
  const valid = Array.from({ length: 10 }, (_, i) => [i * 5, 2.2 * Math.exp(-i / 3) + 0.2] as const);
  const png = await lossCurvePng([{ name: 'train', points: train }, { name: 'valid', points: valid }], {
    title: 'Pre-training loss', xLabel: 'epoch', yLabel: 'loss', width: 700, height: 450,
  });
  const image = await decode(png);
  assert.equal(image.format, 'png');
  assert.deepEqual([image.width, image.height], [700, 450]);
  assert.deepEqual(pixel(image, 2, 2), [255, 255, 255]);
  assert.ok(countNear(image, BLUE) > 300, `blue pixels ${countNear(image, BLUE)}`);
  assert.ok(countNear(image, ORANGE) > 300, `orange pixels ${countNear(image, ORANGE)}`);
  // The title is rendered text: dark pixels in the band above the plot area.
  let dark = 0;
  for (let y = 10; y < 40; y++) for (let x = 200; x < 500; x++) if (pixel(image, x, y)[0] < 100) dark++;
  assert.ok(dark > 200, `dark title pixels ${dark}`);
});

test('lossCurveSvg places points linearly, or by decades with logY', () => {
  const points = [[0, 0.1], [1, 1], [2, 10]] as const;
  const ys = (svg: string): number[] => {
    const match = /<polyline points="([^"]+)"/.exec(svg);
    assert.ok(match);
    return match[1].split(' ').map((pair) => Number(pair.split(',')[1]));
  };
  const [low, middle, high] = ys(lossCurveSvg([{ name: 'l', points }], { title: 't', xLabel: 'x', yLabel: 'y', logY: true }));
  assert.ok(Math.abs(middle - (low + high) / 2) < 0.02, `log middle ${middle} vs ${(low + high) / 2}`);
  const [l, m, h] = ys(lossCurveSvg([{ name: 'l', points }], { title: 't', xLabel: 'x', yLabel: 'y' }));
  assert.ok(Math.abs((m - l) / (h - l) - 0.9 / 9.9) < 1e-3);
  assert.ok(h < l, 'larger y is higher up');
});

test('lossCurvePng rejects bad series', async () => {
  await assert.rejects(lossCurvePng([], { title: 't', xLabel: 'x', yLabel: 'y' }), { name: 'RangeError' });
  await assert.rejects(lossCurvePng([{ name: 'a', points: [[0, Number.NaN]] }], { title: 't', xLabel: 'x', yLabel: 'y' }), { name: 'RangeError', message: /series "a" point 0/ });
  await assert.rejects(lossCurvePng([{ name: 'a', points: [[0, 0]] }], { title: 't', xLabel: 'x', yLabel: 'y', logY: true }), { name: 'RangeError', message: /log axis/ });
  await assert.rejects(lossCurvePng([{ name: 'a', points: [[0, 1]] }], { title: 't', xLabel: 'x', yLabel: 'y', width: 10 }), { name: 'RangeError', message: /width/ });
});

test('rocCurvesPng: the curve passes through its points and the chance diagonal is drawn', async () => {
  const png = await rocCurvesPng([{ name: 'pneumonia', fpr: [0, 0.5, 1], tpr: [0, 1, 1], auc: 0.75 }], { size: 640 });
  const image = await decode(png);
  assert.deepEqual([image.width, image.height, image.format], [640, 640, 'png']);
  // Plot area: x 80…610, y 575…50 (see rocCurvesSvg). The segment (0,0)–(0.5,1) passes (0.25, 0.5).
  // The line is 2.5 px wide and anti-aliased: take the bluest pixel within ±2 px of the point.
  const nearby = [-2, -1, 0, 1, 2].map((dx) => pixel(image, 80 + 0.25 * 530 + dx, 575 - 0.5 * 525));
  const [r, g, b] = nearby.reduce((best, p) => (p[2] - p[0] > best[2] - best[0] ? p : best));
  assert.ok(b > 150 && r < 60 && g < 140, `curve pixel ${[r, g, b]}`);
  // Away from every line (above the curve's knee, inside the plot) the plot is white.
  assert.deepEqual(pixel(image, 80 + 0.75 * 530 + 3, 575 - 0.5 * 525 + 3), [255, 255, 255]);
  // Grey dashes along y = x (search a few pixels around points of the diagonal: dashes have gaps).
  let grey = 0;
  for (let t = 0.55; t < 0.95; t += 0.01) {
    const [gr, gg, gb] = pixel(image, 80 + t * 530, 575 - t * 525);
    if (Math.abs(gr - gg) < 10 && Math.abs(gg - gb) < 10 && gr > 100 && gr < 220) grey++;
  }
  assert.ok(grey > 5, `grey diagonal samples ${grey}`);
  await assert.rejects(rocCurvesPng([{ name: 'x', fpr: [0, 1.5], tpr: [0, 1], auc: 1 }]), { name: 'RangeError', message: /curve "x" point 1/ });
  await assert.rejects(rocCurvesPng([]), { name: 'RangeError' });
});
