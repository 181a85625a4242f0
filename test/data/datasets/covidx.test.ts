import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { CovidxDataset } from '../../../src/data/datasets/covidx.ts';
import { repoRoot } from '../../helpers.ts';
import { recordingLoader, sharpLoader, tempFiles } from './loaders.ts';

const covidxDir = join(repoRoot, 'test/data/fixtures/datasets/covidx');

test('COVIDx binary list: fields, comments, tabs, case-insensitive labels, images in the folder named after the list', async () => {
  const dataset = await CovidxDataset.open(join(covidxDir, 'train.txt'), { loadImage: sharpLoader, channels: 1 });
  assert.deepEqual(dataset.pathologies, ['COVID-19']);
  assert.equal(dataset.length, 3);
  const labels = await Promise.all([0, 1, 2].map(async (i) => (await dataset.labelsOf(i))[0]));
  assert.deepEqual(labels, [1, 0, 0]);
  const sample = await dataset.get(2);
  assert.deepEqual([sample.patientId, sample.label, sample.source], ['p3', 'NEGATIVE', 'sirm']);
  assert.equal(sample.imagePath, join(covidxDir, 'train/p3-c.png'));
  assert.deepEqual([sample.image.width, sample.image.height], [4, 4]);
  assert.equal((await dataset.get(1)).source, '');
});

test('COVIDx three-class list: one-hot labels, or COVID-19 vs rest with labels "binary"', async () => {
  const { loader } = recordingLoader();
  const list = join(covidxDir, 'three-class.txt');
  const threeClass = await CovidxDataset.open(list, { loadImage: loader, imageDir: 'train' });
  assert.deepEqual(threeClass.pathologies, ['normal', 'pneumonia', 'COVID-19']);
  const oneHot = await Promise.all([0, 1, 2].map(async (i) => Array.from(await threeClass.labelsOf(i))));
  assert.deepEqual(oneHot, [[0, 0, 1], [1, 0, 0], [0, 1, 0]]);
  const binary = await CovidxDataset.open(list, { loadImage: loader, imageDir: join(covidxDir, 'train'), labels: 'binary' });
  assert.deepEqual(binary.pathologies, ['COVID-19']);
  assert.deepEqual(await Promise.all([0, 1, 2].map(async (i) => (await binary.labelsOf(i))[0])), [1, 0, 0]);
  await assert.rejects(CovidxDataset.open(join(covidxDir, 'train.txt'), { loadImage: loader, labels: 'three-class' }), /train\.txt line 1: labels "three-class" was asked for/);
});

test('malformed COVIDx lines name the file, line and field', async () => {
  const { dir, cleanup } = tempFiles({
    'fields.txt': 'p1 a.png positive\n\np2 b.png\n',
    'label.txt': 'p1 a.png positive\np2 b.png covid\n',
    'mixed.txt': '# header comment\np1 a.png positive\np2 b.png normal\n',
    'missing.txt': 'p1 a.png positive\n',
  });
  const file = (name: string) => join(dir, name);
  try {
    const open = (name: string) => CovidxDataset.open(file(name), { checkFiles: false });
    await assert.rejects(open('fields.txt'), { message: `${file('fields.txt')} line 3: expected 3 or 4 fields "<patient id> <file name> <label> [<source>]" but found 2` });
    await assert.rejects(open('label.txt'), { message: `${file('label.txt')} line 2: field 3 (label) must be positive/negative or normal/pneumonia/COVID-19 but is "covid"` });
    await assert.rejects(open('mixed.txt'), { message: `${file('mixed.txt')} line 3: field 3 (label) "normal" is three-class but line 2 has the binary label "positive"; one file must use one vocabulary` });
    await assert.rejects(CovidxDataset.open(file('missing.txt')), { message: `${file('missing.txt')} line 1: field 2 (file name): image file "${file('a.png')}" does not exist` });
    await assert.rejects(CovidxDataset.open(file('missing.txt'), { labels: 'some' as 'binary' }), { name: 'RangeError' });
  } finally {
    cleanup();
  }
});
