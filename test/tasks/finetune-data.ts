/**
 * A tiny synthetic SIIM-ACR dataset for the fine-tuning tests: `train/`, `valid/`, `test/`, each with its CSV
 * (`image_path` column) and `png_images/` + `png_masks/` beside it, the layout SiimDataset reads. Images are
 * 64 × 64 RGB noise; positive images carry a bright disc, which is exactly their mask (255 inside, 0 outside).
 */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, sep } from 'node:path';
import { readImage, writePng } from '../../src/io/image.ts';
import type { ImageLoader } from '../../src/data/datasets/dataset.ts';
import { Random } from '../../src/util/random.ts';

export interface SplitSizes { train: number; valid: number; test: number }

async function writeSplit(root: string, split: string, count: number, random: Random, size: number): Promise<string> {
  const dir = join(root, split);
  mkdirSync(join(dir, 'png_images'), { recursive: true });
  mkdirSync(join(dir, 'png_masks'), { recursive: true });
  const names: string[] = [];
  for (let i = 0; i < count; i++) {
    const name = `${split}_${String(i).padStart(3, '0')}.png`;
    const positive = i % 2 === 0;
    const image = new Uint8Array(size * size * 3);
    const mask = new Uint8Array(size * size);
    const cx = random.uniform(16, size - 16), cy = random.uniform(16, size - 16), r = random.uniform(6, 12);
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        const inside = positive && (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
        const value = inside ? 200 + random.int(0, 40) : 40 + random.int(0, 60);
        image.fill(value, (y * size + x) * 3, (y * size + x) * 3 + 3);
        mask[y * size + x] = inside ? 255 : 0;
      }
    }
    await writePng(join(dir, 'png_images', name), { data: image, width: size, height: size, channels: 3, bitDepth: 8 });
    await writePng(join(dir, 'png_masks', name), { data: mask, width: size, height: size, channels: 1, bitDepth: 8 });
    // the reference CSV names the original DICOM path; only the file name is used
    names.push(`siim/dicom-images-${split}/${name}`);
  }
  const csv = join(dir, `${split}.csv`);
  writeFileSync(csv, `ImageId,image_path\n${names.map((n, i) => `${split}${i},${n}`).join('\n')}\n`);
  return csv;
}

/** Writes the three splits under `root`; returns the three CSV paths. */
export async function writeTinySiim(root: string, sizes: SplitSizes, seed = 1, size = 64): Promise<{ train: string; valid: string; test: string }> {
  const random = new Random(seed);
  return {
    train: await writeSplit(root, 'train', sizes.train, random, size),
    valid: await writeSplit(root, 'valid', sizes.valid, random, size),
    test: await writeSplit(root, 'test', sizes.test, random, size),
  };
}

/** An image loader that records every file it decodes into `events`, beside the task's log lines. */
export function recordingRun(): { events: string[]; loadImage: ImageLoader; log: (line: string) => void } {
  const events: string[] = [];
  return {
    events,
    loadImage: async (path, options) => {
      events.push(`read ${path}`);
      return readImage(path, options);
    },
    log: (line) => events.push(`log ${line}`),
  };
}

/**
 * Asserts the test split was read only after the selection was logged, after every train/valid read, and each
 * of its files exactly once. Returns the number of test files read.
 */
export function assertTestReadLast(events: readonly string[], testFiles: number): number {
  const selected = events.findIndex((e) => e.startsWith('log selected epoch'));
  assert.ok(selected >= 0, 'the selection is logged');
  const testReads = events.flatMap((e, i) => (e.startsWith('read ') && e.includes(`${sep}test${sep}`) ? [i] : []));
  const otherReads = events.flatMap((e, i) => (e.startsWith('read ') && !e.includes(`${sep}test${sep}`) ? [i] : []));
  assert.ok(otherReads.length > 0 && testReads.length > 0);
  assert.ok(Math.min(...testReads) > selected, `first test read at event ${Math.min(...testReads)}, selection at ${selected}`);
  assert.ok(Math.min(...testReads) > Math.max(...otherReads), 'no train/valid read after the test set is opened');
  const paths = testReads.map((i) => events[i]);
  assert.equal(new Set(paths).size, paths.length, 'every test file is read once: the test set is evaluated once');
  assert.equal(paths.length, testFiles);
  return paths.length;
}
