import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { parseCsv, readCsv } from '../../../src/data/datasets/csv.ts';
import { repoRoot } from '../../helpers.ts';

const fixtures = join(repoRoot, 'test/data/fixtures/datasets');

test('parseCsv strips the BOM, handles CRLF and quoted fields, and numbers lines from the record start', async () => {
  const table = await readCsv(join(fixtures, 'cxr14-nih.csv'));
  assert.equal(table.header[0], 'Image Index'); // no BOM left on the first name
  assert.equal(table.header.length, 18);
  assert.deepEqual(table.rows.map((r) => r.line), [2, 3, 5]); // row 2 spans lines 3–4
  assert.equal(table.rows[0].values[2], 'Effusion|Mass');
  assert.equal(table.rows[1].values[3], 'two\r\nlines, with a "comma"');
  assert.equal(table.rows[2].values[3], '');
});

test('parseCsv skips blank lines but keeps counting them', () => {
  const table = parseCsv('a,b\n\n1,2\r\n\r\n\r\n3,4', 'x.csv');
  assert.deepEqual(table.rows.map((r) => [r.line, ...r.values]), [[3, '1', '2'], [6, '3', '4']]);
});

test('a record with the wrong number of fields names the file and its line', () => {
  assert.throws(() => parseCsv('a,b,c\n1,2,3\n"x\ny",2,3\n4,5\n', 'labels.csv'), {
    message: 'labels.csv line 5: expected 3 fields as in the header but found 2',
  });
  assert.throws(() => parseCsv('a,b\n1,2\n3,"4\n', 'q.csv'), /^Error: q\.csv line \d+: Quote Not Closed/);
  assert.throws(() => parseCsv('', 'empty.csv'), { message: 'empty.csv: the file is empty; expected a header line' });
  assert.throws(() => parseCsv('a,B,A\n', 'dup.csv'), { message: 'dup.csv line 1: column "A" appears twice (columns 1 and 3)' });
});

test('cells: column lookup by normalised name, 0/1 parsing, and errors naming line and column', () => {
  const table = parseCsv('img_path,Pleural_Thickening\nx.png,1\ny.png,x\nz.png,1.0\n', 'cxr14.csv');
  const column = table.requireColumn(['pleural thickening']);
  assert.equal(column, 1);
  assert.equal(table.binary(table.rows[0], column), 1);
  assert.equal(table.binary(table.rows[2], column), 1);
  assert.throws(() => table.binary(table.rows[1], column), {
    message: 'cxr14.csv line 3: column "Pleural_Thickening" must be 0 or 1 but is "x"',
  });
  assert.throws(() => table.requireColumn(['boxes', 'box']), {
    message: 'cxr14.csv line 1: missing column "boxes" (or "box"); the header has "img_path", "Pleural_Thickening"',
  });
});

test('readCsv names a file it cannot read', async () => {
  await assert.rejects(readCsv(join(fixtures, 'nope.csv')), /nope\.csv: cannot read the CSV file \(ENOENT/);
});
