import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Image } from '../../../src/io/image.ts';
import { Random } from '../../../src/util/random.ts';
import { RAND_AUGMENT_OPS, applyAugmentStep, randAugment, sampleRandAugment } from '../../../src/data/transforms/rand-augment.ts';
import { autoContrast, rotate, sharpness } from '../../../src/data/transforms/augment-ops.ts';

const image: Image = {
  data: Uint8Array.from({ length: 32 * 24 * 3 }, (_, i) => (i * 37 + (i >> 5) * 11) % 251),
  width: 32, height: 24, channels: 3, bitDepth: 8,
};

test('sampleRandAugment: ops uniform with replacement, each applied with p 0.5, level-7 arguments', () => {
  const rng = new Random(7);
  const counts = new Map<string, number>();
  const argumentsSeen = new Map<string, Set<number>>();
  let applied = 0, total = 0;
  for (let i = 0; i < 5000; i++) {
    for (const step of sampleRandAugment(rng, { n: 2, magnitude: 7 })) {
      total++;
      counts.set(step.op, (counts.get(step.op) ?? 0) + 1);
      if (!step.applied) continue;
      applied++;
      if (step.argument !== undefined) {
        if (!argumentsSeen.has(step.op)) argumentsSeen.set(step.op, new Set());
        argumentsSeen.get(step.op)!.add(Number(step.argument.toFixed(6)));
      }
    }
  }
  assert.equal(total, 10000);
  assert.deepEqual([...counts.keys()].sort(), [...RAND_AUGMENT_OPS].sort());
  for (const [op, count] of counts) assert.ok(Math.abs(count / total - 0.1) < 0.015, `${op}: ${count / total}`);
  assert.ok(Math.abs(applied / total - 0.5) < 0.02, `applied fraction ${applied / total}`);
  const sorted = (op: string) => [...(argumentsSeen.get(op) ?? [])].sort((a, b) => a - b);
  assert.deepEqual(sorted('Brightness'), [1.36]);
  assert.deepEqual(sorted('Sharpness'), [1.36]);
  assert.deepEqual(sorted('ShearX'), [-0.21, 0.21]);
  assert.deepEqual(sorted('TranslateY'), [-7, 7]);
  assert.deepEqual(sorted('Rotate'), [-21, 21]);
  assert.equal(argumentsSeen.has('Equalize'), false);
});

test('randAugment is deterministic for a seed and equals applying its sampled steps', () => {
  const a = randAugment(image, new Random(123));
  const b = randAugment(image, new Random(123));
  assert.deepEqual(a.data, b.data);
  const steps = sampleRandAugment(new Random(123));
  const manual = steps.reduce((current, step) => applyAugmentStep(current, step), image);
  assert.deepEqual(manual.data, a.data);
  // Over a few seeds the output changes (some seeds skip both ops and return the input unchanged).
  const distinct = new Set(Array.from({ length: 8 }, (_, seed) => Buffer.from(randAugment(image, new Random(seed)).data).toString('base64')));
  assert.ok(distinct.size >= 4, `${distinct.size} distinct outputs for 8 seeds`);
});

test('applyAugmentStep dispatches to the ops with their arguments and options', () => {
  assert.deepEqual(applyAugmentStep(image, { op: 'Rotate', applied: true, argument: -21 }).data, rotate(image, -21).data);
  assert.deepEqual(applyAugmentStep(image, { op: 'AutoContrast', applied: true }).data, autoContrast(image).data);
  assert.deepEqual(applyAugmentStep(image, { op: 'Sharpness', applied: true, argument: 1.36 }, { sharpnessOverflow: 'wrap' }).data,
    sharpness(image, 1.36, { overflow: 'wrap' }).data);
  assert.equal(applyAugmentStep(image, { op: 'Rotate', applied: false }), image);
  assert.equal(applyAugmentStep(image, { op: 'Identity', applied: true }), image);
});

test('invalid options throw RangeError', () => {
  assert.throws(() => randAugment(image, new Random(1), { magnitude: 11 }), RangeError);
  assert.throws(() => randAugment(image, new Random(1), { n: -1 }), RangeError);
  assert.throws(() => randAugment(image, new Random(1), { probability: 2 }), RangeError);
});
