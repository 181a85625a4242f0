// Training-mode parity with the reference on a small MeDSLIP (ResNet-18, 1 decoder layer, dropout 0):
// eval outputs, the five losses, every parameter gradient and the BatchNorm running statistics.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as torch from '../../src/torch/index.ts';
import { MeDSLIP } from '../../src/models/medslip.ts';
import { errorOf, get, loadFixture } from './fixtures.ts';

const weights = loadFixture('medslip-r18-train', 'weights.safetensors');
const inputs = loadFixture('medslip-r18-train', 'inputs.safetensors');
const expected = loadFixture('medslip-r18-train', 'expected.safetensors');
const grads = loadFixture('medslip-r18-train', 'grads.safetensors');
const books = { pathology: get(inputs, 'book.pathology'), anatomy: get(inputs, 'book.anatomy') };

function buildModel(): MeDSLIP {
  const model = new MeDSLIP({ backbone: 'resnet18', dModel: 256, heads: 4, layers: 1, dropout: 0 });
  model.loadStateDict(weights);
  return model;
}

function report(what: string, actual: torch.Tensor, reference: torch.Tensor, tolerance: (maxRef: number) => number): void {
  const { maxAbs, maxRef } = errorOf(actual, reference);
  const limit = tolerance(maxRef);
  console.log(`${what}: max |Δ| ${maxAbs.toExponential(2)} (limit ${limit.toExponential(1)})`);
  assert.ok(maxAbs <= limit, `${what}: max |Δ| ${maxAbs} > ${limit}`);
}

test('state dict keys are exactly the reference\'s 150', () => {
  const model = buildModel();
  assert.deepEqual([...model.stateDict().keys()].sort(), [...weights.keys()].sort());
  // the final LayerNorm is one module under two names
  assert.equal(model.stateDict().get('decoder_pathology.norm.weight'), model.stateDict().get('decoder_anatomy.norm.weight'));
  model.dispose();
});

test('eval mode: logits, probabilities and attention maps equal the reference', () => {
  const model = buildModel().eval();
  torch.scope(() => torch.noGrad(() => {
    const out = model.forward(get(inputs, 'images'), books);
    const forward = (m: number): number => 1e-4 * Math.max(1, m);
    report('eval.logits_pathology', out.logitsPathology, get(expected, 'eval.logits_pathology'), forward);
    report('eval.logits_anatomy', out.logitsAnatomy, get(expected, 'eval.logits_anatomy'), forward);
    report('eval.prob_pathology', MeDSLIP.presence(out.logitsPathology), get(expected, 'eval.prob_pathology'), forward);
    report('eval.attn_pathology', out.attnPathology, get(expected, 'eval.attn_pathology'), forward);
    report('eval.attn_anatomy', out.attnAnatomy, get(expected, 'eval.attn_anatomy'), forward);
  }));
  model.dispose();
});

test('train mode: the five losses, every gradient and the BatchNorm running statistics equal the reference', () => {
  const model = buildModel().train();
  torch.scope(() => {
    const losses = model.losses({
      images: get(inputs, 'images'),
      labelPathology: get(inputs, 'label_pathology'),
      labelAnatomy: get(inputs, 'label_anatomy'),
      matrix: get(inputs, 'matrix'),
      indexPathology: get(inputs, 'index_pathology'),
      indexAnatomy: get(inputs, 'index_anatomy'),
    }, books);
    const lossTolerance = (m: number): number => 1e-4 * Math.max(1, m);
    report('train.loss', losses.loss, get(expected, 'train.loss'), lossTolerance);
    report('train.loss_ce_pathology', losses.lossCePathology, get(expected, 'train.loss_ce_pathology'), lossTolerance);
    report('train.loss_cl_pathology', losses.lossClPathology, get(expected, 'train.loss_cl_pathology'), lossTolerance);
    report('train.loss_ce_anatomy', losses.lossCeAnatomy, get(expected, 'train.loss_ce_anatomy'), lossTolerance);
    report('train.loss_cl_anatomy', losses.lossClAnatomy, get(expected, 'train.loss_cl_anatomy'), lossTolerance);
    report('train.loss_ap', losses.lossAp, get(expected, 'train.loss_ap'), lossTolerance);

    losses.loss.backward();
    const named = model.namedParameters();
    assert.equal(named.length, grads.size, 'one gradient per (deduplicated) parameter');
    let worst = { name: '', ratio: 0 };
    for (const [name, parameter] of named) {
      const reference = get(grads, `grad.${name}`);
      const { maxAbs, maxRef } = errorOf(parameter.grad!, reference);
      const limit = 1e-4 * Math.max(1, maxRef);
      assert.ok(maxAbs <= limit, `grad.${name}: max |Δ| ${maxAbs} > ${limit}`);
      if (maxAbs / limit > worst.ratio) worst = { name, ratio: maxAbs / limit };
    }
    console.log(`gradients: all ${named.length} within tolerance; closest to its limit: grad.${worst.name} at ${(worst.ratio * 100).toFixed(1)} %`);
  });
  const state = model.stateDict();
  const afterKeys = [...expected.keys()].filter((k) => k.startsWith('after.'));
  let worst = 0;
  for (const key of afterKeys) {
    const { maxAbs } = errorOf(state.get(key.slice('after.'.length))!, get(expected, key));
    assert.ok(maxAbs <= 1e-5, `${key}: max |Δ| ${maxAbs} > 1e-5`);
    worst = Math.max(worst, maxAbs);
  }
  console.log(`BatchNorm running statistics after the step: ${afterKeys.length} tensors, max |Δ| ${worst.toExponential(2)} (limit 1e-5)`);
  model.dispose();
});
