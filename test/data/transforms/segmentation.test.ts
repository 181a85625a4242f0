import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readImage, type Image } from '../../../src/io/image.ts';
import { Random } from '../../../src/util/random.ts';
import { randomResizedCropBox } from '../../../src/data/transforms/random-resized-crop.ts';
import { crop, resize } from '../../../src/data/transforms/resize.ts';
import { normalize } from '../../../src/data/transforms/normalize.ts';
import { horizontalFlip } from '../../../src/data/transforms/flip.ts';
import { resizeMask, segmentationTestTransform, segmentationTrainTransform } from '../../../src/data/transforms/segmentation.ts';
import { dataDir } from '../../helpers.ts';

const row = (values: number[]): Image => ({ data: Uint8Array.from(values), width: values.length, height: 1, channels: 1, bitDepth: 8 });

test('resizeMask picks ⌊dst·in/out⌋ like torch interpolate(mode="nearest") (values from torch)', () => {
  assert.deepEqual(Array.from(resizeMask(row([0, 1, 2, 3]), 2, 1).data), [0, 2]);
  assert.deepEqual(Array.from(resizeMask(row([0, 1]), 5, 1).data), [0, 0, 0, 1, 1]);
  assert.deepEqual(Array.from(resizeMask(row([0, 1, 2, 3, 4, 5, 6]), 3, 1).data), [0, 2, 4]);
});

async function imageAndMask(): Promise<[Image, Image]> {
  const image = await readImage(join(dataDir, 'nih-cxr14-sample', 'images', '00000129_000.png'));
  const mask = new Uint8Array(256 * 256);
  for (let y = 100; y < 180; y++) for (let x = 30; x < 90; x++) mask[y * 256 + x] = 255; // the patient's right lung field
  return [image, { data: mask, width: 256, height: 256, channels: 1, bitDepth: 8 }];
}

test('train transform crops image and mask with the same box (image bicubic, mask nearest)', async () => {
  const [image, mask] = await imageAndMask();
  for (const seed of [1, 2, 3]) {
    const sample = segmentationTrainTransform(new Random(seed))(image, mask);
    const box = randomResizedCropBox(256, 256, new Random(seed));
    const expectedMask = resizeMask(crop(mask, box.left, box.top, box.width, box.height), 224, 224);
    assert.deepEqual(sample.mask, Float32Array.from(expectedMask.data, (v) => v / 255));
    assert.deepEqual(sample.input, normalize(resize(crop(image, box.left, box.top, box.width, box.height), 224, 224, 'bicubic')));
    assert.equal(sample.input.length, 3 * 224 * 224);
    assert.equal(sample.label, expectedMask.data.some((v) => v > 0) ? 1 : 0);
  }
});

test('flip mirrors image and mask together; off by default', async () => {
  const [image, mask] = await imageAndMask();
  let flipped = 0;
  for (let seed = 0; seed < 6; seed++) {
    const plain = segmentationTrainTransform(new Random(seed))(image, mask);
    const maybe = segmentationTrainTransform(new Random(seed), { flip: true })(image, mask);
    const mirroredMask = horizontalFlip({ data: Uint8Array.from(plain.mask, (v) => v * 255), width: 224, height: 224, channels: 1, bitDepth: 8 });
    if (maybe.mask.every((v, i) => v === plain.mask[i]) && maybe.input.every((v, i) => v === plain.input[i])) continue;
    flipped++;
    assert.deepEqual(Array.from(maybe.mask, (v) => v * 255), Array.from(mirroredMask.data));
    assert.equal(maybe.input[0], plain.input[223]);
  }
  assert.ok(flipped > 0 && flipped < 6, `${flipped} of 6 flipped`);
});

test('test transform: bilinear image, nearest mask, label from the resized mask (a tiny mask can vanish)', async () => {
  const [image, mask] = await imageAndMask();
  const sample = segmentationTestTransform()(image, mask);
  assert.deepEqual(sample.input, normalize(resize(image, 224, 224, 'bilinear')));
  assert.equal(sample.label, 1);
  const tiny = { data: new Uint8Array(100), width: 10, height: 10, channels: 1 as const, bitDepth: 8 as const };
  tiny.data[1 * 10 + 1] = 255; // rows/columns 0, 3, 6 are sampled at 3×3: pixel (1, 1) is missed
  const small = { data: new Uint8Array(100).fill(90), width: 10, height: 10, channels: 1 as const, bitDepth: 8 as const };
  assert.equal(segmentationTestTransform({ size: 3 })(small, tiny).label, 0);
  assert.throws(() => segmentationTestTransform()(image, tiny), RangeError);
});
