import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, existsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { NUM_LANDMARKS, NUM_OBSERVATIONS } from '../../src/vocabulary.ts';
import { readCsv } from '../../src/data/datasets/csv.ts';
import { Cxr14Dataset } from '../../src/data/datasets/cxr14.ts';
import { RsnaDataset } from '../../src/data/datasets/rsna.ts';
import { SiimDataset } from '../../src/data/datasets/siim.ts';
import { PretrainDataset } from '../../src/data/datasets/pretrain.ts';
import type { Image } from '../../src/data/datasets/dataset.ts';
import {
  generateSample, isCurrentSyntheticDataset, readSyntheticManifest, sampleSeed, writeSyntheticDataset,
} from '../../src/synth/dataset.ts';

const scratch = mkdtempSync(join(tmpdir(), 'medslip-synth-'));
process.on('exit', () => rmSync(scratch, { recursive: true, force: true }));

/** The grey pixels of a PNG, and the channel count stored in the file. */
async function decodePng(path: string): Promise<{ data: Uint8Array; width: number; height: number; channels: number }> {
  const { channels } = await sharp(path).metadata();
  const { data, info } = await sharp(path).extractChannel(0).raw().toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data), width: info.width, height: info.height, channels: channels ?? 0 };
}

const loadImage = async (path: string): Promise<Image> => {
  const { data, width, height } = await decodePng(path);
  return { data, width, height, channels: 1, bitDepth: 8 };
};

/** Shape, dtype and data of a float64 .npy file, parsed from its header. */
function readNpy(path: string): { shape: number[]; descr: string; data: Float64Array } {
  const bytes = readFileSync(path);
  assert.equal(bytes.subarray(0, 6).toString('latin1'), '\x93NUMPY');
  assert.equal(bytes[6], 1);
  const headerLength = bytes.readUInt16LE(8);
  assert.equal((10 + headerLength) % 64, 0, 'data should start on a 64-byte boundary');
  const header = bytes.subarray(10, 10 + headerLength).toString('latin1');
  const descr = /'descr': '([^']+)'/.exec(header)?.[1] ?? '';
  assert.match(header, /'fortran_order': False/);
  const shape = (/'shape': \(([^)]*)\)/.exec(header)?.[1] ?? '').split(',').filter((s) => s.trim()).map(Number);
  const body = bytes.subarray(10 + headerLength);
  const data = new Float64Array(body.length / 8);
  for (let i = 0; i < data.length; i++) data[i] = body.readDoubleLE(8 * i);
  return { shape, descr, data };
}

test('generateSample: the same seed gives identical bytes, another seed another sample', () => {
  const a = generateSample(77), b = generateSample(77), c = generateSample(78);
  assert.equal(a.image.length, 224 * 224);
  assert.deepEqual(a.image, b.image);
  assert.equal(a.report, b.report);
  assert.deepEqual(a.matrix, b.matrix);
  assert.deepEqual(a.masks, b.masks);
  assert.notDeepEqual(a.image, c.image);
  assert.equal(a.matrix.length, NUM_LANDMARKS * NUM_OBSERVATIONS);
  assert.throws(() => generateSample(1.5), TypeError);
});

test('writeSyntheticDataset writes the reference formats, readable by the medslip dataset readers', async () => {
  const dir = join(scratch, 'small');
  const n = 40, heldOut = 12, seed = 5, size = 96;
  const manifest = await writeSyntheticDataset(dir, { n, heldOut, seed, size, validFraction: 0.15 });
  assert.deepEqual(manifest.splits, { train: 24, valid: 4, heldOut: 12 });
  assert.deepEqual(readSyntheticManifest(dir), manifest);
  assert.ok(isCurrentSyntheticDataset(dir, { n, heldOut, seed, size, validFraction: 0.15 }));
  assert.ok(!isCurrentSyntheticDataset(dir, { n: n + 1, heldOut, seed, size, validFraction: 0.15 }));
  assert.equal(readdirSync(join(dir, 'images')).length, n);
  assert.equal(readdirSync(join(dir, 'masks')).length, n, 'a mask for every image (fine-tuning splits too)');
  for (const split of ['train', 'valid', 'heldout']) {
    const rows = readFileSync(join(dir, `${split}_siim.csv`), 'utf8').trim().split('\n').length - 1;
    assert.equal(rows, { train: 24, valid: 4, heldout: 12 }[split], `${split}_siim.csv rows`);
  }
  assert.deepEqual(readdirSync(scratch).filter((name) => name.includes('.tmp-')), [], 'no temporary folder left behind');

  // labels.npy: (N, 51, 75) float64 holding each sample's matrix in row labels_id
  const npy = readNpy(join(dir, 'labels.npy'));
  assert.equal(npy.descr, '<f8');
  assert.deepEqual(npy.shape, [n, NUM_LANDMARKS, NUM_OBSERVATIONS]);
  assert.ok(npy.data.every((v) => v === -1 || v === 0 || v === 1));
  const train = JSON.parse(readFileSync(join(dir, 'train.json'), 'utf8')) as Record<string, { labels_id: number }>;
  const valid = JSON.parse(readFileSync(join(dir, 'valid.json'), 'utf8')) as Record<string, { labels_id: number }>;
  assert.equal(Object.keys(train).length, 24);
  assert.equal(Object.keys(valid).length, 4);
  const rowSize = NUM_LANDMARKS * NUM_OBSERVATIONS;
  for (const i of [0, 13, 27, 39]) {
    const sample = generateSample(sampleSeed(seed, i), { size });
    assert.deepEqual(npy.data.subarray(i * rowSize, (i + 1) * rowSize), sample.matrix);
    const png = await decodePng(join(dir, 'images', `${String(i).padStart(6, '0')}.png`));
    assert.deepEqual([png.width, png.height, png.channels], [size, size, 1]);
    assert.deepEqual(png.data, sample.image);
  }
  assert.equal(train['images/000013.png'].labels_id, 13);

  // reports.csv: id,image,text with multi-line quoted text
  const reports = await readCsv(join(dir, 'reports.csv'));
  assert.deepEqual(reports.header, ['id', 'image', 'text']);
  assert.equal(reports.rows.length, n);
  assert.equal(reports.rows[13].values[2], generateSample(sampleSeed(seed, 13), { size }).report);

  // the held-out CSVs through the readers the tasks use
  const cxr14 = await Cxr14Dataset.open(join(dir, manifest.files.cxr14), { loadImage, channels: 1 });
  assert.equal(cxr14.length, heldOut);
  const rsna = await RsnaDataset.open(join(dir, manifest.files.rsna), { loadImage, channels: 1 });
  const siim = await SiimDataset.open(join(dir, manifest.files.siim.csv), { loadImage, channels: 1, imageDir: 'images', maskDir: 'masks' });
  let pneumonia = 0, pneumothorax = 0;
  for (let k = 0; k < heldOut; k++) {
    const sample = generateSample(sampleSeed(seed, n - heldOut + k), { size });
    const kinds = new Set(sample.findings.map((f) => f.kind));
    const labels = await cxr14.labelsOf(k);
    assert.equal(labels[2], kinds.has('effusion') ? 1 : 0, 'pleural effusion column');
    assert.equal(labels[1], kinds.has('cardiomegaly') ? 1 : 0, 'cardiomegaly column');
    assert.equal(labels[3], 0, 'infiltration is never generated');
    const box = await rsna.get(k);
    assert.equal(box.labels[0], kinds.has('consolidation') ? 1 : 0);
    if (kinds.has('consolidation')) {
      pneumonia++;
      assert.ok(box.boxes.length === 1 && box.boxes[0].w > 0 && box.boxes[0].x + box.boxes[0].w <= size);
    }
    const seg = await siim.get(k);
    assert.equal(seg.labels[0], kinds.has('pneumothorax') ? 1 : 0);
    if (kinds.has('pneumothorax')) pneumothorax++;
  }
  console.log(`held-out: ${pneumonia} pneumonia, ${pneumothorax} pneumothorax of ${heldOut}; counts ${JSON.stringify(manifest.counts)}`);

  const pretrain = await PretrainDataset.open(join(dir, 'train.json'), join(dir, 'labels.npy'), { loadImage, channels: 1 });
  assert.equal(pretrain.length, 24);
  assert.deepEqual(await pretrain.matrixOf(3), npy.data.subarray(3 * rowSize, 4 * rowSize));
});

test('the same options write byte-identical folders; an existing folder needs overwrite', async () => {
  const options = { n: 10, heldOut: 4, seed: 9, size: 64 };
  const a = join(scratch, 'a'), b = join(scratch, 'b');
  await writeSyntheticDataset(a, options);
  await writeSyntheticDataset(b, options);
  const files = (dir: string): string[] => readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile()).map((e) => join(e.parentPath ?? (e as unknown as { path: string }).path, e.name).slice(dir.length)).sort();
  assert.deepEqual(files(a), files(b));
  for (const f of files(a)) assert.ok(readFileSync(join(a, f)).equals(readFileSync(join(b, f))), `${f} differs`);
  await assert.rejects(writeSyntheticDataset(a, options), /already exists; pass overwrite to replace it/);
  await writeSyntheticDataset(a, { ...options, n: 12, overwrite: true });
  assert.equal(readSyntheticManifest(a)?.n, 12);
  assert.ok(existsSync(join(a, 'images', '000011.png')));
  // overwrite replaces only an earlier synthetic set: a folder of other files (or a file) is refused, untouched
  const other = join(scratch, 'mine');
  mkdirSync(other);
  writeFileSync(join(other, 'thesis.tex'), 'years of work');
  await assert.rejects(writeSyntheticDataset(other, { ...options, overwrite: true }),
    new Error(`${other}: holds no synthetic dataset (no manifest.json), and overwrite only replaces one; choose another folder`));
  assert.equal(readFileSync(join(other, 'thesis.tex'), 'utf8'), 'years of work');
  await assert.rejects(writeSyntheticDataset(join(other, 'thesis.tex'), { ...options, overwrite: true }), /thesis\.tex: holds no synthetic dataset/);
  const empty = join(scratch, 'empty');
  mkdirSync(empty);
  await writeSyntheticDataset(empty, { ...options, overwrite: true });
  assert.equal(readSyntheticManifest(empty)?.n, 10);
  await assert.rejects(writeSyntheticDataset(join(scratch, 'c'), { n: 5, heldOut: 5 }), RangeError);
});

test('a failure part-way leaves neither the folder nor a temporary one behind', async () => {
  const dir = join(scratch, 'interrupted');
  const stop = (done: number) => { if (done === 6) throw new Error('stopped by the caller'); };
  await assert.rejects(writeSyntheticDataset(dir, { n: 10, heldOut: 2, size: 48, onProgress: stop }), /stopped by the caller/);
  assert.ok(!existsSync(dir));
  assert.deepEqual(readdirSync(scratch).filter((name) => name.startsWith('.interrupted')), []);
});

test('throughput (printed, loosely bounded)', () => {
  // CPU time of this thread's work, not wall time: other programs on the machine do not change it
  const count = 100;
  const start = process.cpuUsage();
  for (let i = 0; i < count; i++) generateSample(sampleSeed(123, i));
  const used = process.cpuUsage(start);
  const seconds = (used.user + used.system) / 1e6;
  console.log(`generateSample at 224 px: ${(count / seconds).toFixed(1)} images per CPU second (${(1000 * seconds / count).toFixed(1)} ms each)`);
  assert.ok(count / seconds > 5, `${(count / seconds).toFixed(1)} images per CPU second`);
});
