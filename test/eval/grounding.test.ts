/** Pointing game, IoU and Dice against the reference fixtures, and the tie / empty-mask conventions. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fixturesDir } from '../helpers.ts';
import { pointingGame, iou, dice, normalizeByMax, groundingScores, summarizeGrounding } from '../../src/eval/index.ts';
import { overlapCounts } from '../../src/eval/grounding.ts';

interface GroundingCase { seg: number[][]; pred: number[][]; threshold: number; pointing_hit: number; iou: number; dice: number }
const cases = (JSON.parse(readFileSync(join(fixturesDir, 'metrics', 'grounding.json'), 'utf8')) as { cases: GroundingCase[] }).cases;
const flat = (rows: number[][]): Float64Array => Float64Array.from(rows.flat());

test('pointing game, IoU and Dice equal the reference on every fixture case', () => {
  assert.equal(cases.length, 6);
  for (const [k, c] of cases.entries()) {
    const heat = flat(c.pred);
    const mask = flat(c.seg);
    const side = c.seg.length;
    assert.equal(pointingGame(heat, mask, side, side), c.pointing_hit === 1, `case ${k} hit`);
    assert.ok(Math.abs(iou(heat, mask, c.threshold) - c.iou) <= 1e-12, `case ${k} iou ${iou(heat, mask, c.threshold)} vs ${c.iou}`);
    assert.ok(Math.abs(dice(heat, mask, c.threshold) - c.dice) <= 1e-12, `case ${k} dice`);
    assert.deepEqual(groundingScores(heat, mask, side, side, c.threshold), { hit: c.pointing_hit === 1, iou: iou(heat, mask, c.threshold), dice: dice(heat, mask, c.threshold) });
  }
  // The fixtures contain both hits and misses, so the test distinguishes them.
  assert.deepEqual(new Set(cases.map((c) => c.pointing_hit)), new Set([0, 1]));
});

test('the fixture heatmaps are normalised by their max, and normalising again changes nothing', () => {
  for (const c of cases) {
    const heat = flat(c.pred);
    assert.equal(Math.max(...heat), 1);
    assert.deepEqual(normalizeByMax(heat), heat);
    // Scaling does not move the arg-max.
    const scaled = heat.map((v) => v * 0.013);
    assert.equal(pointingGame(scaled, flat(c.seg), 32, 32), c.pointing_hit === 1);
    assert.ok(Math.abs(iou(normalizeByMax(scaled), flat(c.seg), c.threshold) - c.iou) < 1e-12);
  }
});

test('Dice and IoU are related by D = 2J/(1+J) on every case', () => {
  for (const c of cases) {
    const j = iou(flat(c.pred), flat(c.seg), c.threshold);
    assert.ok(Math.abs(dice(flat(c.pred), flat(c.seg), c.threshold) - (2 * j) / (1 + j)) < 1e-12);
  }
});

test('pointing game with tied maxima: a hit when any maximal pixel is in the mask (reference semantics)', () => {
  // 4×4 heat, two pixels share the maximum; the mask covers only the second one.
  const heat = new Float64Array(16).fill(0.2);
  heat[1] = 0.9;
  heat[14] = 0.9;
  const mask = new Uint8Array(16);
  mask[14] = 1;
  assert.equal(pointingGame(heat, mask, 4, 4), true);
  mask[14] = 0;
  mask[13] = 1; // next to, but not on, a maximum
  assert.equal(pointingGame(heat, mask, 4, 4), false);
  // ×4 block upsampling as the reference does it: the maximum is a whole block, any of its pixels counts.
  const blocks = new Float64Array(64);
  for (let y = 0; y < 8; y++) for (let x = 0; x < 8; x++) blocks[y * 8 + x] = heat[Math.floor(y / 2) * 4 + Math.floor(x / 2)];
  const corner = new Uint8Array(64);
  corner[7 * 8 + 5] = 1; // bottom-right pixel of the block of heat[14]
  assert.equal(pointingGame(blocks, corner, 8, 8), true);
});

test('overlap counts and the empty conventions', () => {
  const heat = [0.9, 0.6, 0.4, 0.1];
  const mask = [1, 1, 0, 1];
  assert.deepEqual(overlapCounts(heat, mask, 0.5), { predicted: 2, target: 3, intersection: 2 });
  assert.equal(iou(heat, mask, 0.5), 2 / 3);
  assert.equal(dice(heat, mask, 0.5), 4 / 5);
  // heat > threshold is strict.
  assert.equal(overlapCounts(heat, mask, 0.6).predicted, 1);
  assert.equal(iou(heat, [0, 0, 0, 0], 0.95), 1);
  assert.equal(dice(heat, [0, 0, 0, 0], 0.95), 1);
  assert.equal(iou(heat, [0, 0, 0, 0], 0.5), 0);
  assert.equal(dice(heat, mask, 0.95), 0);
});

test('summarizeGrounding averages as the reference reports', () => {
  const scores = cases.map((c) => groundingScores(flat(c.pred), flat(c.seg), 32, 32, c.threshold));
  const summary = summarizeGrounding(scores);
  assert.equal(summary.images, 6);
  assert.equal(summary.pointingAccuracy, cases.filter((c) => c.pointing_hit === 1).length / 6);
  assert.ok(Math.abs(summary.meanIou - cases.reduce((s, c) => s + c.iou, 0) / 6) < 1e-12);
  assert.ok(Math.abs(summary.meanDice - cases.reduce((s, c) => s + c.dice, 0) / 6) < 1e-12);
});

test('bad input is rejected', () => {
  assert.throws(() => pointingGame([1, 2, 3], [0, 1, 0], 2, 2), { name: 'RangeError', message: /width × height = 4/ });
  assert.throws(() => pointingGame([1, 2], [0, 1, 0], 1, 2), { name: 'RangeError', message: /heat and mask.*same length/ });
  assert.throws(() => iou([], [], 0.5), { name: 'RangeError', message: /non-empty/ });
  assert.throws(() => iou([1, 2], [0, 1, 0], 0.5), { name: 'RangeError', message: /heat and mask.*same length/ });
  assert.throws(() => pointingGame([1, Number.NaN], [0, 1], 1, 2), { name: 'RangeError', message: /heat\[1\]/ });
  assert.throws(() => iou([1, 2], [0, 1], Number.POSITIVE_INFINITY), { name: 'RangeError', message: /threshold/ });
  assert.throws(() => normalizeByMax([0, 0]), { name: 'RangeError', message: /positive maximum/ });
  assert.throws(() => summarizeGrounding([]), { name: 'RangeError' });
});
