// The demo end to end at toy size (its learning is the learning test's job): data, the ceiling's second process,
// pre-training, zero-shot evaluation and the report, with the fields `npm run demo` is checked by.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO_LR, demoConfig, runDemo } from '../../src/tasks/demo.ts';
import * as torch from '../../src/torch/index.ts';

const work = mkdtempSync(join(tmpdir(), 'medslip-demo-'));
process.on('exit', () => rmSync(work, { recursive: true, force: true }));

test('demo writes a report with MeDSLIP and the supervised ceiling side by side', async () => {
  process.env.MEDSLIP_CACHE = join(work, 'cache');
  try {
    const out = join(work, 'report');
    const lines: string[] = [];
    const summary = await runDemo({ out, images: 150, epochs: 1, ceilingSteps: 3, quiet: true, log: (l) => lines.push(l) });
    assert.equal(summary.pretrain.steps, 3); // 150 images: 120 pre-training, 108 training, 3 batches of 32
    assert.equal(summary.ceiling.steps, 3);
    assert.ok(summary.zeroshot.meanAuc! >= 0 && summary.zeroshot.meanAuc! <= 1);
    assert.ok(summary.ceiling.meanAuc! >= 0 && summary.ceiling.meanAuc! <= 1);
    assert.equal(summary.ceiling.zeroshotFraction, summary.zeroshot.meanAuc! / summary.ceiling.meanAuc!);
    assert.deepEqual(Object.keys(summary.ceiling.auc).sort(), Object.keys(summary.zeroshot.auc).sort());
    assert.deepEqual(Object.keys(summary.grounding.datasets).sort(), ['rsna', 'siim']);
    const saved = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as typeof summary;
    assert.equal(saved.ceiling.meanAuc, summary.ceiling.meanAuc);
    assert.ok(saved.seconds > 0);
    const report = readFileSync(join(out, 'report.md'), 'utf8');
    const dataDir = join(work, 'cache', 'synthetic-n150-s128-seed1');
    assert.ok(report.includes(`data in \`${dataDir}\``), 'the report names the data folder by its absolute path');
    assert.match(report, /\| finding \| positives \/ negatives \| AUC \(95 % CI\) \| max F1 \| ACC \| supervised ceiling AUC \|/);
    assert.ok(readFileSync(join(out, 'index.html'), 'utf8').includes('supervised ceiling AUC'));
    assert.ok(readdirSync(join(out, 'zeroshot-ground-siim', 'overlays')).some((f) => f.endsWith('.png')));
    assert.ok(!existsSync(join(out, 'probe')));
    assert.ok(lines.some((l) => l.includes('supervised ceiling')));
  } finally {
    delete process.env.MEDSLIP_CACHE;
  }
});

test('demoConfig resolves the precision it records and takes the peak lr measured for it', () => {
  const base = { images: 1200, seed: 1, epochs: 9 };
  assert.deepEqual(DEMO_LR, { float32: 1e-3, bfloat16: 4e-4 });
  const float = demoConfig({ ...base, precision: 'float32' });
  assert.equal(float.precision, 'float32');
  assert.equal(float.lr, 1e-3);
  const half = demoConfig({ ...base, precision: 'bfloat16' });
  assert.equal(half.precision, 'bfloat16');
  assert.equal(half.lr, 4e-4);
  const auto = demoConfig(base);
  assert.equal(auto.precision, torch.resolvePrecision('auto', 'cpu'), 'auto is resolved on the CPU, so config.json names what ran');
  assert.equal(auto.lr, DEMO_LR[torch.resolvePrecision('auto', 'cpu')]);
});
