import { test } from 'node:test';
import assert from 'node:assert/strict';
import { observationIndex, landmarkIndex } from '../../../src/vocabulary.ts';
import {
  emptyLabelMatrix, applyMention, pathologyLabels, anatomyLabels, isValidLabelMatrix, matrixValue, MATRIX_SIZE,
} from '../../../src/data/labels/matrix.ts';

test('matrix rule: present wins, absent is max(current, 0), uncertain and none change nothing', () => {
  const m = emptyLabelMatrix();
  assert.equal(m.length, 51 * 75);
  assert.ok(m.every((v) => v === -1));
  applyMention(m, 'left_pleural', 'effusion', 'uncertain');
  assert.equal(matrixValue(m, 'left_pleural', 'effusion'), -1);
  applyMention(m, 'left_pleural', 'effusion', 'absent');
  assert.equal(matrixValue(m, 'left_pleural', 'effusion'), 0);
  applyMention(m, 'left_pleural', 'effusion', 'present');
  applyMention(m, 'left_pleural', 'effusion', 'absent');
  applyMention(m, 'left_pleural', 'effusion', 'none');
  assert.equal(matrixValue(m, 'left_pleural', 'effusion'), 1);
  assert.equal(m[landmarkIndex('left_pleural') * 75 + observationIndex('effusion')], 1);
  assert.throws(() => applyMention(m, 'nowhere' as never, 'effusion', 'present'), RangeError);
});

test('existence labels: 1 if any 1, else 0 if any 0, else −1 (REFERENCE §2.1)', () => {
  const m = emptyLabelMatrix();
  applyMention(m, 'left_pleural', 'effusion', 'absent');
  applyMention(m, 'right_pleural', 'effusion', 'present');
  applyMention(m, 'unspecified', 'pneumothorax', 'absent');
  applyMention(m, 'lung_volumes', 'clear', 'present');
  const p = pathologyLabels(m);
  const a = anatomyLabels(m);
  assert.equal(p.length, 75);
  assert.equal(a.length, 51);
  assert.equal(p[observationIndex('effusion')], 1);
  assert.equal(p[observationIndex('pneumothorax')], 0);
  assert.equal(p[observationIndex('clear')], 1);
  assert.equal(p[observationIndex('edema')], -1);
  assert.equal(a[landmarkIndex('right_pleural')], 1);
  assert.equal(a[landmarkIndex('left_pleural')], 0);
  assert.equal(a[landmarkIndex('unspecified')], 0);
  assert.equal(a[landmarkIndex('lung_volumes')], 1); // a normal observation counts as positive
  assert.equal(a[landmarkIndex('trachea')], -1);
  assert.equal(p.filter((v) => v !== -1).length, 3);
  assert.equal(a.filter((v) => v !== -1).length, 4);
});

test('validation of matrices', () => {
  assert.throws(() => pathologyLabels(new Float64Array(10)), RangeError);
  assert.throws(() => anatomyLabels([] as unknown as Float64Array), TypeError);
  assert.ok(isValidLabelMatrix(emptyLabelMatrix()));
  const bad = emptyLabelMatrix();
  bad[7] = 0.5;
  assert.equal(isValidLabelMatrix(bad), false);
  assert.equal(isValidLabelMatrix(new Float32Array(MATRIX_SIZE)), false);
});
