import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { removeStaleTempFiles, writeFileAtomic } from '../../src/io/atomic-write.ts';

test('writes chunks in order and replaces an existing file, leaving no temp file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'medslip-atomic-'));
  try {
    const path = join(dir, 'out.bin');
    writeFileSync(path, 'old contents');
    writeFileAtomic(path, [Uint8Array.from([0x61, 0x62]), 'cd', new Uint8Array(0), 'é']);
    assert.equal(readFileSync(path, 'utf8'), 'abcdé');
    writeFileAtomic(path, 'single');
    assert.equal(readFileSync(path, 'utf8'), 'single');
    assert.deepEqual(readdirSync(dir), ['out.bin']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a failed write removes its temp file and leaves the old file untouched', () => {
  const dir = mkdtempSync(join(tmpdir(), 'medslip-atomic-'));
  try {
    const path = join(dir, 'keep.bin');
    writeFileSync(path, 'previous');
    assert.throws(() => writeFileAtomic(path, ['partial', 42] as unknown as string[]),
      new TypeError('Expected a Uint8Array or a string for chunk 1 but received number'));
    assert.equal(readFileSync(path, 'utf8'), 'previous');
    // The rename fails after the data was written (the target is a non-empty folder): the temp file goes too.
    const folder = join(dir, 'folder');
    mkdirSync(folder);
    writeFileSync(join(folder, 'inside'), 'x');
    assert.throws(() => writeFileAtomic(folder, 'data'), /EISDIR|ENOTEMPTY|EEXIST|EPERM/);
    assert.deepEqual(readdirSync(dir).sort(), ['folder', 'keep.bin']);
    assert.deepEqual(readdirSync(folder), ['inside']);
    assert.throws(() => writeFileAtomic(join(dir, 'missing', 'x.bin'), 'data'), /ENOENT/);
    assert.throws(() => writeFileAtomic('', 'data'), new TypeError('Expected a non-empty string for path but received ""'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a failed write names the file and keeps the system error code; stale temp files of dead writers are removed', () => {
  const dir = mkdtempSync(join(tmpdir(), 'medslip-atomic-'));
  try {
    const path = join(dir, 'missing', 'x.bin');
    assert.throws(() => writeFileAtomic(path, 'data'), (error: Error & { code?: string }) => {
      assert.match(error.message, new RegExp(`^${path}: cannot write the file \\(ENOENT: no such file or directory, open '.+\\.tmp'\\)$`));
      assert.equal(error.code, 'ENOENT');
      return true;
    });
    const written = writeFileAtomic(join(dir, 'a.txt'), ['ab', 'c']);
    assert.deepEqual(written, { bytes: 3, sha256: 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad' });
    const stale = '.a.txt.99999999.0123abcd.tmp', live = `.a.txt.${process.pid}.0123abcd.tmp`;
    for (const name of [stale, live, 'b.tmp']) writeFileSync(join(dir, name), '');
    assert.deepEqual(removeStaleTempFiles(dir), [stale]);
    assert.deepEqual(readdirSync(dir).sort(), [live, 'a.txt', 'b.tmp'].sort());
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
