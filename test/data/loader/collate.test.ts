import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { collateClassification, collatePretrain, disposeBatch } from '../../../src/data/loader/collate.ts';
import type { ClassificationItem, PretrainItem } from '../../../src/data/loader/items.ts';
import { BatchLoader } from '../../../src/data/loader/loader.ts';
import { MeDSLIP, type MedslipLosses } from '../../../src/models/medslip.ts';
import * as torch from '../../../src/torch/index.ts';
import { counters } from '../../../src/torch/index.ts';
import { get, loadFixture } from '../../parity/fixtures.ts';
import { makeLoaderFixture, type LoaderFixture } from './fixtures.ts';

let fixture: LoaderFixture;
before(() => { fixture = makeLoaderFixture(); });
after(() => fixture.remove());

const concat = (parts: ArrayLike<number>[]): number[] => parts.flatMap((part) => Array.from(part));

test('pre-training batch: shapes and dtypes of PretrainBatch, values of the items in order', async () => {
  const loader = await BatchLoader.open({
    source: { kind: 'pretrain', args: { jsonPath: fixture.jsonPath, npyPath: fixture.npyPath } },
    transform: { kind: 'test', size: 16 },
    collate: (items: PretrainItem[]) => ({ items, batch: collatePretrain(items) }),
    batchSize: 3,
    seed: 5,
  });
  const before = counters().tensors;
  for await (const { items, batch } of loader.epoch(0)) {
    const b = items.length;
    assert.equal(counters().tensors, before + 6, 'six tensors per batch');
    assert.deepEqual(batch.images.shape, [b, 3, 16, 16]);
    assert.equal(batch.images.dtype, 'float32');
    const expected = {
      labelPathology: [b, 75], labelAnatomy: [b, 51], matrix: [b, 51, 75], indexPathology: [b, 75, 8], indexAnatomy: [b, 51, 8],
    } as const;
    for (const [field, shape] of Object.entries(expected) as [keyof typeof expected, readonly number[]][]) {
      const tensor = batch[field];
      assert.deepEqual(tensor.shape, shape, field);
      assert.equal(tensor.dtype, 'int64', field);
      assert.deepEqual(Array.from(tensor.toArray() as BigInt64Array, Number), concat(items.map((item) => item[field])), field);
    }
    assert.deepEqual(Array.from(batch.images.toArray() as Float32Array), concat(items.map((item) => item.image)));
    assert.deepEqual(batch.positions, items.map((item) => item.index));
    // Slot 0 of a present observation is the −1 placeholder the ProtoCL loss expects.
    const labels = batch.labelPathology.toArray() as BigInt64Array;
    const candidates = batch.indexPathology.toArray() as BigInt64Array;
    for (let k = 0; k < labels.length; k++) assert.equal(candidates[k * 8] === -1n, labels[k] === 1n);
    disposeBatch(batch);
  }
  assert.equal(counters().tensors, before, 'disposeBatch releases every tensor of the batch');
});

test('classification batch: images (B,3,H,W) and float32 labels with NaN for unknown columns', async () => {
  const loader = await BatchLoader.open({
    source: { kind: 'cxr14', args: { csvPath: fixture.csvPath, pathologies: ['cardiomegaly', 'not-in-cxr14', 'hernia'] } },
    transform: { kind: 'test', size: 24 },
    collate: (items: ClassificationItem[]) => ({ items, batch: collateClassification(items) }),
    batchSize: 4,
    shuffle: false,
  });
  assert.deepEqual(loader.pathologies, ['cardiomegaly', 'not-in-cxr14', 'hernia']);
  for await (const { items, batch } of loader.epoch(0)) {
    assert.deepEqual(batch.images.shape, [4, 3, 24, 24]);
    assert.deepEqual(batch.labels.shape, [4, 3]);
    assert.equal(batch.labels.dtype, 'float32');
    const labels = Array.from(batch.labels.toArray() as Float32Array);
    // The fixture's label of class c at position k is 1 when (k + c) % 3 == 0; cardiomegaly is class 1, hernia 13.
    const expected = items.flatMap((item) => [(item.index + 1) % 3 === 0 ? 1 : 0, Number.NaN, (item.index + 13) % 3 === 0 ? 1 : 0]);
    assert.deepEqual(labels, expected);
    disposeBatch(batch);
  }
});

test('collation rejects empty batches, items of another kind and mixed image sizes', () => {
  const item = (index: number, side: number): ClassificationItem => ({
    kind: 'classification', index, image: new Float32Array(3 * side * side), imageShape: [3, side, side], labels: new Float32Array(2),
  });
  assert.throws(() => collateClassification([]), { name: 'TypeError', message: 'Expected a non-empty array of loader items to collate' });
  assert.throws(() => collatePretrain([item(0, 4)] as unknown as PretrainItem[]), {
    name: 'TypeError', message: "Expected pretrain items but received a classification item (use the collate function of the source's kind)",
  });
  assert.throws(() => collateClassification([item(0, 4), item(1, 5)]), {
    name: 'TypeError', message: 'Expected images of one size in a batch but item 1 is 3×5×5 and item 0 is 3×4×4',
  });
});

test('a collated pre-training batch goes straight into MeDSLIP.losses (reference fixture model, train mode)', async () => {
  const weights = loadFixture('medslip-r18-train', 'weights.safetensors');
  const inputs = loadFixture('medslip-r18-train', 'inputs.safetensors');
  const books = { pathology: get(inputs, 'book.pathology'), anatomy: get(inputs, 'book.anatomy') };
  const model = new MeDSLIP({ backbone: 'resnet18', dModel: 256, heads: 4, layers: 1, dropout: 0 });
  model.loadStateDict(weights);
  model.train();
  const loader = await BatchLoader.open({
    source: { kind: 'pretrain', args: { jsonPath: fixture.jsonPath, npyPath: fixture.npyPath } },
    transform: { kind: 'train', size: 64 }, // the fixture's input size
    collate: collatePretrain,
    batchSize: 3,
    dropLast: true,
  });
  for await (const batch of loader.epoch(0)) {
    const terms = torch.scope(() => {
      const losses: Record<keyof MedslipLosses, torch.Tensor> = model.losses(batch, books);
      return Object.fromEntries(Object.entries(losses).map(([name, value]) => [name, value.item()]));
    });
    for (const [name, value] of Object.entries(terms)) assert.ok(Number.isFinite(value) && value >= 0, `${name} = ${value}`);
    // Present entities exist in the fixture's matrices, so both ProtoCL terms are live.
    assert.ok(terms.lossClPathology > 0 && terms.lossClAnatomy > 0, JSON.stringify(terms));
    const sum = terms.lossCePathology + terms.lossCeAnatomy + terms.lossClPathology + terms.lossClAnatomy + terms.lossAp;
    assert.ok(Math.abs(terms.loss - sum) <= 1e-4 * sum, `${terms.loss} vs ${sum}`);
    disposeBatch(batch);
  }
  model.dispose();
});
