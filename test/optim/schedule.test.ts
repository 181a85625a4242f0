/** The reference timm cosine schedule, the reference loop's per-iteration behaviour, and the per-step schedule. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fixturesDir, compare } from '../helpers.ts';
import { cosineSchedule, cosineWithWarmup, REFERENCE_PRETRAIN_SCHEDULE } from '../../src/optim/schedule.ts';

const fixture = JSON.parse(readFileSync(join(fixturesDir, 'optim', 'cosine.json'), 'utf8')) as {
  config: { lr: number; epochs: number; min_lr: number; warmup_lr: number; warmup_epochs: number; decay_rate: number };
  lr_at_epoch: number[];
};
const schedule = cosineSchedule(REFERENCE_PRETRAIN_SCHEDULE);

test('the reference constants are the fixture config', () => {
  const { config } = fixture;
  assert.equal(REFERENCE_PRETRAIN_SCHEDULE.baseLr, config.lr);
  assert.equal(REFERENCE_PRETRAIN_SCHEDULE.tInitial, config.epochs);
  assert.equal(REFERENCE_PRETRAIN_SCHEDULE.lrMin, config.min_lr);
  assert.equal(REFERENCE_PRETRAIN_SCHEDULE.warmupLrInit, config.warmup_lr);
  assert.equal(REFERENCE_PRETRAIN_SCHEDULE.warmupT, config.warmup_epochs);
  assert.equal(REFERENCE_PRETRAIN_SCHEDULE.decayRate, config.decay_rate);
});

test('lrAt(e) equals the reference scheduler for all 106 epochs to 1e-12 (relative)', () => {
  assert.equal(fixture.lr_at_epoch.length, 106);
  const actual = fixture.lr_at_epoch.map((_, e) => schedule.lrAt(e));
  const maxError = compare(actual, fixture.lr_at_epoch, 0, 1e-12, 'lr_at_epoch');
  assert.ok(maxError < 1e-19, `max |Δ| ${maxError}`);
});

test('warm-up values and the floor are exact', () => {
  assert.deepEqual([0, 1, 2, 3, 4, 5].map((t) => schedule.lrAt(t)), fixture.lr_at_epoch.slice(0, 6));
  assert.equal(schedule.lrAt(105), 1e-5);
  assert.equal(schedule.lrAt(1000), 1e-5); // past the single cycle: the floor
});

test('the reference loop: epoch e ≥ 1 runs at step(e + 5) — the documented examples', () => {
  assert.ok(Math.abs(schedule.referenceLrAt(50, 0) - 5.5e-5) < 1e-18);
  assert.ok(Math.abs(schedule.referenceLrAt(1, 0) - 1.0e-4) < 3e-8); // 9.99778e-5
  assert.ok(Math.abs(schedule.referenceLrAt(99, 0) - 1.002e-5) < 5e-9); // 1.00220e-5, quoted to 4 digits
  for (let e = 1; e <= 100; e++) {
    // V8's and the C library's cos may differ in the last bit (it happens at one epoch): relative 1e-12.
    compare([schedule.referenceLrAt(e, 0)], [fixture.lr_at_epoch[e + 5]], 0, 1e-12, `epoch ${e}`);
    assert.equal(schedule.referenceLrAt(e, 12345), schedule.referenceLrAt(e, 0)); // constant within an epoch
    assert.ok(Math.abs(schedule.referenceLrAt(e, 0) - (1e-5 + 4.5e-5 * (1 + Math.cos((Math.PI * e) / 100)))) < 1e-18);
  }
});

test('the reference loop: epoch 0 warms up every 100 iterations (iterations 0…600)', () => {
  const expected = (i: number): number => {
    if (i <= 100) return 1e-5;
    if (i <= 200) return fixture.lr_at_epoch[1]; // 2.8e-5
    if (i <= 300) return fixture.lr_at_epoch[2]; // 4.6e-5
    if (i <= 400) return fixture.lr_at_epoch[3]; // 6.4e-5
    if (i <= 500) return fixture.lr_at_epoch[4]; // 8.2e-5
    return 1e-4;
  };
  for (let i = 0; i <= 600; i++) assert.equal(schedule.referenceLrAt(0, i), expected(i), `iteration ${i}`);
  assert.ok(Math.abs(schedule.referenceLrAt(0, 150) - 2.8e-5) < 1e-18);
  assert.equal(schedule.referenceLrAt(0, 5000), 1e-4);
});

test('timm options: no warm-up prefix, cycle limit 0, decay and t_mul', () => {
  const plain = cosineSchedule({ baseLr: 1, tInitial: 10, lrMin: 0, cycleLimit: 0, warmupPrefix: false });
  assert.equal(plain.lrAt(0), 1);
  assert.ok(Math.abs(plain.lrAt(5) - 0.5) < 1e-15);
  assert.equal(plain.lrAt(10), 1); // the second cycle restarts
  const decayed = cosineSchedule({ baseLr: 1, tInitial: 10, lrMin: 0.1, cycleLimit: 0, decayRate: 0.5 });
  assert.ok(Math.abs(decayed.lrAt(10) - 0.5) < 1e-15);
  assert.ok(Math.abs(decayed.lrAt(15) - (0.05 + 0.5 * (0.5 - 0.05))) < 1e-15);
  // t_mul 2: cycles of 10, 20, 40 steps; step 30 starts the third cycle.
  const growing = cosineSchedule({ baseLr: 1, tInitial: 10, lrMin: 0, cycleLimit: 0, tMul: 2 });
  assert.ok(Math.abs(growing.lrAt(20) - 0.5) < 1e-12); // middle of the 20-step cycle
  assert.ok(Math.abs(growing.lrAt(30) - 1) < 1e-12);
  const limited = cosineSchedule({ baseLr: 1, tInitial: 10, lrMin: 0.2, tMul: 2, cycleLimit: 2 });
  assert.equal(limited.lrAt(30), 0.2);
});

test('cosineWithWarmup: linear warm-up, cosine to the floor, then the floor', () => {
  const lrAt = cosineWithWarmup({ baseLr: 1e-4, minLr: 1e-5, warmupLr: 1e-5, warmupSteps: 500, totalSteps: 10_500 });
  assert.equal(lrAt(0), 1e-5);
  assert.ok(Math.abs(lrAt(250) - 5.5e-5) < 1e-18);
  assert.equal(lrAt(500), 1e-4);
  assert.ok(Math.abs(lrAt(5500) - 5.5e-5) < 1e-18);
  assert.equal(lrAt(10_500), 1e-5);
  assert.equal(lrAt(20_000), 1e-5);
  for (let step = 501; step <= 10_500; step += 37) assert.ok(lrAt(step) <= lrAt(step - 1), `not decreasing at ${step}`);
  // With steps = epochs (warm-up 5, total 105) the per-step schedule gives the reference scheduler's values.
  const perStep = cosineWithWarmup({ baseLr: 1e-4, minLr: 1e-5, warmupLr: 1e-5, warmupSteps: 5, totalSteps: 105 });
  compare(fixture.lr_at_epoch.map((_, e) => perStep(e)), fixture.lr_at_epoch, 0, 1e-12, 'per-step vs reference');
  const noWarmup = cosineWithWarmup({ baseLr: 1, minLr: 0, warmupLr: 0, warmupSteps: 0, totalSteps: 4 });
  assert.equal(noWarmup(0), 1);
});

test('bad options are rejected with the option named', () => {
  assert.throws(() => cosineSchedule({ baseLr: -1, tInitial: 10 }), { name: 'RangeError', message: /baseLr/ });
  assert.throws(() => cosineSchedule({ baseLr: 1, tInitial: 0 }), { name: 'RangeError', message: /tInitial/ });
  assert.throws(() => cosineSchedule({ baseLr: '1' as unknown as number, tInitial: 10 }), { name: 'TypeError', message: /baseLr/ });
  assert.throws(() => schedule.lrAt(-1), { name: 'RangeError', message: /t/ });
  assert.throws(() => schedule.referenceLrAt(0.5, 0), { name: 'TypeError', message: 'Expected integer in [0, ∞) for epoch but received 0.5 (number)' });
  assert.throws(() => cosineWithWarmup({ baseLr: 1, minLr: 0, warmupLr: 0, warmupSteps: 10, totalSteps: 5 }), { name: 'RangeError', message: /warmupSteps ≤ totalSteps/ });
  assert.throws(() => cosineWithWarmup({ baseLr: 1, minLr: 0, warmupLr: 0, warmupSteps: 1.5, totalSteps: 5 }), { name: 'TypeError', message: 'Expected integer in [0, ∞) for warmupSteps but received 1.5 (number)' });
});
