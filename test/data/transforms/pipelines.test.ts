import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readImage, type Image } from '../../../src/io/image.ts';
import { Random } from '../../../src/util/random.ts';
import { randomResizedCrop, randomResizedCropBox } from '../../../src/data/transforms/random-resized-crop.ts';
import { equalizeHistogram, equalizeHistogramValues } from '../../../src/data/transforms/equalize-histogram.ts';
import { normalize } from '../../../src/data/transforms/normalize.ts';
import { resize } from '../../../src/data/transforms/resize.ts';
import { testTransform, trainTransform } from '../../../src/data/transforms/pipelines.ts';
import { compare, dataDir } from '../../helpers.ts';

const nih = join(dataDir, 'nih-cxr14-sample', 'images', '00000129_000.png');

test('randomResizedCropBox: boxes inside the image, area and ratio within range; fallback centre crop', () => {
  const rng = new Random(5);
  for (let i = 0; i < 2000; i++) {
    const box = randomResizedCropBox(256, 200, rng);
    assert.ok(box.left >= 0 && box.top >= 0 && box.left + box.width <= 256 && box.top + box.height <= 200, JSON.stringify(box));
    const area = (box.width * box.height) / (256 * 200);
    // Rounding of w and h moves the area and ratio a little beyond the drawn values.
    assert.ok(area > 0.18 && area <= 1, `area ${area}`);
    const ratio = box.width / box.height;
    assert.ok(ratio > 0.7 && ratio < 1.42, `ratio ${ratio}`);
  }
  // 100×10 cannot hold 90 % of its area at ratio ≤ 4/3: fallback h = 10, w = round(10·4/3) = 13, centred.
  assert.deepEqual(randomResizedCropBox(100, 10, new Random(1), { scale: [0.9, 1] }), { left: 43, top: 0, width: 13, height: 10 });
  assert.deepEqual(randomResizedCropBox(10, 100, new Random(1), { scale: [0.9, 1] }), { left: 0, top: 43, width: 10, height: 13 });
  assert.throws(() => randomResizedCropBox(10, 10, new Random(1), { scale: [0.5, 0.1] }), RangeError);
});

test('randomResizedCrop gives size×size, deterministically for a seed', async () => {
  const image = await readImage(nih, { channels: 3 });
  const a = randomResizedCrop(image, new Random(9), { size: 224 });
  const b = randomResizedCrop(image, new Random(9), { size: 224 });
  assert.deepEqual([a.width, a.height, a.channels], [224, 224, 3]);
  assert.deepEqual(a.data, b.data);
  assert.notDeepEqual(randomResizedCrop(image, new Random(10), { size: 224 }).data, a.data);
});

test('equalizeHistogram = skimage equalize_hist ×255 truncated (known histograms, values from NumPy)', () => {
  const four: Image = { data: Uint8Array.from([0, 85, 170, 255, 0, 85, 170, 255]), width: 4, height: 2, channels: 1, bitDepth: 8 };
  assert.deepEqual(Array.from(equalizeHistogram(four).data), [63, 116, 191, 255, 63, 116, 191, 255]);
  compare(equalizeHistogramValues([0, 1 / 3, 2 / 3, 1]), [0.25, 0.4583333333333333, 0.75, 1], 1e-12, 0, 'cdf');
  const two: Image = { data: Uint8Array.from([0, 255, 0, 255]), width: 2, height: 2, channels: 1, bitDepth: 8 };
  assert.deepEqual(Array.from(equalizeHistogram(two).data), [127, 255, 127, 255]);
  // A constant image: numpy widens the range to [v−½, v+½]; the value sits between two bin centres → 0.5.
  compare(equalizeHistogramValues([3, 3, 3]), [0.5, 0.5, 0.5], 1e-12, 0, 'constant');
  assert.throws(() => equalizeHistogramValues([]), RangeError);
});

test('normalize: ImageNet mean/std in float32 CHW, grey replicated (torch ToTensor + Normalize values)', () => {
  const rgb: Image = { data: Uint8Array.from([0, 128, 255, 255, 0, 128]), width: 2, height: 1, channels: 3, bitDepth: 8 };
  const out = normalize(rgb);
  assert.equal(out.length, 6);
  // torch: (tensor / 255 − mean) / std, float32.
  compare(out, [-2.1179039478302, 2.248908281326294, 0.20518219470977783, -2.0357141494750977, 2.640000104904175, 0.4264925718307495], 1e-7, 0, 'normalize');
  const greyOut = normalize({ data: Uint8Array.from([0, 255]), width: 2, height: 1, channels: 1, bitDepth: 8 });
  compare(greyOut, [-2.1179039478302, 2.248908281326294, -2.0357141494750977, 2.4285714626312256, -1.804444432258606, 2.640000104904175], 1e-7, 0, 'grey');
});

test('testTransform = bilinear resize to 224 + normalize; trainTransform: shape, seed determinism, flip off by default', async () => {
  const image = await readImage(nih);
  const input = testTransform()(image);
  assert.equal(input.length, 3 * 224 * 224);
  assert.deepEqual(input, normalize(resize(image, 224, 224, 'bilinear')));

  const start = performance.now();
  const a = trainTransform(new Random(42))(image);
  const ms = performance.now() - start;
  const b = trainTransform(new Random(42))(image);
  assert.equal(a.length, 3 * 224 * 224);
  assert.deepEqual(a, b);
  assert.notDeepEqual(trainTransform(new Random(43))(image), a);
  // Channels of a grey image stay equal up to the per-channel mean/std: undo them and compare planes.
  const plane = 224 * 224;
  for (const i of [0, 5000, plane - 1]) {
    const r = a[i] * 0.229 + 0.485, g = a[plane + i] * 0.224 + 0.456;
    assert.ok(Math.abs(r - g) < 1e-5);
  }
  // With flip on and RandAugment off, the same seed draws the same crop; flipped views mirror unflipped ones.
  let mirrored = 0;
  for (let seed = 0; seed < 6; seed++) {
    const plain = trainTransform(new Random(seed), { randAugment: false })(image);
    const flipped = trainTransform(new Random(seed), { randAugment: false, flip: true })(image);
    if (plain[0] !== flipped[0] || plain[223] !== flipped[223]) {
      mirrored++;
      assert.equal(flipped[0], plain[223]);
    } else {
      assert.deepEqual(flipped, plain);
    }
  }
  assert.ok(mirrored > 0 && mirrored < 6, `${mirrored} of 6 flipped`);
  console.log(`trainTransform on a 256² image: ${ms.toFixed(1)} ms`);
});
