// One reading of --checkpoint / --init / --resume: a run folder, run/best (with or without an extension), a bare
// .safetensors, a PyTorch file; and the errors when nothing is there.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveCheckpoint } from '../../src/io/resolve-checkpoint.ts';

test('every form resolves the same way; missing checkpoints are errors naming what was looked for', () => {
  const dir = mkdtempSync(join(tmpdir(), 'medslip-resolve-'));
  try {
    const run = join(dir, 'run');
    mkdirSync(run);
    for (const name of ['last.json', 'best.json', 'weights.safetensors', 'ref.pth']) writeFileSync(join(run, name), '{}');
    const best = { kind: 'medslip', prefix: join(run, 'best') };
    assert.deepEqual(resolveCheckpoint(run), best);
    assert.deepEqual(resolveCheckpoint(join(run, 'best')), best);
    assert.deepEqual(resolveCheckpoint(join(run, 'best.json')), best);
    assert.deepEqual(resolveCheckpoint(join(run, 'best.safetensors')), best);
    assert.deepEqual(resolveCheckpoint(run, { runCheckpoint: 'last' }), { kind: 'medslip', prefix: join(run, 'last') });
    assert.deepEqual(resolveCheckpoint(join(run, 'weights.safetensors')), { kind: 'safetensors', path: join(run, 'weights.safetensors') });
    assert.deepEqual(resolveCheckpoint(join(run, 'weights')), { kind: 'safetensors', path: join(run, 'weights.safetensors') });
    assert.deepEqual(resolveCheckpoint(join(run, 'ref.pth')), { kind: 'pytorch', path: join(run, 'ref.pth') });

    rmSync(join(run, 'last.json'));
    assert.deepEqual(resolveCheckpoint(run, { runCheckpoint: 'last' }), best, 'no last: best, to resume');
    writeFileSync(join(run, 'last.json'), '{}');
    rmSync(join(run, 'best.json'));
    assert.deepEqual(resolveCheckpoint(run), { kind: 'medslip', prefix: join(run, 'last') }, 'no best yet: last');
    rmSync(join(run, 'last.json'));
    assert.throws(() => resolveCheckpoint(run), new Error(`${run}: the folder holds no checkpoint (no best.json or last.json)`));
    assert.throws(() => resolveCheckpoint(run, { runCheckpoint: 'last' }), new Error(`${run}: the folder holds no checkpoint (no last.json or best.json)`));
    assert.throws(() => resolveCheckpoint(join(run, 'best')),
      new Error(`${join(run, 'best')}: no checkpoint there (looked for a run folder, ${join(run, 'best.json')} and ${join(run, 'best.safetensors')})`));
    assert.throws(() => resolveCheckpoint(join(run, 'missing.pth')), new Error(`${join(run, 'missing.pth')}: no such file`));
    assert.throws(() => resolveCheckpoint(''), new TypeError('Expected a checkpoint path but received ""'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
