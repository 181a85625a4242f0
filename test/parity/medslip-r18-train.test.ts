// Training-mode parity with the reference on a small MeDSLIP (ResNet-18, 1 decoder layer, dropout 0): eval
// outputs, the five losses, every parameter gradient and the BatchNorm running statistics, against the float64
// ground truth — medslip in float64 tightly (the math), medslip in float32 within a stated multiple of the
// reference's own float32 error (tolerances.ts says why this holds on every CPU).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as torch from '../../src/torch/index.ts';
import { MeDSLIP } from '../../src/models/medslip.ts';
import { errorOf, get, loadFixture, testDevice } from './fixtures.ts';
import {
  FLOAT64_GRADIENTS_RELATIVE, FLOAT64_LOSS_AP_RELATIVE, FLOAT64_OUTPUTS, MULTIPLE, REFERENCE_FP32_ERROR,
} from './tolerances.ts';

type Precision = 'float64' | 'float32';
const PRECISIONS: Precision[] = ['float64', 'float32'];

const weights = loadFixture('medslip-r18-train', 'weights.safetensors');
const inputs = loadFixture('medslip-r18-train', 'inputs.safetensors');
const truth = loadFixture('medslip-r18-train', 'expected64.safetensors');
const truthGrads = loadFixture('medslip-r18-train', 'grads64.safetensors');

function buildModel(dtype: Precision = 'float32'): MeDSLIP {
  const model = new MeDSLIP({ backbone: 'resnet18', dModel: 256, heads: 4, layers: 1, dropout: 0 });
  model.loadStateDict(weights);
  return model.to(dtype).to(testDevice);
}

/** A fixture input in the test's precision (floating-point inputs only) on the test device. */
function input(name: string, dtype?: Precision): torch.Tensor {
  const tensor = get(inputs, name);
  return (dtype ? tensor.to(dtype) : tensor).to(testDevice);
}

function books(dtype: Precision): { pathology: torch.Tensor; anatomy: torch.Tensor } {
  return { pathology: input('book.pathology', dtype), anatomy: input('book.anatomy', dtype) };
}

/** Limit for an output or a loss whose largest reference magnitude is maxRef. */
function outputLimit(dtype: Precision, maxRef: number): number {
  const perUnit = dtype === 'float64' ? FLOAT64_OUTPUTS : MULTIPLE * REFERENCE_FP32_ERROR.r18Outputs;
  return perUnit * Math.max(1, maxRef);
}

function report(what: string, actual: torch.Tensor, reference: torch.Tensor, limitOf: (maxRef: number) => number): void {
  const { maxAbs, maxRef } = errorOf(actual, reference);
  const limit = limitOf(maxRef);
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

for (const dtype of PRECISIONS) {
  test(`eval mode, ${dtype} on ${testDevice}: logits, probabilities and attention maps equal the float64 truth`, () => {
    const model = buildModel(dtype).eval();
    torch.scope(() => torch.noGrad(() => {
      const out = model.forward(input('images', dtype), books(dtype));
      const limit = (maxRef: number): number => outputLimit(dtype, maxRef);
      report(`${dtype} eval.logits_pathology`, out.logitsPathology, get(truth, 'eval.logits_pathology'), limit);
      report(`${dtype} eval.logits_anatomy`, out.logitsAnatomy, get(truth, 'eval.logits_anatomy'), limit);
      report(`${dtype} eval.prob_pathology`, MeDSLIP.presence(out.logitsPathology), get(truth, 'eval.prob_pathology'), limit);
      report(`${dtype} eval.attn_pathology`, out.attnPathology, get(truth, 'eval.attn_pathology'), limit);
      report(`${dtype} eval.attn_anatomy`, out.attnAnatomy, get(truth, 'eval.attn_anatomy'), limit);
    }));
    model.dispose();
  });

  test(`train mode, ${dtype} on ${testDevice}: the five losses, every gradient and the BatchNorm running statistics equal the float64 truth`, () => {
    const model = buildModel(dtype).train();
    torch.scope(() => {
      const losses = model.losses({
        images: input('images', dtype),
        labelPathology: input('label_pathology'),
        labelAnatomy: input('label_anatomy'),
        matrix: input('matrix'),
        indexPathology: input('index_pathology'),
        indexAnatomy: input('index_anatomy'),
      }, books(dtype));
      const lossLimit = (maxRef: number): number => outputLimit(dtype, maxRef);
      // the truth's loss_ap (and the total) went through float32 in the reference's float64 run
      const apLimit = (maxRef: number): number => dtype === 'float64' ? FLOAT64_LOSS_AP_RELATIVE * Math.max(1, maxRef) : lossLimit(maxRef);
      report(`${dtype} train.loss`, losses.loss, get(truth, 'train.loss'), apLimit);
      report(`${dtype} train.loss_ce_pathology`, losses.lossCePathology, get(truth, 'train.loss_ce_pathology'), lossLimit);
      report(`${dtype} train.loss_cl_pathology`, losses.lossClPathology, get(truth, 'train.loss_cl_pathology'), lossLimit);
      report(`${dtype} train.loss_ce_anatomy`, losses.lossCeAnatomy, get(truth, 'train.loss_ce_anatomy'), lossLimit);
      report(`${dtype} train.loss_cl_anatomy`, losses.lossClAnatomy, get(truth, 'train.loss_cl_anatomy'), lossLimit);
      report(`${dtype} train.loss_ap`, losses.lossAp, get(truth, 'train.loss_ap'), apLimit);

      losses.loss.backward();
      const named = model.namedParameters();
      assert.equal(named.length, truthGrads.size, 'one gradient per (deduplicated) parameter');
      let worst = { name: '', maxAbs: 0, ratio: 0 };
      for (const [name, parameter] of named) {
        const { maxAbs, maxRef } = errorOf(parameter.grad!, get(truthGrads, `grad.${name}`));
        const limit = dtype === 'float64'
          ? FLOAT64_GRADIENTS_RELATIVE * maxRef + 1e-12
          : MULTIPLE * REFERENCE_FP32_ERROR.r18Gradients * Math.max(1, maxRef);
        assert.ok(maxAbs <= limit, `${dtype} grad.${name}: max |Δ| ${maxAbs} > ${limit}`);
        if (maxAbs / limit > worst.ratio) worst = { name, maxAbs, ratio: maxAbs / limit };
      }
      console.log(`${dtype} gradients: all ${named.length} within tolerance; closest to its limit: grad.${worst.name}, ` +
        `max |Δ| ${worst.maxAbs.toExponential(2)} at ${(worst.ratio * 100).toFixed(1)} % of its limit`);
    });
    const state = model.stateDict();
    const afterKeys = [...truth.keys()].filter((k) => k.startsWith('after.'));
    assert.equal(afterKeys.length, 45);
    let worst = 0;
    for (const key of afterKeys) {
      const { maxAbs, maxRef } = errorOf(state.get(key.slice('after.'.length))!, get(truth, key));
      const limit = dtype === 'float64' ? FLOAT64_OUTPUTS * Math.max(1, maxRef) : 1e-5;
      assert.ok(maxAbs <= limit, `${dtype} ${key}: max |Δ| ${maxAbs} > ${limit}`);
      worst = Math.max(worst, maxAbs);
    }
    console.log(`${dtype} BatchNorm running statistics after the step: ${afterKeys.length} tensors, max |Δ| ${worst.toExponential(2)}`);
    model.dispose();
  });
}
