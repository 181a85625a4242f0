import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { SiimDataset, maskLabel } from '../../../src/data/datasets/siim.ts';
import { repoRoot } from '../../helpers.ts';
import { recordingLoader, sharpLoader, tempFiles } from './loaders.ts';

const siimDir = join(repoRoot, 'test/data/fixtures/datasets/siim');
const csv = join(siimDir, 'stage_1_train_images.csv');

test('SIIM: file names from image_path (POSIX or Windows), images and masks beside the CSV, label = any mask pixel', async () => {
  const dataset = await SiimDataset.open(csv, { loadImage: sharpLoader, channels: 1 });
  assert.equal(dataset.length, 2);
  assert.deepEqual(dataset.pathologies, ['pneumothorax']);
  const positive = await dataset.get(0);
  assert.equal(positive.imagePath, join(siimDir, 'png_images/1.2.276.0.1.png'));
  assert.equal(positive.maskPath, join(siimDir, 'png_masks/1.2.276.0.1.png'));
  assert.deepEqual([positive.image.width, positive.image.height, positive.mask.width, positive.mask.channels], [8, 6, 8, 1]);
  assert.equal(positive.image.data[2 * 8 + 5], 25); // pixel (5, 2) = 5 + 10·2
  assert.equal(Array.from(positive.mask.data).filter((v) => v > 0).length, 1); // the one-pixel mask
  assert.deepEqual(Array.from(positive.labels), [1]);
  const negative = await dataset.get(1);
  assert.equal(negative.imagePath, join(siimDir, 'png_images/1.2.276.0.2.png')); // from "C:\siim\1.2.276.0.2.png"
  assert.deepEqual(Array.from(negative.labels), [0]);
  assert.deepEqual(Array.from(await dataset.labelsOf(0)), [1]);
  assert.deepEqual(Array.from(await dataset.labelsOf(1)), [0]);
});

test('SIIM: labelsOf decodes only the mask, once; folders are configurable', async () => {
  const { loader, calls } = recordingLoader();
  const dataset = await SiimDataset.open(csv, { loadImage: loader, imageDir: 'png_masks', maskDir: join(siimDir, 'png_masks') });
  assert.deepEqual(Array.from(await dataset.labelsOf(1)), [0]); // the recording loader's 1 × 1 image is all zero
  await dataset.labelsOf(1);
  assert.deepEqual(calls, [{ path: join(siimDir, 'png_masks/1.2.276.0.2.png'), channels: 1 }]);
  const sample = await dataset.get(0);
  assert.equal(sample.imagePath, join(siimDir, 'png_masks/1.2.276.0.1.png'));
  assert.equal(maskLabel({ data: new Uint16Array([0, 0, 3]), width: 3, height: 1, channels: 1, bitDepth: 16 }), 1);
});

test('SIIM: a missing mask or column names the file, line and column', async () => {
  const { dir, cleanup } = tempFiles({
    'list.csv': 'image_path\nx/1.png\nx/2.png\n',
    'bad.csv': 'ImageId\n1.png\n',
  });
  const { mkdirSync, writeFileSync } = await import('node:fs');
  mkdirSync(join(dir, 'png_images'));
  mkdirSync(join(dir, 'png_masks'));
  for (const name of ['1.png', '2.png']) writeFileSync(join(dir, 'png_images', name), '');
  writeFileSync(join(dir, 'png_masks', '1.png'), '');
  try {
    await assert.rejects(SiimDataset.open(join(dir, 'list.csv')), {
      message: `${join(dir, 'list.csv')} line 3: column "image_path": mask file "${join(dir, 'png_masks/2.png')}" does not exist`,
    });
    await assert.rejects(SiimDataset.open(join(dir, 'bad.csv')), {
      message: `${join(dir, 'bad.csv')} line 1: missing column "image_path"; the header has "ImageId"`,
    });
    const custom = await SiimDataset.open(join(dir, 'bad.csv'), { imageColumn: 'ImageId', loadImage: recordingLoader().loader });
    assert.equal(custom.length, 1);
  } finally {
    cleanup();
  }
});
