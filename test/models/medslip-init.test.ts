// MeDSLIP's initialisation: the reference's N(0, 0.02²) for every Linear/attention weight, or PyTorch's defaults.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as torch from '../../src/torch/index.ts';
import { MeDSLIP } from '../../src/models/medslip.ts';

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
