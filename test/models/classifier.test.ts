// The fine-tuning classifier (reference ModelRes_ft, use_base): key names, shapes, initialisation from a
// MeDSLIP checkpoint (the r18 training fixture), and gradients.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as torch from '../../src/torch/index.ts';
import { ResNetClassifier, initFromMedslip } from '../../src/models/classifier.ts';
import { readSafetensors, writeSafetensors } from '../../src/io/safetensors.ts';
import { fixturesDir, maxAbsDiff } from '../helpers.ts';

const medslipR18 = join(fixturesDir, 'medslip-r18-train', 'weights.safetensors');
const ENCODER = /^res_features\.(0|1|4|5|6)\./;

test('ResNet-50 classifier: torchvision children[:-1] under res_features.0–8, then res_out (2048 → classes)', () => {
  const model = new ResNetClassifier({ backbone: 'resnet50', classes: 1 });
  const keys = [...model.stateDict().keys()];
  // torchvision resnet50 has 320 state-dict entries; fc.weight/fc.bias become res_out.weight/res_out.bias
  assert.equal(keys.length, 320);
  assert.deepEqual(new Set(keys.map((k) => k.split('.').slice(0, 2).join('.'))),
    new Set(['res_features.0', 'res_features.1', 'res_features.4', 'res_features.5', 'res_features.6', 'res_features.7', 'res_out.weight', 'res_out.bias']));
  assert.deepEqual(model.stateDict().get('res_out.weight')!.shape, [1, 2048]);
  assert.deepEqual(model.stateDict().get('res_features.7.2.conv3.weight')!.shape, [2048, 512, 1, 1]);
  assert.equal(model.resFeatures.layers.length, 9, 'conv1, bn1, relu, maxpool, layer1–4, avgpool');
  model.dispose();
});

test('ResNet-18 classifier: logits (B, classes), also for a batch of one', () => {
  const model = new ResNetClassifier({ backbone: 'resnet18', classes: 3 }).eval();
  torch.scope(() => torch.noGrad(() => {
    assert.deepEqual(model.forward(torch.randn([2, 3, 64, 64])).shape, [2, 3]);
    assert.deepEqual(model.forward(torch.randn([1, 3, 64, 64])).shape, [1, 3]);
  }));
  assert.throws(() => new ResNetClassifier({ backbone: 'resnet34' as 'resnet18', classes: 1 }), /one of resnet18, resnet50 for backbone/);
  assert.throws(() => new ResNetClassifier({ backbone: 'resnet18', classes: 0 }), RangeError);
  model.dispose();
});

test('stages 3: MeDSLIP\'s trunk (stem to layer3) pooled into res_out; a MeDSLIP checkpoint fills every tensor but res_out', () => {
  const model = new ResNetClassifier({ backbone: 'resnet18', classes: 14, stages: 3 });
  assert.equal(model.config.stages, 3);
  assert.equal(model.resFeatures.layers.length, 8, 'conv1, bn1, relu, maxpool, layer1–3, avgpool');
  assert.deepEqual(model.stateDict().get('res_out.weight')!.shape, [14, 256]);
  assert.ok([...model.stateDict().keys()].every((k) => ENCODER.test(k) || k.startsWith('res_out.')));
  const report = initFromMedslip(model, medslipR18);
  assert.equal(report.copied.length, 90);
  assert.deepEqual(report.kept, ['res_out.weight', 'res_out.bias']);
  model.eval();
  torch.scope(() => torch.noGrad(() => assert.deepEqual(model.forward(torch.randn([2, 3, 64, 64])).shape, [2, 14])));
  assert.throws(() => new ResNetClassifier({ backbone: 'resnet18', classes: 1, stages: 2 as 3 }), /Expected 3 or 4 for stages but received 2/);
  model.dispose();
});

test('initFromMedslip copies exactly the encoder tensors (stem, layer1–3, BatchNorm statistics) and nothing else', () => {
  const fixture = readSafetensors(medslipR18).tensors;
  const model = new ResNetClassifier({ backbone: 'resnet18', classes: 1 });
  const before = new Map([...model.stateDict()].map(([k, t]) => [k, t.toFloat64Array()]));
  const report = initFromMedslip(model, medslipR18);
  const expected = [...fixture.keys()].filter((k) => ENCODER.test(k));
  assert.equal(report.copied.length, 90); // ResNet-18 conv1 + bn1 (6) + layer1–3 (84)
  assert.deepEqual([...report.copied].sort(), [...expected].sort());
  assert.equal(report.ignored, fixture.size - 90);
  assert.equal(report.kept.length, model.stateDict().size - 90);
  let worst = 0;
  for (const [key, tensor] of model.stateDict()) {
    const now = tensor.toFloat64Array();
    if (ENCODER.test(key)) {
      const raw = fixture.get(key)!;
      const reference = Array.from(raw.data as ArrayLike<number | bigint>, Number);
      worst = Math.max(worst, maxAbsDiff(now, reference));
    } else {
      assert.equal(maxAbsDiff(now, before.get(key)!), 0, `${key} must keep its fresh value`);
    }
  }
  assert.equal(worst, 0, 'copied tensors equal the checkpoint exactly');
  // the running statistics came along: a randomised fixture value, not BatchNorm's fresh 0/1
  assert.notEqual(model.stateDict().get('res_features.1.running_mean')!.toFloat64Array()[0], 0);
  model.dispose();
});

test('initFromMedslip: no matching key, a shape mismatch, and a module. prefix', () => {
  const dir = mkdtempSync(join(tmpdir(), 'medslip-classifier-'));
  try {
    const unrelated = join(dir, 'unrelated.safetensors');
    writeSafetensors(unrelated, new Map([['encoder.weight', { dtype: 'float32', shape: [2], data: new Float32Array(2) }]]));
    const model = new ResNetClassifier({ backbone: 'resnet18', classes: 1 });
    assert.throws(() => initFromMedslip(model, unrelated), (e: Error) => e.message.startsWith(`${unrelated}: no tensor matches the model`));
    // a ResNet-18 checkpoint into a ResNet-50 model: the first shared key has another shape
    const big = new ResNetClassifier({ backbone: 'resnet50', classes: 1 });
    assert.throws(() => initFromMedslip(big, medslipR18), /res_features\.4\.0\.conv1\.weight has shape \[64, 64, 3, 3\] but the model expects \[64, 64, 1, 1\]; was the checkpoint pre-trained with another backbone\?/);
    big.dispose();
    // DistributedDataParallel's module. prefix is removed (the reference silently copies nothing)
    const prefixed = join(dir, 'ddp.safetensors');
    const fixture = readSafetensors(medslipR18).tensors;
    writeSafetensors(prefixed, new Map([...fixture].map(([k, v]) => [`module.${k}`, v])));
    assert.equal(initFromMedslip(model, prefixed).copied.length, 90);
    model.dispose();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('gradients reach every parameter, the stem included', () => {
  const model = new ResNetClassifier({ backbone: 'resnet18', classes: 2 });
  torch.scope(() => {
    const logits = model.forward(torch.randn([2, 3, 64, 64]));
    torch.nnf.binaryCrossEntropyWithLogits(logits, torch.tensor([[1, 0], [0, 1]])).backward();
  });
  for (const [name, p] of model.namedParameters()) {
    const norm = torch.scope(() => p.grad?.norm().item());
    assert.ok(norm !== undefined && Number.isFinite(norm), `${name} has a finite gradient`);
  }
  const stem = torch.scope(() => model.stateDict().get('res_features.0.weight')!.grad!.norm().item());
  assert.ok(stem > 0, 'the first convolution receives a non-zero gradient');
  model.dispose();
});

test('ResNet-50 from a checkpoint in the released MeDSLIP .pth layout: stem + layer1–3 copied, layer4 and res_out fresh', () => {
  const model = new ResNetClassifier({ backbone: 'resnet50', classes: 1 });
  const report = initFromMedslip(model, join(fixturesDir, 'medslip-r50-checkpoint', 'checkpoint.pth'));
  assert.equal(report.source, 'pytorch');
  assert.equal(report.copied.length, 258); // conv1 + bn1 (6) + layer1–3 (252)
  assert.ok(report.copied.every((k) => ENCODER.test(k)));
  assert.equal(report.kept.length, 62); // layer4 (60) + res_out (2)
  assert.ok(report.kept.every((k) => k.startsWith('res_features.7.') || k.startsWith('res_out.')));
  model.dispose();
});
