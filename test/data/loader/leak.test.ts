import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, test } from 'node:test';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CORRUPT_POSITION, makeLoaderFixture, SAMPLE_COUNT, type LoaderFixture } from './fixtures.ts';

const here = dirname(fileURLToPath(import.meta.url));
const launchers = {
  'node --import tsx': ['--import', 'tsx', join(here, 'leak-child.ts')],
  'tsx register(), as bin/medslip.js': [join(here, 'leak-child-register.mjs')],
};

let fixture: LoaderFixture;
before(() => { fixture = makeLoaderFixture(); });
after(() => fixture.remove());

interface RunReport { batches: number; sha256: string; error: string }
interface ChildReport { broken: RunReport[]; complete: RunReport; failed: RunReport }

for (const [name, args] of Object.entries(launchers)) {
  test(`the process exits without close() after a break, a finished epoch and a failed sample (${name})`, () => {
    // A leaked worker keeps the child alive until the timeout kills it (status null, signal SIGTERM).
    const result = spawnSync(process.execPath, [...args, fixture.csvPath, fixture.corruptCsv], { cwd: here, encoding: 'utf8', timeout: 30_000 });
    assert.equal(result.signal, null, `the child did not exit by itself; stderr: ${result.stderr}`);
    assert.equal(result.status, 0, `the child failed: ${result.stderr}`);
    const report = JSON.parse(result.stdout.trim().split('\n').pop()!) as ChildReport;
    assert.deepEqual(report.broken.map((r) => r.batches), [1, 1, 1]);
    assert.equal(new Set(report.broken.map((r) => r.sha256)).size, 1, 'the same first batch each time');
    assert.equal(report.complete.batches, SAMPLE_COUNT / 2);
    assert.equal(report.complete.error, '');
    assert.match(report.failed.error, new RegExp(`^cxr14 sample ${CORRUPT_POSITION} \\(epoch 0\\): .*truncated\\.png`));
    // The same images whichever way tsx was loaded (the first batch of the finished epoch is the broken one's).
    assert.equal(report.complete.sha256.length, 64);
    checksums.push(report.complete.sha256);
  });
}
const checksums: string[] = [];
test('both launchers load the same images, bit for bit', () => {
  assert.equal(checksums.length, 2);
  assert.equal(checksums[1], checksums[0]);
});
