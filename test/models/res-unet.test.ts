// The fine-tuning Res-UNet (reference ModelResUNet_ft): the reference's state-dict names and the §5.5 channel
// counts for ResNet-50, logits (B, 1, H, W), encoder initialisation from MeDSLIP, and gradients.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import * as torch from '../../src/torch/index.ts';
import { ResUNet } from '../../src/models/res-unet.ts';
import { initFromMedslip } from '../../src/models/classifier.ts';
import { fixturesDir } from '../helpers.ts';

const medslipR18 = join(fixturesDir, 'medslip-r18-train', 'weights.safetensors');

test('ResNet-50 Res-UNet: reference names and channel counts (bridge 1024, up-blocks 512/256/128/64 with 1024/512/192/67 after concat)', () => {
  const model = new ResUNet({ backbone: 'resnet50' });
  const shapes = new Map([...model.stateDict()].map(([k, t]) => [k, t.shape.join('x')]));
  const expected: Record<string, string> = {
    'res_features.6.5.conv3.weight': '1024x256x1x1', // layer3 is the deepest encoder stage (children[:-3])
    'bridge.bridge.0.conv.weight': '1024x1024x3x3',
    'bridge.bridge.1.bn.running_var': '1024',
    'up_blocks.0.upsample.weight': '1024x512x2x2',
    'up_blocks.0.conv_block_1.conv.weight': '512x1024x3x3',
    'up_blocks.1.conv_block_1.conv.weight': '256x512x3x3',
    'up_blocks.2.upsample.weight': '256x128x2x2',
    'up_blocks.2.conv_block_1.conv.weight': '128x192x3x3',
    'up_blocks.3.conv_block_1.conv.weight': '64x67x3x3',
    'up_blocks.3.conv_block_2.conv.bias': '64',
    'seg_classifier.weight': '1x64x1',
    'seg_classifier.bias': '1',
  };
  for (const [key, shape] of Object.entries(expected)) assert.equal(shapes.get(key), shape, key);
  assert.ok(![...shapes.keys()].some((k) => k.startsWith('res_features.7') || k.startsWith('fc.')), 'no layer4, no fc');
  const groups = new Set([...shapes.keys()].map((k) => k.split('.')[0]));
  assert.deepEqual(groups, new Set(['res_features', 'bridge', 'up_blocks', 'seg_classifier']));
  torch.scope(() => torch.noGrad(() => {
    assert.deepEqual(model.eval().forward(torch.randn([1, 3, 32, 32])).shape, [1, 1, 32, 32]);
  }));
  model.dispose();
});

test('ResNet-18 Res-UNet: logits (B, 1, H, W); sizes that are not multiples of 16 are refused', () => {
  const model = new ResUNet({ backbone: 'resnet18' }).eval();
  torch.scope(() => torch.noGrad(() => {
    assert.deepEqual(model.forward(torch.randn([2, 3, 64, 64])).shape, [2, 1, 64, 64]);
    assert.deepEqual(model.forward(torch.randn([1, 3, 48, 80])).shape, [1, 1, 48, 80]);
    assert.throws(() => model.forward(torch.randn([1, 3, 60, 64])), /multiples of 16/);
  }));
  assert.equal(model.stateDict().get('seg_classifier.weight')!.shape.join('x'), '1x16x1');
  model.dispose();
});

test('eval mode is deterministic and dropout is active only in training', () => {
  const model = new ResUNet({ backbone: 'resnet18', dropout: 0.5 });
  torch.scope(() => torch.noGrad(() => {
    const x = torch.randn([2, 3, 32, 32]);
    model.eval();
    const a = model.forward(x), b = model.forward(x);
    assert.equal(a.sub(b).abs().max().item(), 0);
    model.train();
    const c = model.forward(x), d = model.forward(x);
    assert.ok(c.sub(d).abs().max().item() > 0, 'dropout draws differ between two training passes');
  }));
  model.dispose();
});

test('initFromMedslip fills res_features.0–6 from the MeDSLIP checkpoint; bridge and decoder stay fresh', () => {
  const model = new ResUNet({ backbone: 'resnet18' });
  const report = initFromMedslip(model, medslipR18);
  assert.equal(report.copied.length, 90);
  assert.ok(report.copied.every((k) => /^res_features\.(0|1|4|5|6)\./.test(k)));
  assert.ok(report.kept.every((k) => /^(bridge|up_blocks|seg_classifier)\./.test(k)));
  assert.equal(report.copied.length + report.kept.length, model.stateDict().size);
  model.dispose();
});

test('gradients reach every parameter: decoder, bridge and encoder through the skips', () => {
  const model = new ResUNet({ backbone: 'resnet18' });
  torch.scope(() => {
    const logits = model.forward(torch.randn([2, 3, 32, 32]));
    torch.nnf.binaryCrossEntropyWithLogits(logits, torch.rand([2, 1, 32, 32]).gt(0.5).float()).backward();
  });
  for (const [name, p] of model.namedParameters()) {
    const norm = torch.scope(() => p.grad?.norm().item());
    assert.ok(norm !== undefined && Number.isFinite(norm), `${name}: gradient norm ${norm}`);
    // A bias followed by training-mode BatchNorm has a zero gradient in exact arithmetic: only finiteness counts there.
    if (!/\.conv\.bias$/.test(name)) assert.ok(norm > 0, `${name}: gradient norm ${norm}`);
  }
  model.dispose();
});
