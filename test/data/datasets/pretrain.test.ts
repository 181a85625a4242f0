import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { NpyRows } from '../../../src/data/datasets/npy-rows.ts';
import { PretrainDataset } from '../../../src/data/datasets/pretrain.ts';
import { pretrainTargets } from '../../../src/data/datasets/protocl.ts';
import { OBSERVATIONS } from '../../../src/vocabulary.ts';
import { repoRoot } from '../../helpers.ts';
import { recordingLoader, sharpLoader, tempFiles } from './loaders.ts';

const pretrainDir = join(repoRoot, 'test/data/fixtures/datasets/pretrain');
const npyPath = join(pretrainDir, 'matrices.npy');
const jsonPath = join(pretrainDir, 'train.json');

test('NpyRows reads numpy-written float64 and int8 files row by row', async () => {
  const float64 = await NpyRows.open(npyPath);
  const int8 = await NpyRows.open(join(pretrainDir, 'matrices-int8.npy'));
  assert.deepEqual(float64.shape, [5, 51, 75]);
  assert.equal(float64.descr, '<f8');
  assert.equal(int8.descr, '|i1');
  assert.equal(float64.rowLength, 3825);
  for (let r = 0; r < 5; r++) assert.deepEqual(await int8.readRow(r), await float64.readRow(r));
  const edge = await float64.readRow(3);
  assert.equal(edge[44 * 75 + 8], 1);
  assert.equal(edge[45 * 75 + 8], -1);
  assert.equal(edge[10 * 75 + 20], 0);
  assert.equal((await float64.readRow(4))[7 * 75 + 24], 2);
  await assert.rejects(float64.readRow(5), { name: 'RangeError', message: `Expected row index in [0, 4] for ${npyPath} but received 5` });
});

test('NpyRows rejects files that are not C-ordered little-endian arrays of the size their header says', async () => {
  const header = (dict: string) => {
    const text = dict.padEnd(117, ' ') + '\n';
    return Buffer.concat([Buffer.from([0x93]), Buffer.from('NUMPY'), Buffer.from([1, 0]), Buffer.from([text.length, 0]), Buffer.from(text, 'latin1')]);
  };
  const { dir, cleanup } = tempFiles({
    'fortran.npy': Buffer.concat([header("{'descr': '<f8', 'fortran_order': True, 'shape': (2, 3), }"), Buffer.alloc(48)]),
    'big-endian.npy': Buffer.concat([header("{'descr': '>f8', 'fortran_order': False, 'shape': (2, 3), }"), Buffer.alloc(48)]),
    'short.npy': Buffer.concat([header("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }"), Buffer.alloc(40)]),
    'text.npy': 'not numpy',
  });
  try {
    await assert.rejects(NpyRows.open(join(dir, 'fortran.npy')), /fortran\.npy: Fortran-ordered arrays are not supported/);
    await assert.rejects(NpyRows.open(join(dir, 'big-endian.npy')), /big-endian\.npy: dtype ">f8" is not supported/);
    await assert.rejects(NpyRows.open(join(dir, 'short.npy')), /short\.npy: the file has 168 bytes but its header \(shape \[2,3\]\) needs 176/);
    await assert.rejects(NpyRows.open(join(dir, 'text.npy')), /text\.npy: not a \.npy file/);
  } finally {
    cleanup();
  }
});

test('pre-training samples: JSON key order, shared rows, image, matrix, labels and candidates of the epoch', async () => {
  const dataset = await PretrainDataset.open(jsonPath, npyPath, { loadImage: sharpLoader, seed: 5 });
  assert.equal(dataset.length, 4);
  assert.deepEqual(dataset.pathologies, OBSERVATIONS);
  assert.deepEqual([0, 1, 2, 3].map((i) => dataset.rowOf(i)), [0, 1, 3, 0]);
  const sample = await dataset.get(1);
  assert.equal(sample.imagePath, join(pretrainDir, 'images/s2.png'));
  assert.deepEqual([sample.image.width, sample.image.height, sample.image.channels], [4, 5, 3]);
  const row1 = await (await NpyRows.open(npyPath)).readRow(1);
  assert.deepEqual(sample.matrix, row1);
  const expected = pretrainTargets(row1, 5, 0, 1);
  assert.deepEqual(sample.labelPathology, expected.labelPathology);
  assert.deepEqual(sample.labelAnatomy, expected.labelAnatomy);
  assert.deepEqual(sample.indexPathology, expected.indexPathology);
  assert.deepEqual(sample.indexAnatomy, expected.indexAnatomy);
  assert.equal(sample.indexPathology.length, 75 * 8);
  assert.equal(sample.indexAnatomy.length, 51 * 8);
  // The contract's labels: the pathology labels with unknown (−1) as NaN.
  assert.deepEqual(Array.from(sample.labels), Array.from(expected.labelPathology, (v) => (v === -1 ? Number.NaN : v)));
  assert.deepEqual(await dataset.labelsOf(1), sample.labels);
  // Images 0 and 3 share matrix row 0 but draw their own candidates.
  const [first, last] = await Promise.all([dataset.get(0), dataset.get(3)]);
  assert.deepEqual(first.matrix, last.matrix);
  assert.notDeepEqual(first.indexPathology, last.indexPathology);
});

test('a resumed run draws the same candidates: they depend on (seed, epoch, index), not on history', async () => {
  const { loader } = recordingLoader();
  const run = await PretrainDataset.open(jsonPath, npyPath, { loadImage: loader, seed: 9 });
  const seen: Int32Array[][] = [];
  for (let epoch = 0; epoch < 3; epoch++) {
    run.setEpoch(epoch);
    seen.push(await Promise.all([3, 2, 1, 0].map(async (i) => (await run.get(i)).indexPathology)));
  }
  assert.notDeepEqual(seen[1][0], seen[2][0]);
  const resumed = await PretrainDataset.open(jsonPath, npyPath, { loadImage: loader, seed: 9, epoch: 2 });
  assert.equal(resumed.epoch, 2);
  assert.deepEqual((await resumed.get(3)).indexPathology, seen[2][0]);
  assert.deepEqual((await resumed.get(0, 1)).indexPathology, seen[1][3]);
  assert.equal((await resumed.get(0, 1)).epoch, 1);
  const otherSeed = await PretrainDataset.open(jsonPath, npyPath, { loadImage: loader, seed: 10, epoch: 2 });
  assert.notDeepEqual((await otherSeed.get(3)).indexPathology, seen[2][0]);
  assert.throws(() => run.setEpoch(-1), { name: 'RangeError' });
});

test('bad split files name the JSON file and key, or the .npy row', async () => {
  const { dir, cleanup } = tempFiles({
    'range.json': JSON.stringify({ 'images/a.png': { labels_id: 0 }, 'images/b.png': { labels_id: 5 } }),
    'type.json': JSON.stringify({ 'images/a.png': { labels_id: '0' } }),
    'missing-image.json': JSON.stringify({ 'gone.png': { labels_id: 0 } }),
    'array.json': '[1, 2]',
    'broken.json': '{ "a": ',
    'bad-value.json': JSON.stringify({ 'x.png': { labels_id: 4 } }),
    'x.png': '',
  });
  const file = (name: string) => join(dir, name);
  try {
    const open = (name: string) => PretrainDataset.open(file(name), npyPath, { checkFiles: false });
    await assert.rejects(open('range.json'), { message: `${file('range.json')}: key "images/b.png": labels_id 5 is out of range; ${npyPath} has rows 0 to 4` });
    await assert.rejects(open('type.json'), { message: `${file('type.json')}: key "images/a.png": expected an object with an integer "labels_id" but found {"labels_id":"0"}` });
    await assert.rejects(open('array.json'), { message: `${file('array.json')}: expected a JSON object mapping image paths to { "labels_id": <row> }` });
    await assert.rejects(open('broken.json'), new RegExp(`^Error: ${file('broken.json').replace(/[.]/g, '\\.')}: cannot read the split JSON`));
    await assert.rejects(PretrainDataset.open(file('missing-image.json'), npyPath), {
      message: `${file('missing-image.json')}: key "gone.png": image file "${file('gone.png')}" does not exist`,
    });
    const bad = await PretrainDataset.open(file('bad-value.json'), npyPath, { loadImage: recordingLoader().loader });
    await assert.rejects(bad.get(0), { message: `${npyPath}: row 4 (labels_id of ${file('bad-value.json')} key "x.png") has 2 at [7, 24]; expected -1, 0 or 1` });
    copyFileSync(npyPath, file('copy.npy'));
    const wrongShape = readFileSync(file('copy.npy'));
    writeFileSync(file('shape.npy'), Buffer.from(wrongShape.toString('latin1').replace('(5, 51, 75)', '(5, 75, 51)'), 'latin1'));
    await assert.rejects(PretrainDataset.open(file('range.json'), file('shape.npy'), { checkFiles: false }), {
      message: `${file('shape.npy')}: expected shape (N, 51, 75) but the file has (5, 75, 51)`,
    });
  } finally {
    cleanup();
  }
});
