// MeDSLIP's initialisation: the reference's N(0, 0.02²) for every Linear/attention weight, PyTorch's defaults, or
// orthogonal matrices.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as torch from '../../src/torch/index.ts';
import { MeDSLIP } from '../../src/models/medslip.ts';
import { init } from '../../src/nn/index.ts';

const std = (t: torch.Tensor): number => torch.scope(() => t.std().item());

test('reference init: Linear and in_proj weights ~ N(0, 0.02²); decoder layers share their initial FFN biases', () => {
  torch.manualSeed(0);
  const model = new MeDSLIP({ backbone: 'resnet18', dModel: 64, layers: 2, textDim: 32 });
  const layers = model.decoderPathology.layers.items;
  assert.ok(Math.abs(std(layers[0].crossAttn.inProjWeight) - 0.02) < 0.002);
  assert.ok(Math.abs(std(model.maskGenerator.weight) - 0.02) < 0.002);
  assert.ok(Math.abs(std(model.clFcPathology.weight) - 0.02) < 0.002);
  assert.deepEqual([...layers[1].linear1.bias!.toArray()], [...layers[0].linear1.bias!.toArray()]);
  // the ResNet keeps torchvision's Kaiming-normal (fan_out): std √2/√(64·49) for conv1
  assert.ok(Math.abs(std(model.stateDict().get('res_features.0.weight')!) - Math.SQRT2 / Math.sqrt(64 * 49)) < 0.003);
  model.dispose();
});

test('pytorch init keeps the module defaults (Xavier attention, Kaiming-uniform Linear)', () => {
  torch.manualSeed(0);
  const model = new MeDSLIP({ backbone: 'resnet18', dModel: 64, layers: 2, textDim: 32, init: 'pytorch' });
  const xavierStd = Math.sqrt(6 / (64 + 192)) / Math.sqrt(3); // U(±b) has std b/√3
  assert.ok(Math.abs(std(model.decoderPathology.layers.items[0].crossAttn.inProjWeight) - xavierStd) < 0.01);
  const kaimingStd = 1 / Math.sqrt(256) / Math.sqrt(3); // U(±1/√fan_in), fan_in 256 (layer3 of ResNet-18)
  assert.ok(Math.abs(std(model.maskGenerator.weight) - kaimingStd) < 0.003);
  model.dispose();
});

/** Largest |WᵀW − I| (or |WWᵀ − I| for a wide W): 0 for a (semi-)orthogonal matrix. */
const orthogonalityError = (w: torch.Tensor): number => torch.scope(() => {
  const gram = w.shape[0] >= w.shape[1] ? w.t().matmul(w) : w.matmul(w.t());
  return gram.sub(torch.eye(gram.shape[0])).abs().max().item();
});

test('orthogonal_: every singular value equals the gain, for tall, wide and square matrices', () => {
  torch.manualSeed(0);
  for (const shape of [[64, 64], [192, 64], [64, 768], [2, 64]]) {
    const w = init.orthogonal_(torch.zeros(shape));
    assert.ok(orthogonalityError(w) < 1e-5, `${shape.join('×')}: ${orthogonalityError(w)}`);
  }
  const scaled = init.orthogonal_(torch.zeros([32, 32]), 2);
  assert.ok(Math.abs(torch.scope(() => scaled.pow(2).sum(1).mean().item()) - 4) < 1e-4); // rows of length 2
  assert.throws(() => init.orthogonal_(torch.zeros([5])), /at least 2 dimensions/);
});

test('orthogonal init: the image-to-logit maps orthogonal (the attention value block alone); queries, keys, text-side maps, biases and trunk as the reference', () => {
  torch.manualSeed(0);
  const model = new MeDSLIP({ backbone: 'resnet18', dModel: 64, layers: 2, textDim: 32, init: 'orthogonal' });
  const layers = model.decoderPathology.layers.items;
  for (const attention of [layers[0].crossAttn, layers[1].selfAttn]) {
    const inProj = attention.inProjWeight;
    assert.ok(orthogonalityError(inProj.narrow(0, 128, 64)) < 1e-5, 'value block');
    // query and key blocks stay N(0, 0.02²), so the attention starts uniform
    for (const block of [0, 1]) assert.ok(Math.abs(std(inProj.narrow(0, block * 64, 64)) - 0.02) < 0.002, `in_proj block ${block}`);
  }
  for (const w of [model.maskGenerator.weight, model.resL2Pathology.weight, model.classifierPathology.weight,
    layers[1].linear2.weight, layers[1].selfAttn.outProj.weight]) {
    assert.ok(orthogonalityError(w) < 1e-5, `${w.shape.join('×')}: ${orthogonalityError(w)}`);
  }
  assert.ok(Math.abs(std(model.queryProjection.weight) - 0.02) < 0.002);
  assert.ok(Math.abs(std(model.clFcPathology.weight) - 0.02) < 0.002);
  assert.deepEqual([...layers[1].linear1.bias!.toArray()], [...layers[0].linear1.bias!.toArray()]);
  assert.ok(Math.abs(std(model.stateDict().get('res_features.0.weight')!) - Math.SQRT2 / Math.sqrt(64 * 49)) < 0.003);
  model.dispose();
});
