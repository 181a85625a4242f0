import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readSyntheticManifest, writeSyntheticDataset } from '../../src/synth/dataset.ts';
import { prepareSynthetic } from '../../src/tasks/pretrain/data.ts';

const work = mkdtempSync(join(tmpdir(), 'medslip-prepare-'));
process.on('exit', () => rmSync(work, { recursive: true, force: true }));

test('prepareSynthetic uses a named folder written with other options as it is', async () => {
  const dir = join(work, 'pneumothorax-only');
  await writeSyntheticDataset(dir, { n: 6, size: 32, seed: 3, heldOut: 2, prevalence: { pneumothorax: 1, effusion: 0 } });
  const lines: string[] = [];
  const used = await prepareSynthetic({ syntheticDir: dir, syntheticCount: 1200, syntheticSize: 128, syntheticSeed: 1 }, (l) => lines.push(l));
  assert.equal(used, dir);
  assert.deepEqual(lines, [`synthetic data: reusing ${dir}`]);
  const manifest = readSyntheticManifest(dir)!;
  assert.equal(manifest.n, 6);
  assert.deepEqual(manifest.sampling.prevalence, { effusion: 0, pneumothorax: 1 });
});

test('prepareSynthetic generates the cache folder when it does not match the options', async () => {
  process.env.MEDSLIP_CACHE = join(work, 'cache');
  try {
    const first = await prepareSynthetic({ syntheticCount: 4, syntheticSize: 32, syntheticSeed: 2 });
    assert.equal(first, join(work, 'cache', 'synthetic-n4-s32-seed2'));
    assert.equal(readSyntheticManifest(first)!.n, 4);
    const lines: string[] = [];
    assert.equal(await prepareSynthetic({ syntheticCount: 4, syntheticSize: 32, syntheticSeed: 2 }, (l) => lines.push(l)), first);
    assert.match(lines[0], /reusing/);
  } finally {
    delete process.env.MEDSLIP_CACHE;
  }
});
