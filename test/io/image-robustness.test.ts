// 200 corrupted image files (truncated PNG/JPEG/DICOM, flipped bytes, random bytes, zero length), made in a temp
// directory from the NIH sample and the DICOM samples with a seeded Random: each must either decode to a valid
// Image or reject with an Error that names the file — no crash, no hang.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { checkImage, readImage } from '../../src/io/image.ts';
import { Random } from '../../src/util/random.ts';
import { dataDir } from '../helpers.ts';

const TIMEOUT_MS = 10_000;

test('200 corrupted image files: each decodes or throws an Error naming the file, within the time limit', async () => {
  const rng = new Random(20240311);
  const nihDir = join(dataDir, 'nih-cxr14-sample', 'images');
  const pngs = readdirSync(nihDir).sort().slice(0, 40).map((name) => readFileSync(join(nihDir, name)));
  const jpegs = await Promise.all(pngs.slice(0, 10).map((png) => sharp(png).jpeg({ quality: 90 }).toBuffer()));
  const dicomDir = join(dataDir, 'dicom-samples');
  const dicoms = ['nih-dx-uncompressed.dcm', 'siim-cr-jpeg-baseline.dcm', 'monochrome1-variant.dcm'].map((name) => readFileSync(join(dicomDir, name)));

  const truncate = (bytes: Buffer): Buffer => bytes.subarray(0, rng.int(1, bytes.length - 1));
  const flipBytes = (bytes: Buffer): Buffer => {
    const copy = Buffer.from(bytes);
    const count = rng.int(1, 30);
    // Half the flips land in the first 1 KiB, where headers and lengths live.
    for (let i = 0; i < count; i++) copy[rng.bernoulli(0.5) ? rng.int(0, Math.min(1023, copy.length - 1)) : rng.int(0, copy.length - 1)] = rng.int(0, 255);
    return copy;
  };
  const randomBytes = (length: number, prefix: number[] = []): Buffer => {
    const out = Buffer.alloc(length);
    for (let i = 0; i < length; i++) out[i] = rng.int(0, 255);
    Buffer.from(prefix).copy(out);
    return out;
  };
  const dicomMagic = (body: Buffer): Buffer => { const b = Buffer.from(body); b.write('DICM', 128, 'latin1'); return b; };

  const files: { name: string; bytes: Buffer }[] = [];
  const add = (kind: string, extension: string, bytes: Buffer) => files.push({ name: `${String(files.length).padStart(3, '0')}-${kind}${extension}`, bytes });
  for (const extension of ['.png', '.jpg', '.dcm', '.dicom', '']) for (let i = 0; i < 2; i++) add('empty', extension, Buffer.alloc(0));
  for (let i = 0; i < 40; i++) add('truncated', '.png', truncate(rng.choice(pngs)));
  for (let i = 0; i < 30; i++) add('truncated', '.jpg', truncate(rng.choice(jpegs)));
  for (let i = 0; i < 40; i++) add('truncated', rng.bernoulli(0.5) ? '.dcm' : '', truncate(rng.choice(dicoms)));
  for (let i = 0; i < 40; i++) {
    const source = rng.choice([...pngs.slice(0, 5), ...jpegs.slice(0, 5), ...dicoms]);
    add('flipped', source === dicoms[0] || source === dicoms[1] || source === dicoms[2] ? '.dcm' : '.img', flipBytes(source));
  }
  for (let i = 0; i < 40; i++) {
    const length = rng.int(1, 4000);
    const kind = i % 4;
    if (kind === 0) add('random', rng.choice(['.png', '.jpg', '.dcm', '.bin']), randomBytes(length));
    else if (kind === 1) add('random-png', '.png', randomBytes(length, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    else if (kind === 2) add('random-jpeg', '.jpg', randomBytes(length, [0xff, 0xd8, 0xff]));
    else add('random-dicom', '', dicomMagic(randomBytes(length + 132)));
  }
  assert.equal(files.length, 200);

  const dir = mkdtempSync(join(tmpdir(), 'medslip-corrupt-'));
  try {
    let decoded = 0, rejected = 0, slowest = 0;
    const start = performance.now();
    for (const file of files) {
      const path = join(dir, file.name);
      writeFileSync(path, file.bytes);
      const began = performance.now();
      let timer: NodeJS.Timeout | undefined;
      const outcome = await Promise.race([
        readImage(path).then((image) => ({ image }), (error: unknown) => ({ error })),
        new Promise<{ hang: true }>((resolve) => { timer = setTimeout(() => resolve({ hang: true }), TIMEOUT_MS); }),
      ]);
      clearTimeout(timer);
      slowest = Math.max(slowest, performance.now() - began);
      assert.ok(!('hang' in outcome), `${file.name}: no answer after ${TIMEOUT_MS} ms`);
      if ('image' in outcome) {
        checkImage(outcome.image);
        decoded++;
      } else {
        const error = outcome.error;
        assert.ok(error instanceof Error, `${file.name}: rejected with a non-Error ${String(error)}`);
        assert.ok(error.message.includes(path), `${file.name}: message does not name the file: ${error.message}`);
        rejected++;
      }
    }
    console.log(`corrupted files: ${decoded} decoded, ${rejected} rejected with a named Error; ` +
      `total ${((performance.now() - start) / 1000).toFixed(1)} s, slowest ${slowest.toFixed(0)} ms`);
    assert.equal(decoded + rejected, 200);
    assert.ok(rejected >= 150, `only ${rejected} rejected`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
