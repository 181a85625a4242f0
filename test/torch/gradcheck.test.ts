// Finite-difference (float64) gradient checks for every differentiable op the models use.
import { test } from 'node:test';
import * as torch from '../../src/torch/index.ts';
import { gradcheck } from './gradcheck.ts';

const F = torch.nnf;
const g = new torch.Generator(5);
const r = (...shape: number[]): torch.Tensor => torch.randn(shape, { dtype: 'float64', generator: g });
const positive = (...shape: number[]): torch.Tensor => r(...shape).abs().add(0.5);

test('elementwise arithmetic and math', () => {
  const a = r(2, 3), b = r(2, 3), row = r(3);
  gradcheck('add', (x, y) => x.add(y, 2), [a, row]);
  gradcheck('sub', (x, y) => x.sub(y), [a, b]);
  gradcheck('mul', (x, y) => x.mul(y), [a, row]);
  gradcheck('div', (x, y) => x.div(y), [a, positive(2, 3)]);
  gradcheck('neg', (x) => x.neg(), [a]);
  gradcheck('pow scalar', (x) => x.pow(3), [a]);
  gradcheck('pow tensor', (x, y) => x.pow(y), [positive(2, 3), b]);
  gradcheck('exp', (x) => x.exp(), [a]);
  gradcheck('log', (x) => x.log(), [positive(2, 3)]);
  gradcheck('sqrt', (x) => x.sqrt(), [positive(2, 3)]);
  gradcheck('rsqrt', (x) => x.rsqrt(), [positive(2, 3)]);
  gradcheck('abs', (x) => x.abs(), [positive(2, 3)]);
  gradcheck('clamp', (x) => x.clamp(-0.5, 0.5), [torch.tensor([-1, -0.2, 0.3, 0.9], { dtype: 'float64' })]);
  gradcheck('sigmoid', (x) => x.sigmoid(), [a]);
  gradcheck('tanh', (x) => x.tanh(), [a]);
  gradcheck('relu', (x) => x.relu(), [torch.tensor([-1, -0.2, 0.3, 0.9], { dtype: 'float64' })]);
  gradcheck('gelu', (x) => x.gelu(), [a]);
  gradcheck('maximum', (x, y) => x.maximum(y), [torch.tensor([1, 2], { dtype: 'float64' }), torch.tensor([2, 1], { dtype: 'float64' })]);
  gradcheck('where', (x, y) => x.where(x.gt(0), y), [a, b]);
  gradcheck('masked_fill', (x) => x.maskedFill(x.gt(0), 0), [a]);
});

test('shape, indexing and joining', () => {
  const a = r(2, 3, 4);
  gradcheck('view', (x) => x.view(6, 4).mul(torch.arange(4, undefined, 1, { dtype: 'float64' })), [a]);
  gradcheck('permute', (x) => x.permute(2, 0, 1), [a]);
  gradcheck('transpose', (x) => x.transpose(0, 1), [a]);
  gradcheck('flatten', (x) => x.flatten(1), [a]);
  gradcheck('unsqueeze/squeeze', (x) => x.unsqueeze(0).squeeze(0), [a]);
  gradcheck('expand', (x) => x.expand(3, 2, 3, 4), [a]);
  gradcheck('repeat', (x) => x.repeat(2, 1, 1), [a]);
  gradcheck('narrow', (x) => x.narrow(2, 1, 2), [a]);
  gradcheck('slice', (x) => x.slice(1, 0, 3, 2), [a]);
  gradcheck('select', (x) => x.select(1, 2), [a]);
  gradcheck('cat', (x, y) => torch.cat([x, y], 1), [a, r(2, 2, 4)]);
  gradcheck('stack', (x, y) => torch.stack([x, y], 0), [a, r(2, 3, 4)]);
  gradcheck('split', (x) => x.split(2, 2)[1], [a]);
  gradcheck('chunk', (x) => x.chunk(3, 1)[2], [a]);
  const idx = torch.tensor([2, 0, 2], { dtype: 'int64' });
  gradcheck('index_select', (x) => x.indexSelect(1, idx), [a]);
  gradcheck('gather', (x) => x.gather(2, torch.tensor([[[0], [3], [1]], [[2], [2], [0]]], { dtype: 'int64' })), [a]);
  gradcheck('masked_select', (x) => x.maskedSelect(x.gt(0)), [a]);
  gradcheck('boolean-mask index', (x) => x.index([torch.tensor([true, false])]), [a]);
  gradcheck('tensor index', (x) => x.index([null, idx]), [a]);
});

test('reductions', () => {
  const a = r(3, 4);
  gradcheck('sum', (x) => x.sum(), [a]);
  gradcheck('sum dim', (x) => x.sum(1, true), [a]);
  gradcheck('mean', (x) => x.mean(0), [a]);
  gradcheck('max dim', (x) => x.max(1).values, [a]);
  gradcheck('min dim', (x) => x.min(0).values, [a]);
  gradcheck('var', (x) => x.var(1), [a]);
  gradcheck('std', (x) => x.std(0, { unbiased: false }), [a]);
  gradcheck('norm', (x) => x.norm(2, 1), [a]);
  gradcheck('topk', (x) => x.topk(2, 1).values, [a]);
  gradcheck('sort', (x) => x.sort(1).values, [a]);
  gradcheck('softmax', (x) => x.softmax(1), [a]);
  gradcheck('log_softmax', (x) => x.logSoftmax(0), [a]);
  gradcheck('cumsum', (x) => x.cumsum(1), [a]);
});

test('linear algebra', () => {
  gradcheck('matmul', (x, y) => x.matmul(y), [r(2, 3, 4), r(4, 5)]);
  gradcheck('mm', (x, y) => x.mm(y), [r(3, 4), r(4, 2)]);
  gradcheck('bmm', (x, y) => x.bmm(y), [r(2, 3, 4), r(2, 4, 2)]);
  gradcheck('linear', (x, w, b) => F.linear(x, w, b), [r(3, 4), r(5, 4), r(5)]);
  gradcheck('addmm', (c, x, y) => F.addmm(c, x, y, 0.5, 2), [r(3), r(2, 4), r(4, 3)]);
});

test('convolution, pooling, normalisation', () => {
  gradcheck('conv2d', (x, w, b) => F.conv2d(x, w, b, { stride: 2, padding: 1 }), [r(1, 2, 5, 5), r(3, 2, 3, 3), r(3)]);
  gradcheck('conv_transpose2d', (x, w, b) => F.convTranspose2d(x, w, b, { stride: 2 }), [r(1, 3, 3, 3), r(3, 2, 2, 2), r(2)]);
  gradcheck('conv1d', (x, w) => F.conv1d(x, w), [r(2, 3, 4), r(2, 3, 1)]);
  gradcheck('max_pool2d', (x) => F.maxPool2d(x, 3, { stride: 2, padding: 1 }), [r(1, 2, 5, 5)]);
  gradcheck('avg_pool2d', (x) => F.avgPool2d(x, 2), [r(1, 2, 4, 4)]);
  gradcheck('adaptive_avg_pool2d', (x) => F.adaptiveAvgPool2d(x, 1), [r(2, 3, 3, 3)]);
  gradcheck('batch_norm (train)', (x, w, b) => F.batchNorm(x, null, null, { weight: w, bias: b, training: true }), [r(4, 3, 2, 2), r(3), r(3)]);
  gradcheck('batch_norm (eval)', (x, w, b) => F.batchNorm(x, torch.tensor([0.1, 0.2, 0.3], { dtype: 'float64' }),
    torch.tensor([1, 2, 3], { dtype: 'float64' }), { weight: w, bias: b }), [r(2, 3, 2, 2), r(3), r(3)]);
  gradcheck('layer_norm', (x, w, b) => F.layerNorm(x, [4], w, b), [r(3, 4), r(4), r(4)]);
});

test('losses', () => {
  const target = torch.tensor([2, -1, 0, 1], { dtype: 'int64' });
  gradcheck('cross_entropy (ignore_index)', (x) => F.crossEntropy(x, target, { ignoreIndex: -1 }), [r(4, 3)]);
  gradcheck('cross_entropy 3-D', (x) => F.crossEntropy(x, torch.tensor([[0, 1], [1, 0]], { dtype: 'int64' })), [r(2, 2, 2)]);
  const y = torch.tensor([1, 0, 0.3, 1], { dtype: 'float64' });
  gradcheck('bce_with_logits', (x) => F.binaryCrossEntropyWithLogits(x, y), [r(4)]);
  gradcheck('bce', (x) => F.binaryCrossEntropy(x.sigmoid(), y), [r(4)]);
  gradcheck('mse', (x) => F.mseLoss(x, y), [r(4)]);
  gradcheck('dropout (eval)', (x) => F.dropout(x, 0.5, false), [r(4)]);
});

test('resampling: interpolate, grid_sample, affine_grid', () => {
  gradcheck('nearest', (x) => F.interpolate(x, { scaleFactor: 2, mode: 'nearest' }), [r(1, 1, 2, 3)]);
  gradcheck('bilinear', (x) => F.interpolate(x, { size: [4, 5], mode: 'bilinear' }), [r(1, 2, 3, 3)]);
  gradcheck('bicubic', (x) => F.interpolate(x, { size: [5, 4], mode: 'bicubic', alignCorners: true }), [r(1, 1, 3, 3)]);
  gradcheck('bilinear antialias', (x) => F.interpolate(x, { size: [2, 2], mode: 'bilinear', antialias: true }), [r(1, 1, 4, 4)]);
  const theta = torch.tensor([[[0.9, 0.1, 0.05], [-0.1, 0.8, 0.02]]], { dtype: 'float64' });
  gradcheck('grid_sample (input)', (x) => F.gridSample(x, F.affineGrid(theta, [1, 1, 3, 3])), [r(1, 1, 4, 4)]);
  gradcheck('grid_sample (grid)', (grid) => F.gridSample(torch.arange(16, undefined, 1, { dtype: 'float64' }).reshape(1, 1, 4, 4), grid),
    [torch.rand([1, 2, 2, 2], { dtype: 'float64', generator: g }).mul(1.2).sub(0.6)]);
  gradcheck('affine_grid', (t) => F.affineGrid(t, [1, 1, 2, 3]), [theta]);
});
