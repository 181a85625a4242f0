import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { repoRoot } from '../../helpers.ts';
import { readRadGraphFile, parseRadGraph, parseMimicKey } from '../../../src/data/labels/radgraph.ts';
import { matrixValue, isValidLabelMatrix, MATRIX_SIZE } from '../../../src/data/labels/matrix.ts';
import { radgraphLabels } from '../../../src/data/labels/label-reports.ts';
import type { Landmark, Observation } from '../../../src/vocabulary.ts';

const fixture = join(repoRoot, 'test', 'data', 'fixtures', 'radgraph-3reports.json');

type Entry = [Landmark, Observation, number];

/** Asserts the listed entries and that every other entry is −1. */
function assertMatrix(matrix: Float64Array, expected: Entry[], what: string): void {
  assert.ok(isValidLabelMatrix(matrix), `${what}: valid matrix`);
  for (const [l, o, v] of expected) assert.equal(matrixValue(matrix, l, o), v, `${what}: [${l}, ${o}]`);
  const nonDefault = Array.from(matrix).filter((v) => v !== -1).length;
  assert.equal(nonDefault, expected.filter(([, , v]) => v !== -1).length, `${what}: entries other than −1`);
}

// Expected entries worked out by hand from REFERENCE.md §1.1–1.3 (see the comments per report).
test('report 1: modifier chain, negated unattached observation, suggestive_of ignored, OBS-U changes nothing', () => {
  const [r1] = readRadGraphFile(fixture);
  assert.equal(r1.id, 'p10/p10000032/s50414267.txt');
  assert.equal(r1.subjectId, '10000032');
  assert.equal(r1.studyId, '50414267');
  assertMatrix(r1.matrix, [
    ['left_pleural', 'effusion', 1], // root "pleural" + modifier "left" → pleural|left; "small" only modifies → dropped
    ['unspecified', 'pneumothorax', 0], // sentence without root anatomy, OBS-DA
    ['lower_right_lobe', 'opacity', 1], // lobe|right|lower
    ['unspecified', 'atelectasis', -1], // OBS-U: no change
  ], 'report 1');
  assert.deepEqual(r1.tuples.map((t) => [t.sentence, t.anatomy, t.observation, t.label]), [
    [0, 'pleural|left', 'effusion', 'OBS-DP'],
    [1, 'unspecified', 'pneumothorax', 'OBS-DA'],
    [2, 'lobe|right|lower', 'opacity', 'OBS-DP'],
    [2, 'unspecified', 'atelectasis', 'OBS-U'],
  ]);
});

test('report 2: lemmas and corrections, modify-only observations dropped, roots without relations', () => {
  const r2 = readRadGraphFile(fixture)[1];
  assertMatrix(r2.matrix, [
    ['lung_volumes', 'clear', 1], // "lungs" → lung_volumes
    ['heart_size', 'enlarge', 1], // heart|size; "enlarged" → enlarge; "mildly" dropped
    ['lung_bases', 'atelectasis', 1], // "bibasilar" special case
    ['unspecified', 'lead', 1], // "leads" without relations; "pacer" only modifies it → dropped
    ['unspecified', 'effusion', 0], // "Effusions" → effusion, OBS-DA
    ['unspecified', 'tail_abnorm_obs', 1], // granuloma; "calcified" modifies it → dropped
    ['unspecified', 'pacemaker', -1],
    ['unspecified', 'calcification', -1],
  ], 'report 2');
  assert.deepEqual(r2.tuples.find((t) => t.observation === 'enlarged')?.lemma, 'enlarge');
});

test('report 3: located_at a modifier, order-sensitive special case, OBS-NA root, present wins, second-level modifier dropped', () => {
  const r3 = readRadGraphFile(fixture)[2];
  assert.equal(r3.id, 'custom-report-3');
  assert.equal(r3.subjectId, undefined);
  assertMatrix(r3.matrix, [
    ['left_pleural', 'effusion', 1], // negated in sentence 0, present in sentence 4: present wins
    ['right_pleural', 'effusion', 1],
    ['left_lower_lung', 'opacity', 1], // located_at "bases", a modifier of root "lung": lung|left|bases
    ['mediastinal', 'normal', 1],
    ['unspecified', 'pneumothorax', 0], // unattached, repeated for both roots of its sentence
    ['other', 'nodule', -1], // located_at a modifier of a modifier: dropped
  ], 'report 3');
  const s3 = r3.tuples.filter((t) => t.sentence === 3).map((t) => [t.anatomy, t.observation, t.label]);
  assert.deepEqual(s3, [
    ['mediastinum', 'normal', 'OBS-DP'], ['unspecified', 'pneumothorax', 'OBS-DA'],
    ['trachea', null, 'OBS-NA'], ['unspecified', 'pneumothorax', 'OBS-DA'],
  ]);
  const s5 = r3.tuples.filter((t) => t.sentence === 5);
  assert.deepEqual(s5.map((t) => [t.anatomy, t.observation, t.label, t.landmark]), [['lobe|upper', null, 'OBS-NA', 'other']]);
});

test('malformed documents raise errors that name the file, report, entity and field', () => {
  assert.throws(() => parseRadGraph([], 'x.json'), /x\.json: expected an object mapping report ids/);
  assert.throws(() => parseRadGraph({ r: { entities: {} } }, 'x.json'), /x\.json: report "r": expected field "text" to be a string/);
  const entity = (patch: Record<string, unknown>) => ({ r: { text: 'a b .', entities: { 7: { tokens: 'a', label: 'OBS-DP', start_ix: 0, end_ix: 0, relations: [], ...patch } } } });
  assert.throws(() => parseRadGraph(entity({ label: 'OBS-X' }), 'x.json'), /report "r" entity "7": expected field "label" to be one of/);
  assert.throws(() => parseRadGraph(entity({ start_ix: -1 }), 'x.json'), /entity "7": expected field "start_ix" to be a non-negative integer/);
  assert.throws(() => parseRadGraph(entity({ relations: [['modify']] }), 'x.json'), /expected relations\[0\] to be \[relation type, target entity id\]/);
  assert.throws(() => parseRadGraph(entity({ tokens: 3 }), 'x.json'), /expected field "tokens" to be a string but received number/);
  const dir = mkdtempSync(join(tmpdir(), 'medslip-radgraph-'));
  try {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"r": ');
    assert.throws(() => readRadGraphFile(bad), new RegExp(`${bad.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: expected RadGraph JSON but the file does not parse`));
    assert.throws(() => readRadGraphFile(join(dir, 'missing.json')), /cannot read the RadGraph file/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('spelled-out labels of the radgraph package and the two-labeler test layout are read', () => {
  const [xl] = parseRadGraph({ 0: {
    text: 'No evidence of pneumothorax following chest tube removal .', data_source: null, data_split: 'inference',
    entities: {
      1: { tokens: 'pneumothorax', label: 'Observation::definitely absent', start_ix: 3, end_ix: 3, relations: [] },
      2: { tokens: 'chest', label: 'Anatomy::definitely present', start_ix: 5, end_ix: 5, relations: [] },
      3: { tokens: 'tube', label: 'Observation::definitely present', start_ix: 6, end_ix: 6, relations: [['located_at', '2']] },
    },
  } });
  assert.equal(matrixValue(xl.matrix, 'other', 'tube'), 1); // "chest" → other
  assert.equal(matrixValue(xl.matrix, 'unspecified', 'pneumothorax'), 0);
  assert.equal(Array.from(xl.matrix).filter((v) => v !== -1).length, 2);
  const [twoLabelers] = parseRadGraph({ r: {
    text: 'Cardiomegaly .',
    labeler_1: { entities: { 1: { tokens: 'Cardiomegaly', label: 'OBS-DP', start_ix: 0, end_ix: 0, relations: [] } } },
    labeler_2: { entities: {} },
  } });
  assert.equal(matrixValue(twoLabelers.matrix, 'unspecified', 'cardiomegaly'), 1);
});

test('a null first relation counts as no relation; MIMIC keys parse', () => {
  const [s] = parseRadGraph({ k: { text: 'effusion .', entities: { 1: { tokens: 'effusion', label: 'OBS-DA', start_ix: 0, end_ix: 0, relations: [null] } } } });
  assert.equal(matrixValue(s.matrix, 'unspecified', 'effusion'), 0);
  assert.deepEqual(parseMimicKey('p18/p18004941/s58821758.txt'), { subjectId: '18004941', studyId: '58821758' });
  assert.equal(parseMimicKey('report.txt'), undefined);
});

test('radgraphLabels stacks the matrices in input order with one JSON line per report', () => {
  const studies = readRadGraphFile(fixture);
  const out = radgraphLabels(studies);
  assert.deepEqual(out.ids, ['p10/p10000032/s50414267.txt', 'p11/p11000011/s51000011.txt', 'custom-report-3']);
  assert.equal(out.matrices.length, 3 * MATRIX_SIZE);
  studies.forEach((s, i) => assert.deepEqual(out.matrices.subarray(i * MATRIX_SIZE, (i + 1) * MATRIX_SIZE), s.matrix));
  const lines = out.jsonl.trimEnd().split('\n').map((l) => JSON.parse(l) as { id: string; tuples: unknown[] });
  assert.deepEqual(lines.map((l) => [l.id, l.tuples.length]), [
    ['p10/p10000032/s50414267.txt', 4], ['p11/p11000011/s51000011.txt', 6], ['custom-report-3', 9],
  ]);
});
