// Learning, not only parity: a small MeDSLIP pre-trained from scratch on a tiny synthetic set must detect its
// findings in held-out images, zero-shot. A change that keeps every parity test green but stops the model from
// learning (a loss that drowns the others, a detached gradient, a broken loader, labels or augmentation) fails here.
//
// Two findings at 64 px with the demo's recipe scaled down (LEARNING_TEST_RECIPE in src/tasks/demo.ts): the model
// learns from the generator's reports only and is scored on held-out CXR14-format labels (about 25 positives of
// each). Measured on a 2-core AMD EPYC, one thread, 160 steps: held-out AUC 0.999 / 1.000 (pneumothorax /
// emphysema) with model seed 1, 1.000 / 1.000 with seed 2; the same run with the reference's loss weights (all 1)
// 0.877 / 1.000, hence 0.95 for each finding: undoing the loss weights fails the test. (The reference init passes
// it, 0.995 / 1.000: two findings this distinct do not need the orthogonal init, the demo's ten do.) The pointing
// game on the held-out SIIM-format pneumothorax masks must reach 0.7: 0.92 with model seeds 1 and 2 (0.48 with the
// reference's loss weights; docs/learning.md), so a change that stops the attention from finding the lesion fails.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FINDING_KINDS } from '../../src/synth/findings.ts';
import { writeSyntheticDataset } from '../../src/synth/dataset.ts';
import { PRETRAIN_DEFAULTS, validate } from '../../src/tasks/pretrain/config.ts';
import { runPretrain } from '../../src/tasks/pretrain.ts';
import { runZeroshotClassify } from '../../src/tasks/zeroshot-classify.ts';
import { runZeroshotGround } from '../../src/tasks/zeroshot-ground.ts';
import { LEARNING_TEST_RECIPE as recipe } from '../../src/tasks/demo.ts';

const work = mkdtempSync(join(tmpdir(), 'medslip-learning-'));
process.on('exit', () => rmSync(work, { recursive: true, force: true }));

test('pre-training learns: held-out zero-shot AUC ≥ 0.95 for each of two findings and pointing game ≥ 0.7 after 160 steps', async () => {
  const started = Date.now();
  const data = join(work, 'data');
  const prevalence = Object.fromEntries(FINDING_KINDS.map((k) => [k, (recipe.findings as readonly string[]).includes(k) ? 1 : 0]));
  await writeSyntheticDataset(data, { n: recipe.images, size: recipe.size, seed: recipe.seed, heldOut: recipe.heldOut, prevalence, maxFindings: 2 });
  const config = validate({ ...PRETRAIN_DEFAULTS, ...recipe.config, imageSize: recipe.size, data: 'synthetic', syntheticDir: data });
  const run = await runPretrain({ config, out: join(work, 'run'), quiet: true, log: () => {} });
  const common = { checkpoint: join(work, 'run', 'best'), books: run.books, size: recipe.size, progress: false, log: () => {} } as const;
  const classify = await runZeroshotClassify({ ...common, dataset: 'cxr14', csv: join(data, 'heldout_cxr14.csv'), bootstrap: 0 });
  const ground = await runZeroshotGround({ ...common, dataset: 'siim', csv: join(data, 'heldout_siim.csv'), overlays: 0, equalize: false });
  const auc = Object.fromEntries(classify.classes.map((c) => [c.name, Number(c.auc.toFixed(3))]));
  console.log(`learning test: ${run.steps} steps in ${run.seconds.toFixed(0)} s; held-out AUC ${JSON.stringify(auc)}, `
    + `pointing game ${ground.pointingAccuracy.toFixed(3)} on ${ground.images} pneumothoraces; ${((Date.now() - started) / 1000).toFixed(0)} s in all`);
  assert.equal(run.steps, 160);
  assert.deepEqual(Object.keys(auc).sort(), ['emphysema', 'pneumothorax']);
  for (const [name, value] of Object.entries(auc)) assert.ok(value >= 0.95, `${name}: zero-shot AUC ${value}`);
  assert.ok(ground.images >= 20, `${ground.images} held-out pneumothoraces`);
  assert.ok(ground.pointingAccuracy >= 0.7, `pointing game ${ground.pointingAccuracy} on the pneumothorax masks`);
});
