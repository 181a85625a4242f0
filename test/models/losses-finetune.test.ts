// DiceBCE and the masked classification BCE against values computed by hand (double precision, math module).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as torch from '../../src/torch/index.ts';
import { diceBceLoss, maskedBceWithLogits } from '../../src/models/losses-finetune.ts';

test('diceBceLoss: dice, BCE and their sum equal the hand-computed values', () => {
  torch.scope(() => {
    // logits z and targets t laid out as (B=2, 1, 1, 3); p = 1/(1+e^−z)
    const logits = torch.tensor([0, 2, -1, 3, -2.5, 0.5]).reshape(2, 1, 1, 3);
    const targets = torch.tensor([0, 1, 1, 0, 0, 1]).reshape(2, 1, 1, 3);
    const { loss, bce, dice } = diceBceLoss(logits, targets);
    // dice = 1 − (2Σpt + 1)/(Σp + Σt + 1); bce = −mean(t·ln p + (1−t)·ln(1−p))
    assert.ok(Math.abs(dice.item() - 0.3775337778278439) < 1e-6, `dice ${dice.item()}`);
    assert.ok(Math.abs(bce.item() - 0.9558151581945903) < 1e-6, `bce ${bce.item()}`);
    assert.ok(Math.abs(loss.item() - 1.3333489360224342) < 1e-6, `loss ${loss.item()}`);
  });
});

test('diceBceLoss: perfect prediction has dice 0; saturated wrong pixels clamp the log at −100 like PyTorch', () => {
  torch.scope(() => {
    const perfect = diceBceLoss(torch.tensor([[40, -40], [-40, 40]]), torch.tensor([[1, 0], [0, 1]]));
    assert.ok(Math.abs(perfect.dice.item()) < 1e-6);
    assert.ok(perfect.bce.item() < 1e-6);
    // p = 1 exactly in float32 against t = 0: −ln(1 − p) = ∞, clamped to 100; one pixel of two → BCE 50
    const wrong = diceBceLoss(torch.tensor([100, -100]), torch.tensor([0, 0]));
    assert.ok(Math.abs(wrong.bce.item() - 50) < 1e-4, `bce ${wrong.bce.item()}`);
    // Σp = 1, Σt = 0: dice = 1 − 1/(1 + 0 + 1) = 0.5
    assert.ok(Math.abs(wrong.dice.item() - 0.5) < 1e-6, `dice ${wrong.dice.item()}`);
  });
});

test('diceBceLoss: gradient reaches the logits; mismatched sizes are a RangeError', () => {
  torch.scope(() => {
    const logits = torch.tensor([0.5, -0.5, 1.5]).requiresGrad_();
    diceBceLoss(logits, torch.tensor([1, 0, 1])).loss.backward();
    const grad = logits.grad!.toFloat32Array();
    assert.ok(grad.every((g) => Number.isFinite(g) && g !== 0), `grad ${grad.join(',')}`);
    assert.ok(grad[0] < 0 && grad[1] > 0, 'raising a positive pixel lowers the loss, raising a negative one raises it');
    assert.throws(() => diceBceLoss(torch.zeros([2, 3]), torch.zeros([2, 2])), RangeError);
  });
});

test('maskedBceWithLogits: unknown (NaN) labels leave the loss; all-unknown is a RangeError', () => {
  torch.scope(() => {
    const logits = torch.tensor([[0.3, -5], [1.2, -0.7]]);
    const labels = torch.tensor([[1, Number.NaN], [0, 1]]);
    // mean over the three known entries of max(z,0) − z·y + ln(1 + e^−|z|)
    assert.ok(Math.abs(maskedBceWithLogits(logits, labels).item() - 1.0402745868973386) < 1e-6);
    const known = torch.tensor([[0.3, 1.2], [-0.7, 0.1]]), ones = torch.tensor([[1, 0], [1, 0]]);
    const plain = torch.nnf.binaryCrossEntropyWithLogits(known, ones).item();
    assert.ok(Math.abs(maskedBceWithLogits(known, ones).item() - plain) < 1e-7, 'equals BCEWithLogits when every label is known');
    assert.throws(() => maskedBceWithLogits(torch.zeros([1, 2]), torch.full([1, 2], Number.NaN)), RangeError);
    assert.throws(() => maskedBceWithLogits(torch.zeros([1, 2]), torch.zeros([2, 1])), RangeError);
  });
});
