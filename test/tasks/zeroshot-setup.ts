/**
 * A tiny zero-shot setup for the task tests: a small random MeDSLIP saved as a medslip checkpoint, random books in
 * a safetensors file, and 64-px PNG datasets in the CXR14, RSNA, SIIM and COVIDx layouts in a temp folder.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as torch from '../../src/torch/index.ts';
import { MeDSLIP } from '../../src/models/medslip.ts';
import { saveCheckpoint } from '../../src/io/checkpoint.ts';
import { writeSafetensors } from '../../src/io/safetensors.ts';
import type { RawTensor } from '../../src/io/raw-tensor.ts';
import { writePng } from '../../src/io/image.ts';
import { Random } from '../../src/util/random.ts';
import { CXR14_CLASSES } from '../../src/data/datasets/index.ts';

export const TINY_CONFIG = { backbone: 'resnet18', layers: 1, dModel: 64, heads: 4, textDim: 32, feedForward: 128, init: 'pytorch' } as const;
export const IMAGE_SIDE = 64;
export const INPUT_SIZE = 64;
/**
 * The softmax temperature given to every cross-attention, by construction: the query rows of `in_proj_weight` and
 * `in_proj_bias` (the first dModel rows; PyTorch packs query, key, value) are multiplied by it, so every attention
 * logit q·k/√d is multiplied by it and nothing else changes. A random model's logits for one query lie within a few
 * hundredths of each other, so its maps are flat: measured on images like this set-up's at τ = 1, every token is
 * above half the map's maximum and max/min is 1.03 — a threshold selects every pixel, and IoU and Dice cannot tell
 * a right map from a wrong one. At τ = 100 the logits span a few units, as a trained model's do: max/min ≈ 24, and
 * the RSNA grounding tests measure a predicted area at threshold 0.5 of 17 % of the image (one decoder layer) and
 * 12.5 % (the mean of three layers).
 */
export const ATTENTION_TEMPERATURE = 100;

export interface TinySetup {
  dir: string;
  checkpoint: string;
  booksFile: string;
  cxr14Csv: string;
  rsnaCsv: string;
  siimCsv: string;
  covidxList: string;
  /** The RSNA boxes of each row (x, y, w, h in 64-px coordinates), empty for negatives. */
  rsnaBoxes: number[][][];
  cleanup(): void;
}

/** Writes an image with a bright blob somewhere (so images differ) over noise. */
async function writeImage(path: string, random: Random): Promise<void> {
  const data = new Uint8Array(IMAGE_SIDE * IMAGE_SIDE);
  const cx = random.int(10, 54), cy = random.int(10, 54);
  for (let y = 0; y < IMAGE_SIDE; y++) {
    for (let x = 0; x < IMAGE_SIDE; x++) {
      const blob = Math.exp(-((x - cx) ** 2 + (y - cy) ** 2) / 60);
      data[y * IMAGE_SIDE + x] = Math.min(255, Math.round(60 + 40 * random.next() + 150 * blob));
    }
  }
  await writePng(path, { data, width: IMAGE_SIDE, height: IMAGE_SIDE, channels: 1, bitDepth: 8 });
}

/**
 * The tiny random MeDSLIP of these tests: PyTorch's default init (`init: 'pytorch'`), whose scores differ between
 * images (the CXR14 classification test measures a spread of 1.1e-2; with the reference's N(0, 0.02²) init it is
 * 2e-5, too close to the tests' 1e-6 tolerance to show anything), and every cross-attention at ATTENTION_TEMPERATURE.
 */
export function tinyModel(layers: number = TINY_CONFIG.layers): MeDSLIP {
  const model = new MeDSLIP({ ...TINY_CONFIG, layers });
  torch.noGrad(() => torch.scope(() => {
    for (const decoder of [model.decoderPathology, model.decoderAnatomy]) {
      for (const layer of decoder.layers.items) {
        const query = (t: torch.Tensor): torch.Tensor => t.narrow(0, 0, TINY_CONFIG.dModel); // a view: the query rows
        query(layer.crossAttn.inProjWeight).mul_(ATTENTION_TEMPERATURE);
        query(layer.crossAttn.inProjBias).mul_(ATTENTION_TEMPERATURE);
      }
    }
  }));
  return model;
}

export async function tinySetup(images = 12, options: { layers?: number } = {}): Promise<TinySetup> {
  const dir = mkdtempSync(join(tmpdir(), 'medslip-zeroshot-'));
  const random = new Random(7);
  torch.manualSeed(3);
  const model = tinyModel(options.layers);
  const checkpoint = join(dir, 'tiny');
  saveCheckpoint(checkpoint, { model, modelConfig: model.config });
  model.dispose();
  const book = (rows: number): RawTensor => ({
    dtype: 'float32', shape: [rows, TINY_CONFIG.textDim], data: Float32Array.from({ length: rows * TINY_CONFIG.textDim }, () => random.normal()),
  });
  const booksFile = join(dir, 'books.safetensors');
  writeSafetensors(booksFile, { pathology: book(75), anatomy: book(51) });

  mkdirSync(join(dir, 'images'));
  mkdirSync(join(dir, 'png_images'));
  mkdirSync(join(dir, 'png_masks'));
  mkdirSync(join(dir, 'test'));
  const names = Array.from({ length: images }, (_, i) => `img${String(i).padStart(3, '0')}.png`);
  for (const name of names) {
    await writeImage(join(dir, 'images', name), random);
    await writeImage(join(dir, 'png_images', name), random);
    await writeImage(join(dir, 'test', name), random);
  }

  // CXR14: alternate labels so that every class has both values.
  const cxrRows = names.map((name, i) => {
    const labels = CXR14_CLASSES.map((_, c) => ((i + c) % 3 === 0 ? 1 : 0));
    return [`images/${name}`, name, labels.some((l) => l) ? 'Finding' : 'No Finding', ...labels].join(',');
  });
  const cxr14Csv = join(dir, 'cxr14.csv');
  writeFileSync(cxr14Csv, `img_path,Image Index,Finding Label,${CXR14_CLASSES.join(',')}\n${cxrRows.join('\n')}\n`);

  // RSNA: every other image positive with one or two boxes.
  const rsnaBoxes = names.map((_, i) => (i % 2 === 0 ? [] : i % 4 === 1 ? [[8, 12, 20, 16]] : [[30, 30, 18, 22], [5, 40, 10, 10]]));
  const rsnaRows = names.map((name, i) =>
    [`id-${i}`, `images/${name}`, rsnaBoxes[i].length === 0 ? 'nan' : rsnaBoxes[i].map((b) => b.join(';')).join('|'), rsnaBoxes[i].length > 0 ? 1 : 0].join(','));
  const rsnaCsv = join(dir, 'rsna.csv');
  writeFileSync(rsnaCsv, `ID,img_path,boxes,classes\n${rsnaRows.join('\n')}\n`);

  // SIIM: masks with a rectangle on every third image.
  for (const [i, name] of names.entries()) {
    const mask = new Uint8Array(IMAGE_SIDE * IMAGE_SIDE);
    if (i % 3 !== 2) for (let y = 10 + i; y < 30 + i; y++) mask.fill(255, y * IMAGE_SIDE + 20, y * IMAGE_SIDE + 44);
    await writePng(join(dir, 'png_masks', name), { data: mask, width: IMAGE_SIDE, height: IMAGE_SIDE, channels: 1, bitDepth: 8 });
  }
  const siimCsv = join(dir, 'siim.csv');
  writeFileSync(siimCsv, `image_path\n${names.map((n) => `dicom-tree/${n}`).join('\n')}\n`);

  // COVIDx three-class list; images in test/ beside test.txt.
  const covidxList = join(dir, 'test.txt');
  const classes = ['normal', 'pneumonia', 'COVID-19'];
  writeFileSync(covidxList, names.map((n, i) => `p${i} ${n} ${classes[i % 3]} synthetic`).join('\n') + '\n');

  return { dir, checkpoint, booksFile, cxr14Csv, rsnaCsv, siimCsv, covidxList, rsnaBoxes, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Minimal CSV reader for the outputs (no quoted commas in what the tests read). */
export function parseSimpleCsv(text: string): { header: string[]; rows: string[][] } {
  const lines = text.trimEnd().split('\n');
  return { header: lines[0].split(','), rows: lines.slice(1).map((line) => line.split(',')) };
}
