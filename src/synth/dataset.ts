/**
 * The embedded default dataset: synthetic chest radiographs with reports, written in the reference file
 * formats so that every medslip task can run on it with nothing downloaded.
 *
 * `generateSample(seed)` gives one sample in memory; `writeSyntheticDataset(dir, …)` writes a folder:
 *   images/000000.png …            8-bit grey PNGs
 *   train.json, valid.json         pre-training splits, `{ "images/000000.png": { "labels_id": 0 }, … }` (§1.4)
 *   labels.npy                     (N, 51, 75) float64 anatomy × observation matrices, row = labels_id (§1.3)
 *   reports.csv                    id,image,text
 *   heldout_cxr14.csv              held-out images in the CXR14 test layout (§5.1): img_path, Image Index,
 *                                  Finding Label, 14 label columns (classes never generated stay 0)
 *   heldout_rsna.csv               RSNA layout (§5.2): ID, img_path, boxes "x;y;w;h|…" (pixels of the image), classes;
 *                                  a consolidation/opacity is the "pneumonia" box
 *   heldout_siim.csv, masks/*.png  SIIM layout (§5.4): image_path column; pneumothorax masks (0/255) with the
 *                                  image's file name, images in images/ (pass imageDir/maskDir to the reader)
 *   train_*.csv, valid_*.csv       the same three downstream files for the pre-training splits, so fine-tuning
 *                                  (train/valid) and its test (heldout) run on the synthetic set as they are
 *   manifest.json                  generator version, seed, size, n, splits and options, for caching
 * Paths inside the files are relative to the folder. The folder is built under a temporary name and renamed
 * into place, so a reader never sees half a dataset.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { type FileHandle, mkdir, open, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import sharp from 'sharp';
import { NUM_LANDMARKS, NUM_OBSERVATIONS, type Landmark } from '../vocabulary.ts';
import { Random } from '../util/random.ts';
import { FINDING_KINDS, type FindingKind, type FindingSamplingOptions, type Laterality, type Severity } from './findings.ts';
import type { LandmarkMasks } from './landmarks.ts';
import { npyHeader } from '../io/npy.ts';
import { bytesOf } from '../io/raw-tensor.ts';
import { type Sentence, writeReport } from './report.ts';
import { type SceneOptions, renderScene, sampleScene } from './scene.ts';
import { checkInteger } from '../util/check.ts';
import { SYNTHETIC_DATASET_DEFAULTS } from './defaults.ts';
import { csvLine } from '../util/csv.ts';

const csvRow = (values: readonly (string | number)[]): string => `${csvLine(values)}\n`;

/** Bumped whenever the same seed would produce different files. */
export const SYNTH_VERSION = 5;

export interface SyntheticFinding {
  kind: FindingKind;
  laterality: Laterality;
  /** the landmark it was drawn in (devices: where the tip lies) */
  site: Landmark;
  severity: Severity;
  /** reported with hedging; such findings leave the matrix at −1 */
  uncertain: boolean;
  /** every landmark holding the finding (≥ 90 % of its mask) */
  landmarks: Landmark[];
  /** devices and fractures: tip / break point in pixels (x, y) */
  tip?: [number, number];
}

export interface SyntheticSample {
  seed: number;
  size: number;
  /** H×W 8-bit grey, row-major */
  image: Uint8Array;
  findings: SyntheticFinding[];
  /** one 0/1 mask per finding, aligned with `image` */
  masks: Uint8Array[];
  /** landmark masks aligned with `image` */
  anatomy: LandmarkMasks;
  /** "FINDINGS: …\n\nIMPRESSION: …" */
  report: string;
  /** the report's sentences with the (landmark, observation, label) statements each makes */
  sentences: Sentence[];
  /** 51×75 row-major: 1 present, 0 negated only, −1 not mentioned or uncertain */
  matrix: Float64Array;
}

export type SampleOptions = SceneOptions;

/**
 * One synthetic radiograph with its findings, masks, report and label matrix. Same seed and options, same bytes.
 * @example const s = generateSample(42, { size: 224 }); s.report; s.matrix[landmarkIndex('heart_size') * 75 + 24];
 * @throws TypeError for a non-integer seed; RangeError for a bad size or sampling option
 */
export function generateSample(seed: number, options: SampleOptions = {}): SyntheticSample {
  const scene = sampleScene(seed, options);
  const rendered = renderScene(scene);
  const image = new Uint8Array(rendered.image.length);
  for (let i = 0; i < image.length; i++) image[i] = Math.round(rendered.image[i] * 255);
  const findings = rendered.findings.map(({ finding, landmarks, tip }): SyntheticFinding => ({
    kind: finding.kind, laterality: finding.laterality, site: finding.site, severity: finding.severity,
    uncertain: finding.uncertain, landmarks, ...(tip ? { tip } : {}),
  }));
  const report = writeReport(rendered.findings.map((f) => ({ ...f.finding, landmarks: f.landmarks })), new Random(scene.reportSeed));
  return {
    seed, size: scene.size, image, findings, masks: rendered.findings.map((f) => f.mask), anatomy: rendered.anatomy,
    report: report.text, sentences: report.sentences, matrix: report.matrix,
  };
}

/** The seed of sample `index` of a dataset (a 32-bit mix, so neighbouring samples are unrelated). */
export function sampleSeed(datasetSeed: number, index: number): number {
  let h = (Math.imul(datasetSeed >>> 0, 0x9e3779b1) ^ Math.imul(index + 1, 0x85ebca77)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d) >>> 0;
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

export interface DatasetOptions extends FindingSamplingOptions {
  /** number of images (default 2000) */
  n?: number;
  /** image side in pixels (default 224) */
  size?: number;
  /** dataset seed (default 0) */
  seed?: number;
  /** how many of the n images are held out for evaluation (the last ones; default 20 %) */
  heldOut?: number;
  /** fraction of the pre-training images in valid.json (default 0.1) */
  validFraction?: number;
  /** replace an existing folder (default false: an existing folder is an error) */
  overwrite?: boolean;
  /** called after each image */
  onProgress?: (done: number, total: number) => void;
}

export interface SyntheticDatasetManifest {
  generator: 'medslip-synth';
  version: number;
  seed: number;
  size: number;
  n: number;
  heldOut: number;
  validFraction: number;
  sampling: FindingSamplingOptions;
  splits: { train: number; valid: number; heldOut: number };
  /** images with each finding kind, and with none */
  counts: Record<FindingKind | 'normal', number>;
  files: {
    images: string;
    train: string;
    valid: string;
    labels: string;
    reports: string;
    cxr14: string;
    rsna: string;
    siim: { csv: string; imageDir: string; maskDir: string };
  };
}

/** The 14 CXR14 columns (reference header spelling) and the NIH names used in `Finding Label`. */
const CXR14_COLUMNS = [
  'atelectasis', 'cardiomegaly', 'pleural effusion', 'infiltration', 'lung mass', 'lung nodule', 'pneumonia',
  'pneumothorax', 'consolidation', 'edema', 'emphysema', 'fibrosis', 'pleural thicken', 'hernia',
] as const;
const NIH_NAMES = [
  'Atelectasis', 'Cardiomegaly', 'Effusion', 'Infiltration', 'Mass', 'Nodule', 'Pneumonia', 'Pneumothorax',
  'Consolidation', 'Edema', 'Emphysema', 'Fibrosis', 'Pleural_Thickening', 'Hernia',
] as const;
/**
 * CXR14 columns of each finding. A consolidation is labelled both consolidation and pneumonia: it is drawn as
 * pneumonia-like airspace disease, and its reports call it pneumonia as often as not.
 */
const CXR14_OF: Partial<Record<FindingKind, number[]>> = {
  atelectasis: [0], cardiomegaly: [1], effusion: [2], mass: [4], nodule: [5], consolidation: [6, 8],
  pneumothorax: [7], edema: [9], emphysema: [10],
};

async function writePng(path: string, pixels: Uint8Array, size: number): Promise<void> {
  // b-w keeps the PNG single-channel (sharp writes sRGB otherwise)
  await sharp(Buffer.from(pixels.buffer, pixels.byteOffset, pixels.byteLength), { raw: { width: size, height: size, channels: 1 } })
    .toColourspace('b-w')
    .png({ compressionLevel: 6 })
    .toFile(path);
}

/** The manifest of a folder written by `writeSyntheticDataset`, or undefined when there is none. */
export function readSyntheticManifest(dir: string): SyntheticDatasetManifest | undefined {
  const path = join(dir, 'manifest.json');
  if (!existsSync(path)) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(`${path}: not valid JSON (${(error as Error).message}); expected a synthetic dataset manifest`);
  }
  const m = parsed as Partial<SyntheticDatasetManifest>;
  if (m === null || typeof m !== 'object' || m.generator !== 'medslip-synth' || typeof m.version !== 'number') {
    throw new Error(`${path}: field "generator" should be "medslip-synth" with a numeric "version"`);
  }
  return m as SyntheticDatasetManifest;
}

function resolvedOptions(options: DatasetOptions) {
  const n = checkInteger('n', options.n ?? SYNTHETIC_DATASET_DEFAULTS.n, 1, 10_000_000);
  const size = options.size ?? SYNTHETIC_DATASET_DEFAULTS.size;
  const seed = checkInteger('seed', options.seed ?? 0, 0, 0xffffffff);
  const heldOut = checkInteger('heldOut', options.heldOut ?? Math.round(n * 0.2), 0, n - 1);
  const validFraction = options.validFraction ?? 0.1;
  if (typeof validFraction !== 'number' || !(validFraction >= 0 && validFraction < 1)) {
    throw new RangeError(`Expected number in [0, 1) for validFraction but received ${String(validFraction)}`);
  }
  const sampling: FindingSamplingOptions = {};
  if (options.normalFraction !== undefined) sampling.normalFraction = options.normalFraction;
  // sorted, so that the manifest of the same options compares equal whatever order they were given in
  if (options.prevalence !== undefined) sampling.prevalence = Object.fromEntries(Object.entries(options.prevalence).sort(([a], [b]) => a.localeCompare(b)));
  if (options.maxFindings !== undefined) sampling.maxFindings = options.maxFindings;
  if (options.uncertainFraction !== undefined) sampling.uncertainFraction = options.uncertainFraction;
  return { n, size, seed, heldOut, validFraction, sampling };
}

/** Whether `dir` holds a dataset this version would write with these options (so it can be reused). */
export function isCurrentSyntheticDataset(dir: string, options: DatasetOptions = {}): boolean {
  const want = resolvedOptions(options);
  let have: SyntheticDatasetManifest | undefined;
  try {
    have = readSyntheticManifest(dir);
  } catch {
    return false;
  }
  return have !== undefined && have.version === SYNTH_VERSION && have.seed === want.seed && have.size === want.size
    && have.n === want.n && have.heldOut === want.heldOut && have.validFraction === want.validFraction
    && JSON.stringify(have.sampling) === JSON.stringify(want.sampling);
}

/**
 * Writes a synthetic dataset folder (see the file header for its layout) and returns its manifest.
 * @example await writeSyntheticDataset('/tmp/demo-data', { n: 2000, size: 224, seed: 0, heldOut: 400 });
 * @throws Error when `dir` exists and `overwrite` is not set, or when `overwrite` would replace a folder that holds
 *   something else than an earlier synthetic set (no manifest.json); RangeError/TypeError for bad options
 */
export async function writeSyntheticDataset(dir: string, options: DatasetOptions = {}): Promise<SyntheticDatasetManifest> {
  const { n, size, seed, heldOut, validFraction, sampling } = resolvedOptions(options);
  if (existsSync(dir) && !options.overwrite) throw new Error(`${dir}: already exists; pass overwrite to replace it`);
  if (existsSync(dir) && (!statSync(dir).isDirectory() || (readdirSync(dir).length > 0 && readSyntheticManifest(dir) === undefined))) {
    throw new Error(`${dir}: holds no synthetic dataset (no manifest.json), and overwrite only replaces one; choose another folder`);
  }
  const pretrainCount = n - heldOut;
  const validCount = Math.round(pretrainCount * validFraction);
  const trainCount = pretrainCount - validCount;

  await mkdir(dirname(dir), { recursive: true });
  const temp = join(dirname(dir), `.${basename(dir)}.tmp-${process.pid}-${Date.now().toString(36)}`);
  let labels: FileHandle | undefined;
  const pending = new Set<Promise<void>>();
  try {
    await mkdir(join(temp, 'images'), { recursive: true });
    await mkdir(join(temp, 'masks'), { recursive: true });
    // the matrices stream into labels.npy as they are made, so memory does not grow with n
    labels = await open(join(temp, 'labels.npy'), 'w');
    await labels.write(npyHeader('float64', [n, NUM_LANDMARKS, NUM_OBSERVATIONS]));
    const train: Record<string, { labels_id: number }> = {};
    const valid: Record<string, { labels_id: number }> = {};
    let reports = csvRow(['id', 'image', 'text']);
    // Downstream files for every split: heldout_* evaluate; train_* / valid_* serve fine-tuning.
    type Split = 'train' | 'valid' | 'heldout';
    const downstream = Object.fromEntries((['train', 'valid', 'heldout'] as const).map((split) => [split, {
      cxr14: csvRow(['img_path', 'Image Index', 'Finding Label', ...CXR14_COLUMNS]),
      rsna: csvRow(['ID', 'img_path', 'boxes', 'classes']),
      siim: csvRow(['image_path', 'pneumothorax']),
    }])) as Record<Split, { cxr14: string; rsna: string; siim: string }>;
    const counts = Object.fromEntries([...FINDING_KINDS, 'normal'].map((k) => [k, 0])) as Record<FindingKind | 'normal', number>;
    let writeError: Error | undefined;
    const queue = async (write: Promise<void>): Promise<void> => {
      // a failed write is kept and rethrown here, never left as an unhandled rejection
      const tracked: Promise<void> = write.catch((error: unknown) => { writeError ??= error as Error; }).finally(() => pending.delete(tracked));
      pending.add(tracked);
      // PNG encoding runs on libvips threads; a few in flight keep them busy without holding every image
      if (pending.size >= 8) await Promise.race(pending);
      if (writeError !== undefined) throw writeError;
    };

    for (let i = 0; i < n; i++) {
      const sample = generateSample(sampleSeed(seed, i), { ...sampling, size });
      const name = `${String(i).padStart(6, '0')}.png`;
      const imagePath = `images/${name}`;
      await queue(writePng(join(temp, imagePath), sample.image, size));
      await labels.write(bytesOf({ dtype: 'float64', shape: [NUM_LANDMARKS, NUM_OBSERVATIONS], data: sample.matrix }));
      reports += csvRow([i, imagePath, sample.report]);
      if (sample.findings.length === 0) counts.normal++;
      for (const f of sample.findings) counts[f.kind]++;
      const split: Split = i < trainCount ? 'train' : i < pretrainCount ? 'valid' : 'heldout';
      if (split === 'train') train[imagePath] = { labels_id: i };
      else if (split === 'valid') valid[imagePath] = { labels_id: i };
      const files = downstream[split];
      const columns = new Array<number>(CXR14_COLUMNS.length).fill(0);
      for (const f of sample.findings) for (const c of CXR14_OF[f.kind] ?? []) columns[c] = 1;
      const names = NIH_NAMES.filter((_, c) => columns[c] === 1);
      files.cxr14 += csvRow([imagePath, name, names.length > 0 ? names.join('|') : 'No Finding', ...columns]);
      const boxes = sample.findings.flatMap((f, k) => (f.kind === 'consolidation' ? [boundingBox(sample.masks[k], size)] : []))
        .filter((b): b is string => b !== undefined);
      files.rsna += csvRow([`synth-${seed}-${i}`, imagePath, boxes.length > 0 ? boxes.join('|') : 'nan', boxes.length > 0 ? 1 : 0]);
      const mask = new Uint8Array(size * size);
      let pneumothorax = 0;
      sample.findings.forEach((f, k) => {
        if (f.kind !== 'pneumothorax') return;
        pneumothorax = 1;
        const m = sample.masks[k];
        for (let p = 0; p < mask.length; p++) if (m[p]) mask[p] = 255;
      });
      await queue(writePng(join(temp, 'masks', name), mask, size));
      files.siim += csvRow([imagePath, pneumothorax]);
      options.onProgress?.(i + 1, n);
    }
    await Promise.all(pending);
    if (writeError !== undefined) throw writeError;
    await labels.close();
    labels = undefined;

    await writeFile(join(temp, 'train.json'), JSON.stringify(train, null, 1) + '\n');
    await writeFile(join(temp, 'valid.json'), JSON.stringify(valid, null, 1) + '\n');
    await writeFile(join(temp, 'reports.csv'), reports);
    for (const [split, files] of Object.entries(downstream)) {
      await writeFile(join(temp, `${split}_cxr14.csv`), files.cxr14);
      await writeFile(join(temp, `${split}_rsna.csv`), files.rsna);
      await writeFile(join(temp, `${split}_siim.csv`), files.siim);
    }
    const manifest: SyntheticDatasetManifest = {
      generator: 'medslip-synth', version: SYNTH_VERSION, seed, size, n, heldOut, validFraction, sampling,
      splits: { train: trainCount, valid: validCount, heldOut }, counts,
      files: {
        images: 'images', train: 'train.json', valid: 'valid.json', labels: 'labels.npy', reports: 'reports.csv',
        cxr14: 'heldout_cxr14.csv', rsna: 'heldout_rsna.csv', siim: { csv: 'heldout_siim.csv', imageDir: 'images', maskDir: 'masks' },
      },
    };
    await writeFile(join(temp, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');

    if (existsSync(dir)) {
      const old = `${temp}.old`;
      await rename(dir, old);
      await rename(temp, dir);
      await rm(old, { recursive: true, force: true });
    } else {
      await rename(temp, dir);
    }
    return manifest;
  } catch (error) {
    await Promise.allSettled(pending);
    await labels?.close().catch(() => undefined);
    await rm(temp, { recursive: true, force: true });
    throw error;
  }
}

/** "x;y;w;h" of a mask's set pixels, or undefined for an empty mask. */
function boundingBox(mask: Uint8Array, size: number): string | undefined {
  let x0 = size, y0 = size, x1 = -1, y1 = -1;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      if (!mask[y * size + x]) continue;
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
      if (y < y0) y0 = y;
      if (y > y1) y1 = y;
    }
  }
  if (x1 < 0) return undefined;
  return [x0, y0, x1 - x0 + 1, y1 - y0 + 1].map((v) => v.toFixed(1)).join(';');
}
