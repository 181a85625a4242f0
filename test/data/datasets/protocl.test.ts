import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  PROTOCL_CANDIDATES, entityLabels, pretrainTargets, sampleProtoclCandidates, sampleSeed,
} from '../../../src/data/datasets/protocl.ts';
import { NpyRows } from '../../../src/data/datasets/npy-rows.ts';
import { Random } from '../../../src/util/random.ts';
import { NUM_LANDMARKS as A, NUM_OBSERVATIONS as P } from '../../../src/vocabulary.ts';
import { fixturesDir, repoRoot } from '../../helpers.ts';

const npyPath = join(repoRoot, 'test/data/fixtures/datasets/pretrain/matrices.npy');

/** I64 tensors of a safetensors file, as numbers. */
function readSafetensorsInt64(path: string): Map<string, { shape: number[]; values: number[] }> {
  const bytes = readFileSync(path);
  const headerLength = Number(bytes.readBigUInt64LE(0));
  const header = JSON.parse(bytes.toString('utf8', 8, 8 + headerLength)) as Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] }>;
  const tensors = new Map<string, { shape: number[]; values: number[] }>();
  for (const [name, entry] of Object.entries(header)) {
    if (name === '__metadata__' || entry.dtype !== 'I64') continue;
    const [start, end] = entry.data_offsets;
    const values: number[] = [];
    for (let o = 8 + headerLength + start; o < 8 + headerLength + end; o += 8) values.push(Number(bytes.readBigInt64LE(o)));
    tensors.set(name, { shape: entry.shape, values });
  }
  return tensors;
}

/**
 * Checks the ProtoCL rules of one candidate table (rows × 8) against the matrix and the labels: slot 0 is −1 exactly
 * for present entities, the other slots are distinct partners that are not positive with this entity.
 */
function checkCandidateRules(
  matrix: ArrayLike<number>, labels: ArrayLike<number>, index: ArrayLike<number>, stream: 'pathology' | 'anatomy',
): void {
  const rows = stream === 'pathology' ? P : A;
  const partners = stream === 'pathology' ? A : P;
  for (let r = 0; r < rows; r++) {
    const row = Array.from({ length: PROTOCL_CANDIDATES }, (_, k) => index[r * PROTOCL_CANDIDATES + k]);
    const present = labels[r] === 1;
    assert.equal(row[0] === -1, present, `${stream} row ${r}: slot 0 is ${row[0]}, label ${labels[r]}`);
    const drawn = present ? row.slice(1) : row;
    assert.equal(new Set(drawn).size, drawn.length, `${stream} row ${r}: partners ${drawn} are not distinct`);
    for (const partner of drawn) {
      assert.ok(Number.isInteger(partner) && partner >= 0 && partner < partners, `${stream} row ${r}: partner ${partner}`);
      const value = stream === 'pathology' ? matrix[partner * P + r] : matrix[r * P + partner];
      assert.notEqual(value, 1, `${stream} row ${r}: partner ${partner} is positive`);
    }
  }
}

test('existence labels equal the reference fixture, whose candidate tables obey the rules that medslip checks', () => {
  const tensors = readSafetensorsInt64(join(fixturesDir, 'medslip-r18-train/inputs.safetensors'));
  const matrix = tensors.get('matrix')!.values;
  for (let b = 0; b < 3; b++) {
    const m = matrix.slice(b * A * P, (b + 1) * A * P);
    const labels = entityLabels(m);
    assert.deepEqual(Array.from(labels.labelPathology), tensors.get('label_pathology')!.values.slice(b * P, (b + 1) * P), `sample ${b}`);
    assert.deepEqual(Array.from(labels.labelAnatomy), tensors.get('label_anatomy')!.values.slice(b * A, (b + 1) * A), `sample ${b}`);
    // The reference's own draws pass the checker (so the checker encodes the reference's rule) ...
    checkCandidateRules(m, labels.labelPathology, tensors.get('index_pathology')!.values.slice(b * P * 8, (b + 1) * P * 8), 'pathology');
    checkCandidateRules(m, labels.labelAnatomy, tensors.get('index_anatomy')!.values.slice(b * A * 8, (b + 1) * A * 8), 'anatomy');
    // ... and so do medslip's, for many epochs.
    for (let epoch = 0; epoch < 20; epoch++) {
      const targets = pretrainTargets(m, 7, epoch, b);
      checkCandidateRules(m, targets.labelPathology, targets.indexPathology, 'pathology');
      checkCandidateRules(m, targets.labelAnatomy, targets.indexAnatomy, 'anatomy');
    }
  }
});

test('candidates are a function of (seed, epoch, index) only', async () => {
  const matrix = await (await NpyRows.open(npyPath)).readRow(0);
  const draw = (seed: number, epoch: number, index: number) => pretrainTargets(matrix, seed, epoch, index);
  const a = draw(1, 2, 3);
  assert.deepEqual(draw(1, 2, 3), a);
  for (const other of [draw(1, 3, 3), draw(1, 2, 4), draw(2, 2, 3), draw(1 + 2 ** 32, 2, 3)]) {
    assert.notDeepEqual(other.indexPathology, a.indexPathology);
    assert.notDeepEqual(other.indexAnatomy, a.indexAnatomy);
  }
  assert.equal(sampleSeed(0, 0, 0), sampleSeed(0, 0, 0));
  assert.notEqual(sampleSeed(0, 1, 0), sampleSeed(0, 0, 1)); // epoch and index are not interchangeable
  assert.throws(() => sampleSeed(0, -1, 0), { name: 'RangeError', message: 'Expected integer in [0, ∞) for epoch but received -1 (number)' });
  assert.throws(() => sampleSeed(0.5, 0, 0), { name: 'TypeError' });
});

test('non-positive partners are drawn uniformly', () => {
  // Observation 20 (pneumonia) present at landmarks 3 and 40 only: its 7 partners come from the other 49.
  const matrix = new Float64Array(A * P).fill(-1);
  matrix[3 * P + 20] = 1;
  matrix[40 * P + 20] = 1;
  matrix[5 * P + 20] = 0;
  const labels = entityLabels(matrix);
  assert.equal(labels.labelPathology[20], 1);
  assert.equal(labels.labelPathology[21], -1);
  assert.equal(labels.labelAnatomy[5], 0);
  const counts = new Array<number>(A).fill(0);
  const draws = 3000;
  const random = new Random(11);
  for (let i = 0; i < draws; i++) {
    const { indexPathology } = sampleProtoclCandidates(matrix, labels, random);
    for (let k = 1; k < 8; k++) counts[indexPathology[20 * 8 + k]]++;
  }
  assert.equal(counts[3] + counts[40], 0);
  const expected = (draws * 7) / 49;
  const chiSquare = counts.reduce((sum, c, a) => (a === 3 || a === 40 ? sum : sum + (c - expected) ** 2 / expected), 0);
  // 48 degrees of freedom: the 99.9th percentile of χ² is 84.
  assert.ok(chiSquare < 84, `χ² = ${chiSquare.toFixed(1)} over 49 landmarks (${draws} draws)`);
  console.log(`ProtoCL draws: χ² = ${chiSquare.toFixed(1)} (48 dof) over ${draws} draws of 7 from 49 landmarks`);
});

test('fewer partners than slots: all of them, then padding with replacement (the reference crashes here)', async () => {
  const matrix = await (await NpyRows.open(npyPath)).readRow(3);
  const targets = pretrainTargets(matrix, 0, 0, 0);
  // Observation 8 is present at landmarks 0–44 and 50: only 45–49 are left for 7 slots.
  const row = Array.from(targets.indexPathology.slice(8 * 8, 9 * 8));
  assert.equal(row[0], -1);
  assert.deepEqual([...new Set(row.slice(1))].sort((x, y) => x - y), [45, 46, 47, 48, 49]);
  assert.deepEqual(row.slice(1, 6).sort((x, y) => x - y), [45, 46, 47, 48, 49]); // each partner before any repeat
  // Landmark 50 is present for all 75 observations: no non-positive partner at all, padding from all 75.
  const landmark = Array.from(targets.indexAnatomy.slice(50 * 8, 51 * 8));
  assert.equal(landmark[0], -1);
  assert.ok(landmark.slice(1).every((p) => Number.isInteger(p) && p >= 0 && p < P));
  // Every other row still follows the rules.
  for (let p = 0; p < P; p++) {
    if (p === 8) continue;
    const r = Array.from(targets.indexPathology.slice(p * 8, p * 8 + 8));
    assert.equal(r[0], -1); // landmark 50 makes every observation present
    assert.equal(new Set(r.slice(1)).size, 7);
    assert.ok(r.slice(1).every((a) => matrix[a * P + p] !== 1));
  }
  assert.deepEqual([targets.labelAnatomy[10], targets.labelAnatomy[46], targets.labelAnatomy[50]], [1, -1, 1]);
  assert.throws(() => entityLabels(new Float64Array(10)), { name: 'RangeError', message: 'Expected a 51 × 75 matrix (3825 values) but received 10 values' });
});
