// The weighted sum of the five pre-training losses (a pre-training setting; the reference weighs all five 1).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as torch from '../../src/torch/index.ts';
import { MeDSLIP } from '../../src/models/medslip.ts';
test('loss weights: the total is the weighted sum of the five terms; all 1 gives the reference total', () => {
  torch.manualSeed(2);
  const model = new MeDSLIP({ backbone: 'resnet18', dModel: 32, heads: 4, layers: 1, textDim: 16, feedForward: 64, dropout: 0 });
  const books = { pathology: torch.randn([75, 16]), anatomy: torch.randn([51, 16]) };
  const batch = {
    images: torch.randn([2, 3, 32, 32]),
    labelPathology: torch.tensor(Array.from({ length: 150 }, (_, i) => (i % 3) - 1)).reshape(2, 75),
    labelAnatomy: torch.tensor(Array.from({ length: 102 }, (_, i) => (i % 2))).reshape(2, 51),
    matrix: torch.tensor(Array.from({ length: 2 * 51 * 75 }, (_, i) => ((i * 7) % 3) - 1)).reshape(2, 51, 75),
    indexPathology: torch.tensor(Array.from({ length: 2 * 75 * 8 }, (_, i) => i % 51), { dtype: 'int64' }).reshape(2, 75, 8),
    indexAnatomy: torch.tensor(Array.from({ length: 2 * 51 * 8 }, (_, i) => i % 75), { dtype: 'int64' }).reshape(2, 51, 8),
  };
  model.eval();
  torch.scope(() => torch.noGrad(() => {
    const plain = model.losses(batch, books);
    const terms = [plain.lossCePathology, plain.lossClPathology, plain.lossCeAnatomy, plain.lossClAnatomy, plain.lossAp].map((t) => t.item());
    assert.ok(Math.abs(plain.loss.item() - terms.reduce((a, b) => a + b)) < 1e-4);
    const weights = { cePathology: 1, clPathology: 0.01, ceAnatomy: 0.5, clAnatomy: 0.01, ap: 0.02 };
    const weighted = model.losses(batch, books, weights);
    const expected = terms[0] + 0.01 * terms[1] + 0.5 * terms[2] + 0.01 * terms[3] + 0.02 * terms[4];
    assert.ok(Math.abs(weighted.loss.item() - expected) < 1e-4, `${weighted.loss.item()} vs ${expected}`);
    assert.equal(weighted.lossClPathology.item(), terms[1], 'each term is reported unweighted');
  }));
  model.dispose();
  books.pathology.dispose(); books.anatomy.dispose();
});
