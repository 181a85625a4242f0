import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CXR14_CLASSES, CXR14_OBSERVATION_INDEX, CXR14_OBSERVATION_INDICES, Cxr14Dataset,
} from '../../../src/data/datasets/cxr14.ts';
import { OBSERVATIONS } from '../../../src/vocabulary.ts';
import { dataDir, repoRoot } from '../../helpers.ts';
import { recordingLoader, sharpLoader, tempFiles } from './loaders.ts';

const fixtures = join(repoRoot, 'test/data/fixtures/datasets');
const sampleDir = join(dataDir, 'nih-cxr14-sample');

/** The README's positives per class over all 621 images, in CXR14_CLASSES order. */
const README_COUNTS = [92, 56, 82, 123, 72, 89, 32, 44, 81, 18, 41, 56, 68, 20];
const NIH_NAMES = ['Atelectasis', 'Cardiomegaly', 'Effusion', 'Infiltration', 'Mass', 'Nodule', 'Pneumonia', 'Pneumothorax',
  'Consolidation', 'Edema', 'Emphysema', 'Fibrosis', 'Pleural_Thickening', 'Hernia'];

test('every row of the real CXR14 sample: labels by name, counts match an independent reading of the CSV', async () => {
  const { loader } = recordingLoader();
  const started = performance.now();
  const dataset = await Cxr14Dataset.open(join(sampleDir, 'labels.csv'), { loadImage: loader });
  const openMs = performance.now() - started;
  assert.equal(dataset.length, 621);
  assert.deepEqual(dataset.pathologies, CXR14_CLASSES);

  // Independent reading: this CSV has no quoted fields, so a plain split works; columns 3..16 are the labels.
  const lines = readFileSync(join(sampleDir, 'labels.csv'), 'utf8').trim().split('\n');
  assert.ok(!lines.some((l) => l.includes('"')));
  const counts = new Array<number>(14).fill(0);
  let allZero = 0;
  for (let i = 0; i < dataset.length; i++) {
    const fields = lines[i + 1].split(',');
    const labels = await dataset.labelsOf(i);
    assert.deepEqual(Array.from(labels), fields.slice(3).map(Number), `row ${i}`);
    // The NIH finding string must say the same thing (this is what the reference's iloc shift broke).
    const findings = fields[2] === 'No Finding' ? [] : fields[2].split('|');
    assert.deepEqual(NIH_NAMES.map((n) => (findings.includes(n) ? 1 : 0)), Array.from(labels), `row ${i} vs "${fields[2]}"`);
    labels.forEach((v, k) => { counts[k] += v; });
    if (labels.every((v) => v === 0)) allZero++;
  }
  assert.deepEqual(counts, README_COUNTS);
  assert.equal(allZero, 100); // the README's "No Finding" count
  console.log(`cxr14 sample: 621 rows opened (with 621 file checks) in ${openMs.toFixed(1)} ms; positives ${counts.join(' ')}`);
});

test('real CXR14 images decode at 256 × 256 through the dataset, with the requested channels', async () => {
  const grey = await Cxr14Dataset.open(join(sampleDir, 'labels.csv'), { loadImage: sharpLoader, channels: 1 });
  const rgb = await Cxr14Dataset.open(join(sampleDir, 'labels.csv'), { loadImage: sharpLoader });
  for (const index of [0, 310, 620]) {
    const sample = await grey.get(index);
    assert.equal(sample.image.width, 256);
    assert.equal(sample.image.height, 256);
    assert.equal(sample.image.channels, 1);
    assert.equal(sample.image.data.length, 256 * 256);
    assert.equal(sample.imagePath, join(sampleDir, 'images', sample.imageIndex));
    const colour = await rgb.get(index);
    assert.equal(colour.image.data.length, 256 * 256 * 3);
    assert.equal(colour.image.data[3 * 1000 + 1], sample.image.data[1000]); // grey replicated into RGB
  }
  const first = await grey.get(1);
  assert.equal(first.imageIndex, '00000100_000.png');
  assert.equal(first.findings, 'Atelectasis|Effusion|Infiltration');
  assert.deepEqual(Array.from(first.labels), [1, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
});

test('NIH-style headers in another order, quoted and multi-line fields, BOM and CRLF', async () => {
  const { loader, calls } = recordingLoader();
  const dataset = await Cxr14Dataset.open(join(fixtures, 'cxr14-nih.csv'), { loadImage: loader, channels: 1 });
  assert.equal(dataset.length, 3);
  assert.deepEqual(Array.from(await dataset.labelsOf(0)), [0, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
  assert.deepEqual(Array.from(await dataset.labelsOf(1)), new Array(14).fill(0));
  assert.deepEqual(Array.from(await dataset.labelsOf(2)), [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1]);
  const sample = await dataset.get(2);
  assert.equal(sample.findings, 'Hernia|Atelectasis|Pleural_Thickening');
  assert.deepEqual(calls, [{ path: join(fixtures, 'images/c.png'), channels: 1 }]);
});

test('an NIH Data_Entry-style CSV: labels from "Finding Labels", files from "Image Index" under imageRoot', async () => {
  const { loader, calls } = recordingLoader();
  const dataset = await Cxr14Dataset.open(join(fixtures, 'cxr14-data-entry.csv'), { loadImage: loader, imageRoot: join(fixtures, 'images') });
  const nihStyle = await Cxr14Dataset.open(join(fixtures, 'cxr14-nih.csv'), { loadImage: loader });
  for (let i = 0; i < 3; i++) assert.deepEqual(await dataset.labelsOf(i), await nihStyle.labelsOf(i));
  await dataset.get(1);
  assert.deepEqual(calls, [{ path: join(fixtures, 'images/b.png'), channels: 3 }]);
});

test('class → observation mapping of the reference zero-shot script', () => {
  assert.deepEqual(CXR14_OBSERVATION_INDICES, [12, 24, 8, 56, 54, 38, 20, 10, 14, 11, 52, 73, 43, 59]);
  assert.equal(OBSERVATIONS[CXR14_OBSERVATION_INDEX.fibrosis], 'tail_abnorm_obs');
  assert.equal(OBSERVATIONS[CXR14_OBSERVATION_INDEX['pleural thicken']], 'thicken');
  assert.equal(OBSERVATIONS[CXR14_OBSERVATION_INDEX.infiltration], 'infiltrate');
});

test('malformed CXR14 files give errors naming file, line and column', async () => {
  const header = 'img_path,Image Index,Finding Label,atelectasis,Cardiomegaly,pleural effusion,infiltration,lung mass,lung nodule,pneumonia,pneumothorax,consolidation,edema,emphysema,fibrosis,pleural thicken,hernia';
  const good = (name: string) => `${name},${name},No Finding,0,0,0,0,0,0,0,0,0,0,0,0,0,0`;
  const { dir, cleanup } = tempFiles({
    'cxr14.csv': [header, good('a.png'), '"b.png",b.png,Cardiomegaly,0,x,0,0,0,0,0,0,0,0,0,0,0,0'].join('\n'),
    'missing.csv': [header, ...Array.from({ length: 15 }, () => good('a.png')), good('gone.png')].join('\r\n'),
    'columns.csv': 'img_path,atelectasis,cardiomegaly\na.png,0,1\n',
    'findings.csv': 'Image Index,Finding Labels\na.png,Effusion|Pneumonitis\n',
    'a.png': '',
  });
  try {
    await assert.rejects(Cxr14Dataset.open(join(dir, 'cxr14.csv'), { checkFiles: false }), {
      message: `${join(dir, 'cxr14.csv')} line 3: column "Cardiomegaly" must be 0 or 1 but is "x"`,
    });
    await assert.rejects(Cxr14Dataset.open(join(dir, 'missing.csv')), {
      message: `${join(dir, 'missing.csv')} line 17: column "img_path": image file "${join(dir, 'gone.png')}" does not exist`,
    });
    // Without the open-time check, the same error comes from get().
    const lazy = await Cxr14Dataset.open(join(dir, 'missing.csv'), { checkFiles: false, loadImage: sharpLoader });
    await assert.rejects(lazy.get(15), { message: `${join(dir, 'missing.csv')} line 17: column "img_path": image file "${join(dir, 'gone.png')}" does not exist` });
    await assert.rejects(lazy.get(0), new RegExp(`line 2: column "img_path": cannot decode image file ".*a\\.png": `));
    await assert.rejects(lazy.labelsOf(16), { name: 'RangeError', message: 'Expected index in [0, 15] for cxr14 but received 16' });
    await assert.rejects(lazy.get(1.5), { name: 'TypeError' });
    await assert.rejects(Cxr14Dataset.open(join(dir, 'columns.csv'), { checkFiles: false }), {
      message: `${join(dir, 'columns.csv')} line 1: missing label columns "pleural effusion", "infiltration", "lung mass", "lung nodule", "pneumonia", "pneumothorax", "consolidation", "edema", "emphysema", "fibrosis", "pleural thicken", "hernia" (expected the 14 CXR14 columns, or a "Finding Labels" column)`,
    });
    await assert.rejects(Cxr14Dataset.open(join(dir, 'findings.csv'), { checkFiles: false }), {
      message: `${join(dir, 'findings.csv')} line 2: column "Finding Labels" has the unknown finding "Pneumonitis"; expected NIH names such as "Effusion|Mass" or "No Finding"`,
    });
  } finally {
    cleanup();
  }
});
