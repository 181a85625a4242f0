import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { readImage, writePng, toGrey, toRgb, to8Bit, to16Bit, checkImage, type Image } from '../../src/io/image.ts';
import { dataDir } from '../helpers.ts';

const nihPng = join(dataDir, 'nih-cxr14-sample', 'images', '00000129_000.png');

function sum(data: ArrayLike<number>): number {
  let total = 0;
  for (let i = 0; i < data.length; i++) total += data[i];
  return total;
}

function withTempDir(run: (dir: string) => Promise<void>): () => Promise<void> {
  return async () => {
    const dir = mkdtempSync(join(tmpdir(), 'medslip-image-'));
    try {
      await run(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

test('reads an NIH PNG as PIL does (8-bit grey, same pixels)', async () => {
  const image = await readImage(nihPng);
  assert.deepEqual([image.width, image.height, image.channels, image.bitDepth], [256, 256, 1, 8]);
  assert.ok(image.data instanceof Uint8Array);
  // Values from PIL: Image.open(path), numpy sum and pixels [y, x].
  assert.equal(sum(image.data), 8950333);
  assert.equal(image.data[10 * 256 + 20], 0);
  assert.equal(image.data[128 * 256 + 128], 172);
  assert.equal(image.data[255 * 256 + 255], 72);
});

test('channels: 3 replicates grey like PIL convert("RGB"); a Buffer reads the same as the path', async () => {
  const rgb = await readImage(nihPng, { channels: 3 });
  const grey = await readImage(readFileSync(nihPng), { channels: 1 });
  assert.equal(rgb.channels, 3);
  assert.equal(rgb.data.length, 256 * 256 * 3);
  for (const i of [0, 1000, 128 * 256 + 128, 65535]) {
    assert.deepEqual([rgb.data[3 * i], rgb.data[3 * i + 1], rgb.data[3 * i + 2]], [grey.data[i], grey.data[i], grey.data[i]]);
  }
});

test('toGrey uses PIL\'s integer luma (values from PIL convert("L"))', () => {
  const triples = [[0, 0, 0], [255, 255, 255], [255, 0, 0], [0, 255, 0], [0, 0, 255], [12, 200, 99], [128, 128, 127], [1, 2, 3]];
  const image: Image = { data: new Uint8Array(triples.flat()), width: 8, height: 1, channels: 3, bitDepth: 8 };
  assert.deepEqual(Array.from(toGrey(image).data), [0, 255, 76, 150, 29, 132, 128, 2]);
  assert.equal(toRgb(toGrey(image)).data.length, 24);
});

test('to8Bit / to16Bit: 0 ↔ 0, 255 ↔ 65535, rounding v/257', () => {
  const sixteen: Image = { data: new Uint16Array([0, 128, 129, 257, 32896, 65535]), width: 6, height: 1, channels: 1, bitDepth: 16 };
  assert.deepEqual(Array.from(to8Bit(sixteen).data), [0, 0, 1, 1, 128, 255]);
  const eight: Image = { data: new Uint8Array([0, 1, 128, 255]), width: 4, height: 1, channels: 1, bitDepth: 8 };
  assert.deepEqual(Array.from(to16Bit(eight).data), [0, 257, 32896, 65535]);
});

test('writePng round-trips 8/16-bit grey and RGB and leaves no temporary file', withTempDir(async (dir) => {
  const grey16: Image = { data: new Uint16Array([0, 1, 1000, 40000, 65535, 12345]), width: 3, height: 2, channels: 1, bitDepth: 16 };
  const rgb8: Image = { data: new Uint8Array([1, 2, 3, 250, 251, 252, 0, 128, 255, 9, 8, 7]), width: 2, height: 2, channels: 3, bitDepth: 8 };
  const rgb16: Image = { data: new Uint16Array([1, 2, 3, 65535, 40000, 3, 9, 8, 7, 100, 200, 300]), width: 2, height: 2, channels: 3, bitDepth: 16 };
  for (const [name, image] of [['grey16.png', grey16], ['rgb8.png', rgb8], ['rgb16.png', rgb16]] as const) {
    await writePng(join(dir, name), image);
    const back = await readImage(join(dir, name));
    assert.deepEqual({ ...back, data: Array.from(back.data) }, { ...image, data: Array.from(image.data) }, name);
  }
  assert.deepEqual(readdirSync(dir).sort(), ['grey16.png', 'rgb16.png', 'rgb8.png']);
}));

test('RGBA and grey+alpha PNGs lose their alpha; JPEG decodes close to its source', withTempDir(async (dir) => {
  const rgba = Buffer.from([10, 20, 30, 0, 40, 50, 60, 255]);
  await sharp(rgba, { raw: { width: 2, height: 1, channels: 4 } }).png().toFile(join(dir, 'rgba.png'));
  const read = await readImage(join(dir, 'rgba.png'));
  assert.deepEqual([read.channels, Array.from(read.data)], [3, [10, 20, 30, 40, 50, 60]]);

  const source = await readImage(nihPng);
  await sharp(source.data, { raw: { width: 256, height: 256, channels: 1 } }).toColourspace('b-w').jpeg({ quality: 95 }).toFile(join(dir, 'x.jpg'));
  const jpeg = await readImage(join(dir, 'x.jpg'));
  assert.deepEqual([jpeg.width, jpeg.height, jpeg.channels, jpeg.bitDepth], [256, 256, 1, 8]);
  let total = 0;
  for (let i = 0; i < jpeg.data.length; i++) total += Math.abs(jpeg.data[i] - source.data[i]);
  assert.ok(total / jpeg.data.length < 2, `JPEG q95 mean abs error ${total / jpeg.data.length}`);
}));

test('bad files give errors that name the file', withTempDir(async (dir) => {
  const empty = join(dir, 'empty.png');
  writeFileSync(empty, Buffer.alloc(0));
  await assert.rejects(readImage(empty), { message: `${empty}: image file is empty (0 bytes)` });

  const text = join(dir, 'notes.txt');
  writeFileSync(text, 'not an image at all, just some words');
  await assert.rejects(readImage(text), (error: Error) => error.message.startsWith(`${text}: is not a PNG, JPEG or DICOM image`));

  const truncated = join(dir, 'truncated.png');
  writeFileSync(truncated, readFileSync(nihPng).subarray(0, 5000));
  await assert.rejects(readImage(truncated), (error: Error) => error.message.startsWith(`${truncated}: cannot decode PNG image, the file is truncated or corrupt`));

  const misnamed = join(dir, 'actually-a-png.dcm');
  writeFileSync(misnamed, readFileSync(nihPng));
  assert.equal((await readImage(misnamed)).width, 256);

  // a 30000 × 30000 PNG (header only: the size is refused before decoding)
  const huge = join(dir, 'huge.png');
  writeFileSync(huge, pngHeader(30000, 30000));
  await assert.rejects(readImage(huge), { message: `${huge}: PNG image is too large to decode (30000 × 30000 = 900 M pixels; the limit is 16383 × 16383 = 268 M pixels)` });

  const missing = join(dir, 'missing.png');
  await assert.rejects(readImage(missing), { message: `${missing}: cannot read image file (ENOENT)` });
  await assert.rejects(readImage(Buffer.from([1, 2, 3]), { name: 'upload.bin' }), /^Error: upload\.bin: is not a PNG, JPEG or DICOM image/);
}));

test('argument checks throw TypeError / RangeError', async () => {
  await assert.rejects(readImage(42 as unknown as string), TypeError);
  await assert.rejects(readImage(nihPng, { channels: 2 as 1 }), RangeError);
  assert.throws(() => checkImage({ data: new Uint8Array(5), width: 2, height: 2, channels: 1, bitDepth: 8 }), RangeError);
  assert.throws(() => checkImage({ data: new Uint8Array(4), width: 2, height: 2, channels: 1, bitDepth: 16 }), TypeError);
});

/** The signature, IHDR (8-bit grey) and a small IDAT of a PNG of any declared size. */
function pngHeader(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer): Buffer => {
    const length = Buffer.alloc(4), crc = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    crc.writeUInt32BE(crc32(body) >>> 0);
    return Buffer.concat([length, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth; colour type 0 (grey), compression, filter and interlace 0
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(Buffer.alloc(64))), chunk('IEND', Buffer.alloc(0))]);
}
