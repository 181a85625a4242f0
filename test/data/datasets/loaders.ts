/** Image loaders for the dataset tests: a real decoder (sharp) and a recorder of what a dataset asks for. */
import sharp from 'sharp';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Image, ImageLoader } from '../../../src/data/datasets/dataset.ts';

/** Decodes 8-bit images with sharp, to 1 or 3 channels, as src/io/image.ts's readImage does. */
export const sharpLoader: ImageLoader = async (path, options) => {
  const channels = options?.channels ?? 3;
  const pipeline = channels === 1 ? sharp(path).toColourspace('b-w') : sharp(path).removeAlpha().toColourspace('srgb');
  const { data, info } = await pipeline.raw().toBuffer({ resolveWithObject: true });
  if (info.channels !== channels) throw new Error(`sharp gave ${info.channels} channels, expected ${channels}`);
  const image: Image = { data: new Uint8Array(data.buffer, data.byteOffset, data.length), width: info.width, height: info.height, channels, bitDepth: 8 };
  return image;
};

/** A loader that records each request and returns a 1 × 1 image (for metadata-only tests). */
export function recordingLoader(): { loader: ImageLoader; calls: { path: string; channels: 1 | 3 | undefined }[] } {
  const calls: { path: string; channels: 1 | 3 | undefined }[] = [];
  const loader: ImageLoader = async (path, options) => {
    calls.push({ path, channels: options?.channels });
    const channels = options?.channels ?? 3;
    return { data: new Uint8Array(channels), width: 1, height: 1, channels, bitDepth: 8 };
  };
  return { loader, calls };
}

/** Writes `files` (name → content) into a fresh temporary folder; returns it and a cleanup function. */
export function tempFiles(files: Record<string, string | Buffer>): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'medslip-datasets-'));
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
