import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ReportCsvDataset, type ReportLabeller } from '../../../src/data/datasets/generic.ts';
import { extractReport } from '../../../src/data/labels/extract.ts';
import { pretrainTargets } from '../../../src/data/datasets/protocl.ts';
import { landmarkIndex, observationIndex } from '../../../src/vocabulary.ts';
import { repoRoot } from '../../helpers.ts';
import { recordingLoader, tempFiles } from './loaders.ts';

const csvPath = join(repoRoot, 'test/data/fixtures/datasets/pretrain/reports.csv');

/** A stand-in for the report labeller: two hand-written rules, enough to tell reports apart. */
const labelReport: ReportLabeller = (report) => {
  const matrix = new Float64Array(51 * 75).fill(-1);
  const at = (landmark: string, observation: string, value: number) => { matrix[landmarkIndex(landmark) * 75 + observationIndex(observation)] = value; };
  if (/heart size is normal/i.test(report)) at('heart_size', 'normal', 1);
  if (/no effusion/i.test(report)) at('pleural_unspec', 'effusion', 0);
  if (/left pleural effusion/i.test(report)) at('left_pleural', 'effusion', 1);
  return matrix;
};

test('image/report CSV: reports (multi-line too) become matrices, samples carry the pre-training targets', async () => {
  const { loader, calls } = recordingLoader();
  const dataset = await ReportCsvDataset.open(csvPath, { labelReport, loadImage: loader, seed: 3, epoch: 1 });
  assert.equal(dataset.length, 2);
  assert.equal(dataset.reportOf(0), 'Heart size is normal.\nNo effusion.');
  const first = await dataset.get(0);
  assert.deepEqual(calls, [{ path: join(repoRoot, 'test/data/fixtures/datasets/pretrain/images/s1.png'), channels: 3 }]);
  assert.deepEqual(first.matrix, labelReport(dataset.reportOf(0)));
  const expected = pretrainTargets(first.matrix, 3, 1, 0);
  assert.deepEqual(first.indexPathology, expected.indexPathology);
  assert.deepEqual(first.indexAnatomy, expected.indexAnatomy);
  assert.equal(first.labelPathology[observationIndex('normal')], 1);
  assert.equal(first.labelPathology[observationIndex('effusion')], 0);
  assert.ok(Number.isNaN(first.labels[observationIndex('pneumonia')]));
  const second = await dataset.get(1);
  assert.equal(second.labelAnatomy[landmarkIndex('left_pleural')], 1);
  assert.equal(second.labelPathology[observationIndex('effusion')], 1);
  assert.equal(second.indexPathology[observationIndex('effusion') * 8], -1);
});

test('with medslip\'s report labeller plugged in, the fixture reports give the expected entities', async () => {
  const dataset = await ReportCsvDataset.open(csvPath, { labelReport: (text) => extractReport(text).matrix, loadImage: recordingLoader().loader });
  const [first, second] = await Promise.all([dataset.get(0), dataset.get(1)]);
  const entry = (matrix: Float64Array, landmark: string, observation: string) => matrix[landmarkIndex(landmark) * 75 + observationIndex(observation)];
  assert.equal(entry(first.matrix, 'heart_size', 'normal'), 1);
  assert.equal(first.labelPathology[observationIndex('effusion')], 0); // "No effusion."
  assert.equal(first.labelAnatomy[landmarkIndex('heart_size')], 1);
  assert.equal(entry(second.matrix, 'left_pleural', 'effusion'), 1);
  assert.equal(second.indexPathology[observationIndex('effusion') * 8], -1);
  assert.ok(Array.from(second.indexPathology.slice(observationIndex('effusion') * 8 + 1, observationIndex('effusion') * 8 + 8)).every((a) => a !== landmarkIndex('left_pleural')));
});

test('configurable columns; a labeller returning the wrong thing, or a missing one, is reported', async () => {
  const { dir, cleanup } = tempFiles({
    'custom.csv': 'path,findings\nx.png,Clear lungs.\ny.png,""\n',
    'reports.csv': 'image,report\nx.png,Clear lungs.\n',
    'x.png': '',
  });
  const file = (name: string) => join(dir, name);
  try {
    await assert.rejects(ReportCsvDataset.open(file('custom.csv'), { labelReport, imageColumn: 'path', reportColumn: 'findings', checkFiles: false }), {
      message: `${file('custom.csv')} line 3: column "findings" must not be empty`,
    });
    await assert.rejects(ReportCsvDataset.open(file('custom.csv'), { labelReport, checkFiles: false }), {
      message: `${file('custom.csv')} line 1: missing column "image"; the header has "path", "findings"`,
    });
    const short = await ReportCsvDataset.open(file('reports.csv'), { labelReport: () => new Float64Array(10), loadImage: recordingLoader().loader });
    await assert.rejects(short.get(0), { message: `${file('reports.csv')} line 2: column "report": labelReport returned a Float64Array of 10 values; expected a Float64Array of 3825 (51 × 75) values` });
    const odd = await ReportCsvDataset.open(file('reports.csv'), { labelReport: () => new Float64Array(3825).fill(0.5), loadImage: recordingLoader().loader });
    await assert.rejects(odd.matrixOf(0), { message: `${file('reports.csv')} line 2: column "report": labelReport returned 0.5 at index 0; expected -1, 0 or 1` });
    await assert.rejects(odd.matrixOf(1), { name: 'RangeError' });
    await assert.rejects(ReportCsvDataset.open(file('reports.csv'), {} as { labelReport: ReportLabeller }), {
      name: 'TypeError', message: 'Expected a function (report: string) => Float64Array for labelReport but received undefined',
    });
  } finally {
    cleanup();
  }
});
