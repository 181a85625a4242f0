import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runLabels, explainLabels } from '../../src/tasks/labels.ts';
import { readNpy } from '../../src/io/npy.ts';
import { landmarkIndex, observationIndex } from '../../src/vocabulary.ts';
import { repoRoot } from '../helpers.ts';

const at = (data: ArrayLike<number>, report: number, landmark: string, observation: string): number =>
  data[report * 51 * 75 + landmarkIndex(landmark) * 75 + observationIndex(observation)];

test('a CSV of reports becomes labels.npy (N, 51, 75), ids.json and labels.jsonl', () => {
  const dir = mkdtempSync(join(tmpdir(), 'medslip-labels-'));
  try {
    writeFileSync(join(dir, 'reports.csv'), 'id,text\ns1,"FINDINGS: Small left pleural effusion. No pneumothorax."\ns2,"IMPRESSION: Cardiomegaly."\n');
    const summary = runLabels({ input: join(dir, 'reports.csv'), out: join(dir, 'out'), jsonl: true });
    assert.equal(summary.reports, 2);
    const npy = readNpy(join(dir, 'out', 'labels.npy'));
    assert.equal(npy.dtype, 'float64');
    assert.deepEqual(npy.shape, [2, 51, 75]);
    assert.equal(at(npy.data as Float64Array, 0, 'left_pleural', 'effusion'), 1);
    assert.equal(at(npy.data as Float64Array, 0, 'unspecified', 'pneumothorax'), 0);
    assert.equal(at(npy.data as Float64Array, 1, 'unspecified', 'cardiomegaly'), 1);
    assert.equal(at(npy.data as Float64Array, 1, 'left_pleural', 'effusion'), -1);
    assert.deepEqual(JSON.parse(readFileSync(join(dir, 'out', 'ids.json'), 'utf8')), ['s1', 's2']);
    const lines = readFileSync(join(dir, 'out', 'labels.jsonl'), 'utf8').trim().split('\n')
      .map((l) => JSON.parse(l) as { id: string; entities: { observation: string; status: string }[] });
    assert.equal(lines[0].id, 's1');
    assert.ok(lines[0].entities.some((e) => e.observation === 'pneumothorax' && e.status === 'absent'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a folder of .txt reports and a RadGraph JSON are read too; a CSV without the text column is an error', () => {
  const dir = mkdtempSync(join(tmpdir(), 'medslip-labels-'));
  try {
    mkdirSync(join(dir, 'txt'));
    writeFileSync(join(dir, 'txt', 'b.txt'), 'IMPRESSION: Right lower lobe consolidation.');
    writeFileSync(join(dir, 'txt', 'a.txt'), 'FINDINGS: The lungs are clear.');
    const folder = runLabels({ input: join(dir, 'txt'), out: join(dir, 'out-txt') });
    assert.equal(folder.source, 'folder');
    assert.deepEqual(JSON.parse(readFileSync(join(dir, 'out-txt', 'ids.json'), 'utf8')), ['a', 'b']);
    const npy = readNpy(join(dir, 'out-txt', 'labels.npy'));
    assert.equal(at(npy.data as Float64Array, 1, 'lower_right_lobe', 'consolidation'), 1);
    const radgraph = runLabels({ input: join(repoRoot, 'test', 'data', 'fixtures', 'radgraph-3reports.json'), out: join(dir, 'out-rg') });
    assert.equal(radgraph.source, 'radgraph');
    assert.equal(radgraph.reports, 3);
    writeFileSync(join(dir, 'bad.csv'), 'id,body\n1,x\n');
    assert.throws(() => runLabels({ input: join(dir, 'bad.csv'), out: join(dir, 'out-bad') }), /bad\.csv.*text/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('--explain prints one report of a CSV or a folder; an unknown id or a RadGraph JSON is an error', () => {
  const dir = mkdtempSync(join(tmpdir(), 'medslip-labels-'));
  try {
    const csv = join(dir, 'reports.csv');
    writeFileSync(csv, 'id,text\ns1,"INDICATION: fever. FINDINGS: No pneumothorax."\ns2,"IMPRESSION: Cardiomegaly."\n');
    const text = explainLabels({ input: csv, id: 's1' });
    assert.match(text, /^report s1: 1 labelled sentence\(s\)\n\n\[1\] No pneumothorax\./);
    assert.match(text, /→ pneumothorax @ unspecified = 0 {3}absent \("No"\); no anatomy found/);
    assert.doesNotMatch(text, /fever/);
    assert.match(explainLabels({ input: csv, id: 's1', sections: 'all' }), /\[1\] fever\./);
    mkdirSync(join(dir, 'txt'));
    writeFileSync(join(dir, 'txt', 'r7.txt'), 'IMPRESSION: Small left effusion.');
    assert.match(explainLabels({ input: join(dir, 'txt'), id: 'r7' }), /effusion @ left_lung_unspec = 1/);
    assert.throws(() => explainLabels({ input: csv, id: 's9' }), /reports\.csv: no report with id "s9" \(2 reports, e\.g\. "s1", "s2"\)/);
    const radgraph = join(repoRoot, 'test', 'data', 'fixtures', 'radgraph-3reports.json');
    assert.throws(() => explainLabels({ input: radgraph, id: 'x' }), /radgraph-3reports\.json: --explain reads free-text reports/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
