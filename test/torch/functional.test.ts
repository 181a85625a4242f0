// nn functions against naive JS references (or closed-form values) on small inputs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as torch from '../../src/torch/index.ts';
import { Random } from '../../src/util/random.ts';
import { compare } from '../helpers.ts';

const F = torch.nnf;
const rng = new Random(11);
const randomArray = (n: number): Float64Array => Float64Array.from({ length: n }, () => rng.normal());
const t64 = (data: Float64Array, shape: number[]): torch.Tensor => torch.fromTypedArray(data, shape);

/** Naive NCHW convolution with stride, padding, dilation and groups. */
function naiveConv2d(x: Float64Array, [n, c, h, w]: number[], k: Float64Array, [o, ci, kh, kw]: number[], bias: Float64Array | null,
  stride: number, padding: number, dilation: number, groups: number): { out: Float64Array; shape: number[] } {
  const oh = Math.floor((h + 2 * padding - dilation * (kh - 1) - 1) / stride) + 1;
  const ow = Math.floor((w + 2 * padding - dilation * (kw - 1) - 1) / stride) + 1;
  const out = new Float64Array(n * o * oh * ow);
  const outPerGroup = o / groups;
  for (let b = 0; b < n; b++) for (let oc = 0; oc < o; oc++) {
    const g = Math.floor(oc / outPerGroup);
    for (let y = 0; y < oh; y++) for (let xx = 0; xx < ow; xx++) {
      let sum = bias ? bias[oc] : 0;
      for (let ic = 0; ic < ci; ic++) for (let i = 0; i < kh; i++) for (let j = 0; j < kw; j++) {
        const iy = y * stride - padding + i * dilation, ix = xx * stride - padding + j * dilation;
        if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
        sum += x[((b * c + g * ci + ic) * h + iy) * w + ix] * k[((oc * ci + ic) * kh + i) * kw + j];
      }
      out[((b * o + oc) * oh + y) * ow + xx] = sum;
    }
  }
  return { out, shape: [n, o, oh, ow] };
}

test('conv2d equals a naive convolution (stride, padding, dilation, groups, bias)', () => {
  for (const [stride, padding, dilation, groups] of [[1, 0, 1, 1], [2, 1, 1, 1], [1, 2, 2, 1], [2, 1, 1, 2]]) {
    const xs = [2, 4, 7, 6], ks = [6, 4 / groups, 3, 3];
    const x = randomArray(xs.reduce((a, b) => a * b)), k = randomArray(ks.reduce((a, b) => a * b)), bias = randomArray(6);
    const expected = naiveConv2d(x, xs, k, ks, bias, stride, padding, dilation, groups);
    const actual = F.conv2d(t64(x, xs), t64(k, ks), t64(bias, [6]), { stride, padding, dilation, groups });
    assert.deepEqual(actual.shape, expected.shape);
    compare(actual.toArray(), expected.out, 1e-12, 0, `conv2d s${stride} p${padding} d${dilation} g${groups}`);
  }
});

test('conv_transpose2d is the adjoint of conv2d', () => {
  // <conv(x), y> = <x, convT(y)> for the same kernel, stride and padding.
  const x = t64(randomArray(2 * 3 * 8 * 8), [2, 3, 8, 8]);
  const k = t64(randomArray(5 * 3 * 2 * 2), [5, 3, 2, 2]);
  const y = t64(randomArray(2 * 5 * 4 * 4), [2, 5, 4, 4]);
  const lhs = F.conv2d(x, k, null, { stride: 2 }).mul(y).sum().item();
  const rhs = x.mul(F.convTranspose2d(y, k, null, { stride: 2 })).sum().item();
  assert.ok(Math.abs(lhs - rhs) < 1e-9, `${lhs} vs ${rhs}`);
  assert.deepEqual(F.convTranspose2d(y, k, t64(randomArray(3), [3]), { stride: 2 }).shape, [2, 3, 8, 8]);
});

test('conv1d with a 1×1 kernel is a per-position linear map', () => {
  const x = t64(randomArray(2 * 3 * 5), [2, 3, 5]), w = t64(randomArray(4 * 3), [4, 3, 1]), b = t64(randomArray(4), [4]);
  const viaLinear = F.linear(x.transpose(1, 2), w.squeeze(2), b).transpose(1, 2);
  compare(F.conv1d(x, w, b).toArray(), viaLinear.contiguous().toArray(), 1e-12);
});

test('max_pool2d (3×3, stride 2, padding 1), avg_pool2d and adaptive_avg_pool2d', () => {
  const x = torch.arange(16, undefined, 1, { dtype: 'float64' }).reshape(1, 1, 4, 4);
  assert.deepEqual([...F.maxPool2d(x, 3, { stride: 2, padding: 1 }).toArray()], [5, 7, 13, 15]);
  assert.deepEqual([...F.maxPool2d(x, 2).toArray()], [5, 7, 13, 15]);
  assert.deepEqual([...F.avgPool2d(x, 2).toArray()], [2.5, 4.5, 10.5, 12.5]);
  assert.deepEqual([...F.adaptiveAvgPool2d(x, 1).toArray()], [7.5]);
  assert.deepEqual([...F.adaptiveAvgPool2d(x, [2, 2]).toArray()], [2.5, 4.5, 10.5, 12.5]);
});

test('batch_norm: training uses batch statistics and updates running stats like PyTorch; eval uses running stats', () => {
  const xs = [4, 3, 2, 2];
  const data = randomArray(48);
  const x = t64(data, xs);
  const runningMean = torch.tensor([0.5, -0.5, 0], { dtype: 'float64' });
  const runningVar = torch.tensor([1, 2, 0.5], { dtype: 'float64' });
  const weight = torch.tensor([1, 2, 3], { dtype: 'float64' }), bias = torch.tensor([0, 1, -1], { dtype: 'float64' });
  const out = F.batchNorm(x, runningMean, runningVar, { weight, bias, training: true, momentum: 0.1, eps: 1e-5 });
  const outValues = out.toArray() as Float64Array;
  for (let c = 0; c < 3; c++) {
    const items: number[] = [];
    for (let n = 0; n < 4; n++) for (let i = 0; i < 4; i++) items.push(data[(n * 3 + c) * 4 + i]);
    const mean = items.reduce((a, b) => a + b) / items.length;
    const biased = items.reduce((a, b) => a + (b - mean) ** 2, 0) / items.length;
    const unbiased = (biased * items.length) / (items.length - 1);
    const w = [1, 2, 3][c], b = [0, 1, -1][c];
    for (let n = 0; n < 4; n++) for (let i = 0; i < 4; i++) {
      const expected = ((data[(n * 3 + c) * 4 + i] - mean) / Math.sqrt(biased + 1e-5)) * w + b;
      assert.ok(Math.abs(outValues[(n * 3 + c) * 4 + i] - expected) < 1e-10);
    }
    assert.ok(Math.abs((runningMean.toArray() as Float64Array)[c] - (0.9 * [0.5, -0.5, 0][c] + 0.1 * mean)) < 1e-12);
    assert.ok(Math.abs((runningVar.toArray() as Float64Array)[c] - (0.9 * [1, 2, 0.5][c] + 0.1 * unbiased)) < 1e-12);
  }
  const rm = runningMean.toArray() as Float64Array, rv = runningVar.toArray() as Float64Array;
  const evalOut = F.batchNorm(x, runningMean, runningVar, { weight, bias, training: false }).toArray() as Float64Array;
  assert.ok(Math.abs(evalOut[0] - ((data[0] - rm[0]) / Math.sqrt(rv[0] + 1e-5))) < 1e-10);
  assert.deepEqual(runningMean.toArray(), rm, 'eval mode leaves running stats alone');
});

test('layer_norm normalises the last dimensions with the biased variance', () => {
  const data = randomArray(2 * 5);
  const weight = torch.tensor([1, 2, 3, 4, 5], { dtype: 'float64' }), bias = torch.full([5], 0.5, { dtype: 'float64' });
  const out = F.layerNorm(t64(data, [2, 5]), [5], weight, bias, 1e-5).toArray() as Float64Array;
  for (let r = 0; r < 2; r++) {
    const row = Array.from(data.slice(r * 5, r * 5 + 5));
    const mean = row.reduce((a, b) => a + b) / 5;
    const variance = row.reduce((a, b) => a + (b - mean) ** 2, 0) / 5;
    row.forEach((v, i) => assert.ok(Math.abs(out[r * 5 + i] - (((v - mean) / Math.sqrt(variance + 1e-5)) * (i + 1) + 0.5)) < 1e-10));
  }
});

test('dropout: identity in eval, zero-or-scaled in training with the right rate', () => {
  const x = torch.ones([20000]);
  assert.deepEqual(F.dropout(x, 0.3, false).toArray(), x.toArray());
  torch.manualSeed(1);
  const y = F.dropout(x, 0.3, true).toFloat32Array();
  const zeros = y.filter((v) => v === 0).length;
  assert.ok(y.every((v) => v === 0 || Math.abs(v - 1 / 0.7) < 1e-6));
  assert.ok(Math.abs(zeros / y.length - 0.3) < 0.02, `drop rate ${zeros / y.length}`);
});

test('cross_entropy with ignore_index and reductions; binary cross-entropy with logits', () => {
  const logits = torch.tensor([[1, 2, 3], [1, 0, 0], [0, 0, 5]], { dtype: 'float64' });
  const target = torch.tensor([2, -1, 0], { dtype: 'int64' });
  const lse = (r: number[]): number => Math.log(r.reduce((a, v) => a + Math.exp(v), 0));
  const l0 = lse([1, 2, 3]) - 3, l2 = lse([0, 0, 5]) - 0;
  assert.ok(Math.abs(F.crossEntropy(logits, target, { ignoreIndex: -1 }).item() - (l0 + l2) / 2) < 1e-12);
  assert.ok(Math.abs(F.crossEntropy(logits, target, { ignoreIndex: -1, reduction: 'sum' }).item() - (l0 + l2)) < 1e-12);
  const none = F.crossEntropy(logits, target, { ignoreIndex: -1, reduction: 'none' }).toArray() as Float64Array;
  assert.deepEqual([none[1]], [0]);
  const z = torch.tensor([0.5, -2, 3], { dtype: 'float64' }), y = torch.tensor([1, 0, 0.25], { dtype: 'float64' });
  const bce = (zv: number, yv: number): number => -(yv * Math.log(1 / (1 + Math.exp(-zv))) + (1 - yv) * Math.log(1 - 1 / (1 + Math.exp(-zv))));
  const expected = (bce(0.5, 1) + bce(-2, 0) + bce(3, 0.25)) / 3;
  assert.ok(Math.abs(F.binaryCrossEntropyWithLogits(z, y).item() - expected) < 1e-12);
  assert.ok(Math.abs(F.binaryCrossEntropy(z.sigmoid(), y).item() - expected) < 1e-12);
  assert.ok(Math.abs(F.mseLoss(z, y).item() - ((0.5 - 1) ** 2 + 4 + 2.75 ** 2) / 3) < 1e-12);
});

test('interpolate: nearest repeats, bilinear (align_corners false) and bicubic match closed forms', () => {
  const x = torch.tensor([[[[1, 2], [3, 4]]]], { dtype: 'float64' });
  assert.deepEqual([...F.interpolate(x, { scaleFactor: 2, mode: 'nearest' }).toArray()],
    [1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4]);
  // bilinear 2→4, align_corners=False: source coords (i+0.5)/2−0.5 = −0.25, 0.25, 0.75, 1.25 (clamped at 0 and 1)
  const row = [1, 1.25, 1.75, 2];
  const up = F.interpolate(x, { size: [4, 4], mode: 'bilinear' }).toArray() as Float64Array;
  compare(up.slice(0, 4), row, 1e-12, 0, 'bilinear first row');
  compare([up[0], up[4], up[8], up[12]], [1, 1.5, 2.5, 3], 1e-12, 0, 'bilinear first column');
  // a linear ramp is reproduced exactly by bicubic inside the image
  const ramp = torch.arange(8, undefined, 1, { dtype: 'float64' }).reshape(1, 1, 1, 8).expand(1, 1, 8, 8).contiguous();
  const cubic = F.interpolate(ramp, { size: [8, 8], mode: 'bicubic', alignCorners: true }).toArray() as Float64Array;
  compare(cubic, ramp.toArray(), 1e-12, 0, 'bicubic identity');
  const down = F.interpolate(ramp, { size: [4, 4], mode: 'bilinear', antialias: true });
  // PIL's triangle filter of support 2: interior outputs average 4 pixels with weights ¼ ¾ ¾ ¼; at the border
  // the weights are cut and renormalised (¾ ¾ ¼ → 5/7).
  compare((down.toArray() as Float64Array).slice(0, 4), [5 / 7, 2.5, 4.5, 7 - 5 / 7], 1e-9, 0, 'antialiased bilinear 2× down');
});

test('affine_grid + grid_sample: identity reproduces the input, a flip mirrors it', () => {
  const x = t64(randomArray(1 * 2 * 3 * 4), [1, 2, 3, 4]);
  const identity = torch.tensor([[[1, 0, 0], [0, 1, 0]]], { dtype: 'float64' });
  const grid = F.affineGrid(identity, [1, 2, 3, 4]);
  assert.deepEqual(grid.shape, [1, 3, 4, 2]);
  compare(F.gridSample(x, grid).toArray(), x.toArray(), 1e-12, 0, 'identity');
  const flip = torch.tensor([[[-1, 0, 0], [0, 1, 0]]], { dtype: 'float64' });
  const flipped = F.gridSample(x, F.affineGrid(flip, [1, 2, 3, 4]), { mode: 'nearest' }).toArray() as Float64Array;
  const source = x.toArray() as Float64Array;
  assert.equal(flipped[0], source[3]);
  assert.equal(flipped[5], source[6]);
});
