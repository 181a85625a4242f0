import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { CXR14_CLASSES, Cxr14Dataset } from '../../../src/data/datasets/cxr14.ts';
import { relabel } from '../../../src/data/datasets/relabel.ts';
import { RsnaDataset } from '../../../src/data/datasets/rsna.ts';
import { repoRoot } from '../../helpers.ts';
import { recordingLoader } from './loaders.ts';

const fixtures = join(repoRoot, 'test/data/fixtures/datasets');

test('relabel reorders and drops columns, fills absent pathologies with NaN, in labelsOf and get', async () => {
  const { loader } = recordingLoader();
  const cxr14 = await Cxr14Dataset.open(join(fixtures, 'cxr14-nih.csv'), { loadImage: loader });
  const view = relabel(cxr14, ['Hernia', 'pleural effusion', 'COVID-19', 'lung mass']);
  assert.deepEqual(view.pathologies, ['Hernia', 'pleural effusion', 'COVID-19', 'lung mass']);
  assert.deepEqual(view.missing, ['COVID-19']);
  assert.deepEqual(view.sourceColumns, [13, 2, -1, 4]);
  assert.equal(view.length, 3);
  assert.equal(view.name, 'cxr14');
  assert.deepEqual(Array.from(await view.labelsOf(0)), [0, 1, Number.NaN, 1]);
  const sample = await view.get(2);
  assert.deepEqual(Array.from(sample.labels), [1, 0, Number.NaN, 0]);
  assert.equal(sample.findings, 'Hernia|Atelectasis|Pleural_Thickening'); // the rest of the sample is kept
  assert.deepEqual(Array.from(await cxr14.labelsOf(2)), [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1]); // source untouched
});

test('relabel across datasets: RSNA against the CXR14 classes', async () => {
  const rsna = await RsnaDataset.open(join(fixtures, 'rsna.csv'), { loadImage: recordingLoader().loader });
  const view = relabel(rsna, CXR14_CLASSES);
  assert.equal(view.missing.length, 13);
  const labels = await view.labelsOf(0);
  assert.equal(labels[CXR14_CLASSES.indexOf('pneumonia')], 1);
  assert.equal(labels.filter((v) => Number.isNaN(v)).length, 13);
  assert.throws(() => relabel(rsna, ['pneumonia', 'pneumonia']), { name: 'RangeError', message: 'Pathology "pneumonia" appears twice in the requested list' });
  assert.throws(() => relabel(rsna, 'pneumonia' as unknown as string[]), { name: 'TypeError' });
});
