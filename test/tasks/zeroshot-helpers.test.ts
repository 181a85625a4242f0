/** The zero-shot helpers that need no model: heatmaps, the threshold sweep, class → query mapping, output text. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { groundingHeatmap, tokenGrid } from '../../src/models/grounding.ts';
import { resizeGrid } from '../../src/util/resample.ts';
import { DEFAULT_SWEEP, ThresholdSweep } from '../../src/tasks/zeroshot/sweep.ts';
import { classTargets, DEFAULT_COVID_PROMPT } from '../../src/tasks/zeroshot/targets.ts';
import { csvLine, formatTable, spread } from '../../src/tasks/zeroshot/output.ts';
import { equalizeToEightBit, firstRows } from '../../src/tasks/zeroshot/data.ts';
import { equalizeHistogram } from '../../src/data/transforms/index.ts';
import { equalizeHistogramValues } from '../../src/data/transforms/equalize-histogram.ts';
import { CXR14_CLASSES, COVIDX_THREE_CLASS_PATHOLOGIES } from '../../src/data/datasets/index.ts';
import { Random } from '../../src/util/random.ts';
import { compare } from '../helpers.ts';

test('nearest upsampling of a 14×14 attention map repeats each token over a 16×16 block (the reference ×16)', () => {
  const attention = Float32Array.from({ length: 196 }, (_, t) => t + 1);
  const out = resizeGrid(tokenGrid(attention), 224, 224, 'nearest');
  for (let y = 0; y < 224; y += 5) {
    for (let x = 0; x < 224; x += 3) assert.equal(out[y * 224 + x], Math.floor(y / 16) * 14 + Math.floor(x / 16) + 1);
  }
  // Token t sits at row ⌊t/14⌋, column t mod 14: token 15 (row 1, col 1) covers pixels 16…31 both ways.
  assert.equal(out[16 * 224 + 16], 16);
  assert.equal(out[31 * 224 + 31], 16);
  assert.equal(out[32 * 224 + 31], 30);
});

test('bilinear upsampling gives PyTorch interpolate(align_corners=False) values', () => {
  // F.interpolate(torch.tensor([[[[1., 2.], [3., 4.]]]]), size=4, mode='bilinear', align_corners=False)
  const expected = [1, 1.25, 1.75, 2, 1.5, 1.75, 2.25, 2.5, 2.5, 2.75, 3.25, 3.5, 3, 3.25, 3.75, 4];
  assert.deepEqual(Array.from(resizeGrid(tokenGrid([1, 2, 3, 4]), 4, 4, 'bilinear')), expected);
});

test('a heatmap is normalised by its own maximum: its max is exactly 1 and ratios are kept', () => {
  const random = new Random(1);
  for (const mode of ['nearest', 'bilinear'] as const) {
    const attention = Float32Array.from({ length: 16 }, () => 0.01 + random.next() / 50);
    const heat = groundingHeatmap(attention, 64, mode);
    assert.equal(heat.length, 64 * 64);
    assert.equal(Math.max(...heat), 1);
    const max = Math.max(...attention);
    if (mode === 'nearest') assert.ok(Math.abs(heat[0] - attention[0] / max) < 1e-6);
    assert.ok(heat.every((v) => v > 0 && v <= 1));
  }
  // Two maps whose scales differ by 10× normalise to the same heatmap (per image, not per batch).
  const a = Float32Array.from({ length: 4 }, (_, i) => i + 1);
  const b = a.map((v) => v / 10);
  compare(groundingHeatmap(b, 8), groundingHeatmap(a, 8), 1e-6, 0, 'heatmap of a 10× smaller map');
  assert.throws(() => tokenGrid(new Float32Array(15)), /square number of attention tokens.*15/);
  assert.throws(() => resizeGrid(tokenGrid([1, 2, 3, 4]), 4, 4, 'cubic' as 'nearest'), RangeError);
});

test('threshold sweep: at 0 every pixel is predicted, so IoU = |mask|/|image| and Dice = 2|mask|/(|mask|+|image|)', () => {
  const random = new Random(2);
  const sweep = new ThresholdSweep();
  const side = 32;
  const expectedIou: number[] = [];
  const expectedDice: number[] = [];
  for (let image = 0; image < 5; image++) {
    const heat = groundingHeatmap(Float32Array.from({ length: 16 }, () => random.next() + 0.01), side);
    const mask = new Uint8Array(side * side);
    const x0 = random.int(0, 15), y0 = random.int(0, 15), w = random.int(3, 16), h = random.int(3, 16);
    for (let y = y0; y < y0 + h; y++) mask.fill(1, y * side + x0, y * side + x0 + w);
    const area = w * h;
    expectedIou.push(area / (side * side));
    expectedDice.push((2 * area) / (area + side * side));
    sweep.add(heat, mask);
  }
  const rows = sweep.rows();
  assert.deepEqual(rows.map((r) => r.threshold), [...DEFAULT_SWEEP]);
  const mean = (v: number[]): number => v.reduce((s, x) => s + x, 0) / v.length;
  assert.ok(Math.abs(rows[0].meanIou - mean(expectedIou)) < 1e-12, `IoU at 0: ${rows[0].meanIou} vs ${mean(expectedIou)}`);
  assert.ok(Math.abs(rows[0].meanDice - mean(expectedDice)) < 1e-12);
  assert.equal(rows[0].meanPredictedFraction, 1);
  // The predicted area never grows with the threshold; Dice ≥ IoU at every threshold (Dice = 2J/(1+J)).
  for (let k = 1; k < rows.length; k++) assert.ok(rows[k].meanPredictedFraction <= rows[k - 1].meanPredictedFraction);
  assert.ok(rows[rows.length - 1].meanPredictedFraction < 1);
  for (const r of rows) {
    assert.ok(r.meanDice >= r.meanIou - 1e-12);
    for (const v of [r.meanIou, r.meanDice, r.meanPredictedFraction]) assert.ok(v >= 0 && v <= 1);
  }
  // Above the maximum nothing is predicted: IoU and Dice of a non-empty mask are 0.
  const above = new ThresholdSweep([1]);
  above.add(groundingHeatmap([1, 2, 3, 4], 8), Uint8Array.from({ length: 64 }, (_, i) => (i < 8 ? 1 : 0)));
  assert.deepEqual(above.rows(), [{ threshold: 1, meanIou: 0, meanDice: 0, meanPredictedFraction: 0 }]);
});

test('class → query mapping follows the reference (CXR14 indices, RSNA 20, SIIM 10, COVIDx by prompt)', () => {
  const cxr = classTargets('cxr14', CXR14_CLASSES);
  assert.deepEqual(cxr.targets.map((t) => (t.query.kind === 'observation' ? t.query.index : -1)),
    [12, 24, 8, 56, 54, 38, 20, 10, 14, 11, 52, 73, 43, 59]);
  assert.deepEqual(classTargets('rsna', ['pneumonia']).targets[0].query, { kind: 'observation', index: 20 });
  assert.deepEqual(classTargets('siim', ['pneumothorax']).targets[0].query, { kind: 'observation', index: 10 });
  const covid = classTargets('covidx', COVIDX_THREE_CLASS_PATHOLOGIES);
  assert.deepEqual(covid.unscored, ['normal']);
  assert.deepEqual(covid.targets.map((t) => [t.name, t.column, t.query]), [
    ['pneumonia', 1, { kind: 'observation', index: 20 }],
    ['COVID-19', 2, { kind: 'prompt', text: DEFAULT_COVID_PROMPT }],
  ]);
  // A prompt named after a class replaces its query (names match case- and underscore-insensitively).
  const prompted = classTargets('cxr14', CXR14_CLASSES, { Pleural_Thicken: 'thick pleura' });
  assert.deepEqual(prompted.targets[12].query, { kind: 'prompt', text: 'thick pleura' });
  assert.throws(() => classTargets('rsna', ['pneumonia'], { covid: 'x' }), /prompt names among the rsna classes \(pneumonia\) but received "covid"/);
  assert.throws(() => classTargets('rsna', ['pneumonia'], { pneumonia: '' }), TypeError);
});

test('output helpers: CSV quoting, table alignment, row limits, overlay spread', () => {
  assert.equal(csvLine(['a,b', 'say "hi"', 0.5, Number.NaN, undefined, true]), '"a,b","say ""hi""",0.5,,,true');
  assert.equal(formatTable(['name', 'v'], [['x', '1.0'], ['long', '10.25']]), 'name      v\n----  -----\nx       1.0\nlong  10.25');
  assert.deepEqual(firstRows(5, undefined), [0, 1, 2, 3, 4]);
  assert.deepEqual(firstRows(5, 2), [0, 1]);
  assert.throws(() => firstRows(5, 0), RangeError);
  assert.deepEqual(spread(10, 3), [0, 5, 9]);
  assert.deepEqual(spread(2, 8), [0, 1]);
  assert.deepEqual(spread(10, 0), []);
});

test('RSNA equalisation: 8-bit images as equalizeHistogram, 16-bit ones at full precision (pixels / 255 as the reference)', () => {
  const random = new Random(4);
  const eight = { data: Uint8Array.from({ length: 300 }, () => random.int(0, 255)), width: 20, height: 15, channels: 1 as const, bitDepth: 8 as const };
  assert.deepEqual(equalizeToEightBit(eight), equalizeHistogram(eight));
  // 12-bit values: 4096 levels that an 8-bit reduction would merge.
  const sixteen = { data: Uint16Array.from({ length: 300 }, () => random.int(0, 4095)), width: 20, height: 15, channels: 1 as const, bitDepth: 16 as const };
  const out = equalizeToEightBit(sixteen);
  assert.equal(out.bitDepth, 8);
  const expected = equalizeHistogramValues(Float64Array.from(sixteen.data, (v) => v / 255));
  assert.deepEqual(Array.from(out.data), Array.from(expected, (v) => Math.trunc(v * 255)));
  assert.ok(Math.max(...out.data) === 255 && Math.min(...out.data) < 5);
});
