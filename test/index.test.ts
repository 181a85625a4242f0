// The public entry point loads and exposes each layer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as medslip from '../src/index.ts';

test('the public entry point exposes the engine, models, io, text, data, metrics and tasks', () => {
  assert.equal(typeof medslip.torch.tensor, 'function');
  assert.equal(typeof medslip.MeDSLIP, 'function');
  assert.equal(typeof medslip.loadMedslip, 'function');
  assert.equal(typeof medslip.readSafetensors, 'function');
  assert.equal(medslip.vocabulary.OBSERVATIONS.length, 75);
  assert.equal(medslip.vocabulary.LANDMARKS.length, 51);
  assert.equal(typeof medslip.text.loadTokenizer, 'function');
  assert.equal(typeof medslip.labels.extractReport, 'function');
  assert.equal(typeof medslip.labels.explainReport, 'function');
  assert.equal(typeof medslip.loader.BatchLoader, 'function');
  assert.equal(typeof medslip.distributed.DataParallel, 'function');
  assert.equal(typeof medslip.metrics.rocAuc, 'function');
  assert.equal(typeof medslip.runPretrain, 'function');
  assert.equal(medslip.metrics.rocAuc([0, 1, 0, 1], [0.1, 0.9, 0.2, 0.8]), 1);
});
