import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RsnaDataset, boxMask, type Box } from '../../../src/data/datasets/rsna.ts';
import { nearestSourceIndices } from '../../../src/util/resample.ts';
import { dataDir, repoRoot } from '../../helpers.ts';
import { recordingLoader, sharpLoader, tempFiles } from './loaders.ts';

const fixtures = join(repoRoot, 'test/data/fixtures/datasets');
const sampleDir = join(dataDir, 'nih-cxr14-sample');

test('every row of the real RSNA sample: labels and boxes match an independent reading of the CSV', async () => {
  const dataset = await RsnaDataset.open(join(sampleDir, 'rsna_boxes.csv'), { loadImage: recordingLoader().loader });
  assert.equal(dataset.length, 222);
  assert.deepEqual(dataset.pathologies, ['pneumonia']);
  const lines = readFileSync(join(sampleDir, 'rsna_boxes.csv'), 'utf8').trim().split('\n').slice(1);
  let positives = 0;
  let boxes = 0;
  for (let i = 0; i < dataset.length; i++) {
    const [, , boxText, cls] = lines[i].split(',');
    const label = (await dataset.labelsOf(i))[0];
    assert.equal(label, Number(cls));
    const expected = boxText === 'nan' ? [] : boxText.split('|').map((b) => b.split(';').map(Number));
    assert.deepEqual(dataset.boxesOf(i).map((b) => [b.x, b.y, b.w, b.h]), expected, `row ${i}`);
    positives += label;
    boxes += expected.length;
    for (const b of dataset.boxesOf(i)) assert.ok(b.x >= 0 && b.y >= 0 && b.x + b.w <= 256.5 && b.y + b.h <= 256.5, `row ${i} box inside the 256-px image`);
  }
  assert.equal(positives, 29); // README: 29 positives with 37 boxes, 193 negatives
  assert.equal(boxes, 37);
});

test('RSNA samples decode their real image; the box mask of a real positive matches a per-pixel rasterisation', async () => {
  const dataset = await RsnaDataset.open(join(sampleDir, 'rsna_boxes.csv'), { loadImage: sharpLoader, channels: 1 });
  const index = [...Array(dataset.length).keys()].find((i) => dataset.boxesOf(i).length === 2)!;
  const sample = await dataset.get(index);
  assert.equal(sample.image.width, 256);
  assert.equal(sample.image.height, 256);
  assert.equal(sample.id.length, 36);
  const mask = boxMask(sample.boxes, 256, 256, 224, 224);
  // Independent per-pixel form: output (y, x) takes source (⌊y·s⌋, ⌊x·s⌋), s = float32(256/224); a source pixel is
  // inside a box when int(x) ≤ column < int(x) + int(w) and likewise for rows.
  const s = Math.fround(256 / 224);
  let ones = 0;
  for (let y = 0; y < 224; y++) {
    for (let x = 0; x < 224; x++) {
      const sy = Math.floor(Math.fround(y * s));
      const sx = Math.floor(Math.fround(x * s));
      const inside = sample.boxes.some((b) => sx >= Math.trunc(b.x) && sx < Math.trunc(b.x) + Math.trunc(b.w) && sy >= Math.trunc(b.y) && sy < Math.trunc(b.y) + Math.trunc(b.h));
      assert.equal(mask[y * 224 + x], inside ? 1 : 0, `pixel (${x}, ${y})`);
      ones += mask[y * 224 + x];
    }
  }
  const area = sample.boxes.reduce((a, b) => a + b.w * b.h, 0) * (224 / 256) ** 2;
  assert.ok(ones > 0.8 * area && ones < 1.2 * area, `mask area ${ones} vs box area ${area.toFixed(0)} at 224 px`);
});

test('boxMask: int() truncation of float boxes, clipping, and PyTorch nearest indices', () => {
  // 6 × 4 grid, box (1.5, 0.9, 2.6, 2.2) → int → columns 1..2, rows 0..1.
  assert.deepEqual(Array.from(boxMask([{ x: 1.5, y: 0.9, w: 2.6, h: 2.2 }], 6, 4, 6, 4)), [
    0, 1, 1, 0, 0, 0,
    0, 1, 1, 0, 0, 0,
    0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0,
  ]);
  // Boxes running off the grid are clipped; one starting right of it covers nothing; zero-size boxes cover nothing.
  assert.deepEqual(Array.from(boxMask([{ x: -2, y: 2, w: 4, h: 9 }, { x: 7, y: 0, w: 3, h: 1 }, { x: 3, y: 0, w: 0.9, h: 3 }], 4, 3, 4, 3)), [
    0, 0, 0, 0,
    0, 0, 0, 0,
    1, 1, 0, 0,
  ]);
  // PyTorch's nearest rule for 1024 → 224 (float32 scale): 0, 4, 9, 13, 18, 22, 27, 32, …; the last is 1019.
  const indices = nearestSourceIndices(1024, 224);
  assert.deepEqual(Array.from(indices.slice(0, 8)), [0, 4, 9, 13, 18, 22, 27, 32]);
  assert.equal(indices[223], 1019);
  assert.equal(indices[14], 64);
  // 168 · 300/224 = 225 exactly: PyTorch's float32 scale gives 225, where float64 arithmetic would give 224.
  assert.equal(nearestSourceIndices(300, 224)[168], 225);
  assert.deepEqual(Array.from(nearestSourceIndices(3, 6)), [0, 0, 1, 1, 2, 2]);
  assert.deepEqual(Array.from(nearestSourceIndices(4, 3)), [0, 1, 2]);
  // The reference's 1024-px grid, 224-px output: a box covering the left half covers output columns 0..111.
  const half = boxMask([{ x: 0, y: 0, w: 512, h: 1024 }], 1024, 1024, 224, 224);
  assert.deepEqual([half[111], half[112], half[223 * 224 + 111], half[223 * 224 + 112]], [1, 0, 1, 0]);
  assert.throws(() => boxMask([], 0, 4, 4, 4), { name: 'RangeError', message: 'Expected integer in [1, 65536] for originalWidth but received 0 (number)' });
  assert.throws(() => boxMask([], 4, 4, 2.5, 4), { name: 'TypeError' });
});

test('RSNA fixture: classes, boxes and paths relative to the CSV folder', async () => {
  const { loader, calls } = recordingLoader();
  const dataset = await RsnaDataset.open(join(fixtures, 'rsna.csv'), { loadImage: loader });
  const boxes: Box[][] = [0, 1, 2].map((i) => dataset.boxesOf(i));
  assert.deepEqual(boxes, [[{ x: 1.5, y: 0.9, w: 2.6, h: 2.2 }], [], [{ x: 0, y: 0, w: 1, h: 1 }, { x: 1.9, y: 1.2, w: 1, h: 1.7 }]]);
  const sample = await dataset.get(2);
  assert.equal(sample.id, 'id-c');
  assert.deepEqual(Array.from(sample.labels), [1]);
  assert.deepEqual(calls, [{ path: join(fixtures, 'images/c.png'), channels: 3 }]);
  sample.boxes[0].x = 99; // samples get copies
  assert.equal(dataset.boxesOf(2)[0].x, 0);
});

test('malformed RSNA rows give errors naming file, line and column', async () => {
  const rows = (row: string) => `ID,img_path,boxes,classes\nok,a.png,nan,0\n${row}\n`;
  const { dir, cleanup } = tempFiles({
    'short-box.csv': rows('x,a.png,1;2;3,1'),
    'text-box.csv': rows('x,a.png,1;2;3;4|1;two;3;4,1'),
    'no-box.csv': rows('x,a.png,nan,1'),
    'negative-with-box.csv': rows('x,a.png,1;2;3;4,0'),
    'class.csv': rows('x,a.png,nan,2'),
    'negative-size.csv': rows('x,a.png,1;2;-3;4,1'),
    'valid.csv': rows('y,b.png,1;2;3;4,1'),
  });
  const file = (name: string) => join(dir, name);
  try {
    const open = (name: string) => RsnaDataset.open(file(name), { checkFiles: false });
    await assert.rejects(open('short-box.csv'), { message: `${file('short-box.csv')} line 3: column "boxes" must hold boxes "x;y;w;h" joined by "|" (or "nan") but has "1;2;3"` });
    await assert.rejects(open('text-box.csv'), { message: `${file('text-box.csv')} line 3: column "boxes" must hold boxes "x;y;w;h" joined by "|" (or "nan") but has "1;two;3;4"` });
    await assert.rejects(open('no-box.csv'), { message: `${file('no-box.csv')} line 3: column "boxes" must hold at least one box when "classes" is 1 but is empty` });
    await assert.rejects(open('negative-with-box.csv'), { message: `${file('negative-with-box.csv')} line 3: column "boxes" must be "nan" when "classes" is 0` });
    await assert.rejects(open('class.csv'), { message: `${file('class.csv')} line 3: column "classes" must be 0 or 1 but is "2"` });
    await assert.rejects(open('negative-size.csv'), { message: `${file('negative-size.csv')} line 3: column "boxes" has a box with negative width or height: "1;2;-3;4"` });
    await assert.rejects(RsnaDataset.open(file('valid.csv')), { message: `${file('valid.csv')} line 2: column "img_path": image file "${file('a.png')}" does not exist` });
  } finally {
    cleanup();
  }
});
