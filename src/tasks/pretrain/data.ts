/**
 * Data for pre-training: the synthetic set (generated once into a cache folder), or the reference's split JSONs +
 * .npy matrix; batches collated into the tensors `MeDSLIP.losses` takes.
 *
 * Order and augmentation are pure functions of (seed, epoch, index): a resumed run sees the same batches, and
 * the result does not depend on how decoding is scheduled.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import * as torch from '../../torch/index.ts';
import { PretrainDataset, type PretrainSample } from '../../data/datasets/index.ts';
import { sampleSeed } from '../../data/datasets/protocl.ts';
import { testTransform, trainTransform, type ImageTransform } from '../../data/transforms/index.ts';
import { isCurrentSyntheticDataset, writeSyntheticDataset } from '../../synth/dataset.ts';
import { Random } from '../../util/random.ts';
import type { PretrainBatch } from '../../models/medslip.ts';
import type { PretrainConfig } from './config.ts';

/** medslip's cache folder: MEDSLIP_CACHE, else ~/.cache/medslip. */
export function cacheDir(): string {
  return process.env.MEDSLIP_CACHE ?? join(homedir(), '.cache', 'medslip');
}

/** The synthetic dataset folder for a config: reused when its manifest matches, generated otherwise. */
export async function prepareSynthetic(config: Pick<PretrainConfig, 'syntheticCount' | 'syntheticSize' | 'syntheticSeed' | 'syntheticDir'>,
  log: (line: string) => void = () => {}): Promise<string> {
  const options = { n: config.syntheticCount, size: config.syntheticSize, seed: config.syntheticSeed };
  const dir = config.syntheticDir ?? join(cacheDir(), `synthetic-n${options.n}-s${options.size}-seed${options.seed}`);
  if (isCurrentSyntheticDataset(dir, options)) {
    log(`synthetic data: reusing ${dir}`);
    return dir;
  }
  const started = Date.now();
  log(`synthetic data: generating ${options.n} images of ${options.size} px into ${dir} …`);
  await writeSyntheticDataset(dir, { ...options, overwrite: true });
  log(`synthetic data: ${options.n} images in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return dir;
}

export interface PretrainData {
  train: PretrainDataset;
  valid: PretrainDataset;
  /** Where the data came from (for logs). */
  source: string;
}

export async function openPretrainData(config: PretrainConfig, log: (line: string) => void = () => {}): Promise<PretrainData> {
  if (config.data === 'synthetic') {
    const dir = await prepareSynthetic(config, log);
    const labels = join(dir, 'labels.npy');
    return {
      train: await PretrainDataset.open(join(dir, 'train.json'), labels, { seed: config.seed, channels: 1 }),
      valid: await PretrainDataset.open(join(dir, 'valid.json'), labels, { seed: config.seed, channels: 1 }),
      source: dir,
    };
  }
  const options = { seed: config.seed, imageRoot: config.imageRoot, channels: 1 as const };
  return {
    train: await PretrainDataset.open(config.trainFile!, config.labelFile!, options),
    valid: await PretrainDataset.open(config.validFile!, config.labelFile!, options),
    source: config.trainFile!,
  };
}

/** The sample order of an epoch: a seeded shuffle of 0…n−1 (the same for the same seed and epoch). */
export function epochOrder(length: number, seed: number, epoch: number): number[] {
  return new Random(sampleSeed(seed, epoch, 0x5eed)).shuffle([...Array(length).keys()]);
}

/** Number of batches per epoch (the last partial batch is dropped, as the reference's drop_last). */
export const batchesPerEpoch = (length: number, batchSize: number): number => Math.floor(length / batchSize);

function collate(samples: PretrainSample[], inputs: Float32Array[], size: number): PretrainBatch {
  const b = samples.length;
  const images = new Float32Array(b * 3 * size * size);
  inputs.forEach((input, i) => images.set(input, i * input.length));
  const int64 = (pick: (s: PretrainSample) => ArrayLike<number>, width: number): BigInt64Array => {
    const out = new BigInt64Array(b * width);
    samples.forEach((s, i) => {
      const values = pick(s);
      for (let j = 0; j < width; j++) out[i * width + j] = BigInt(values[j]);
    });
    return out;
  };
  const matrix = new Float32Array(b * 51 * 75);
  samples.forEach((s, i) => matrix.set(s.matrix, i * 51 * 75));
  return {
    images: torch.fromTypedArray(images, [b, 3, size, size]),
    labelPathology: torch.fromTypedArray(int64((s) => s.labelPathology, 75), [b, 75]),
    labelAnatomy: torch.fromTypedArray(int64((s) => s.labelAnatomy, 51), [b, 51]),
    matrix: torch.fromTypedArray(matrix, [b, 51, 75]),
    indexPathology: torch.fromTypedArray(int64((s) => s.indexPathology, 75 * 8), [b, 75, 8]),
    indexAnatomy: torch.fromTypedArray(int64((s) => s.indexAnatomy, 51 * 8), [b, 51, 8]),
  };
}

export interface BatchOptions {
  batchSize: number;
  epoch: number;
  seed: number;
  /** 'train' augments (seeded per sample); 'eval' resizes only. */
  mode: 'train' | 'eval';
  imageSize: number;
  cropScale?: [number, number];
  randAugment?: boolean;
  /** Skip the first batches of the epoch (resume mid-epoch). */
  startBatch?: number;
  /** Shuffle (train) or keep the dataset order (eval). */
  shuffle?: boolean;
}

/**
 * Batches of one epoch as tensors (the caller disposes them). The next batch's images are decoding (on
 * libvips threads) while the caller trains on the current one.
 */
export async function* pretrainBatches(dataset: PretrainDataset, options: BatchOptions): AsyncGenerator<PretrainBatch> {
  dataset.setEpoch(options.epoch);
  const order = options.shuffle ?? options.mode === 'train'
    ? epochOrder(dataset.length, options.seed, options.epoch) : [...Array(dataset.length).keys()];
  const count = batchesPerEpoch(dataset.length, options.batchSize);
  const transformFor = (index: number): ImageTransform => options.mode === 'train'
    ? trainTransform(new Random(sampleSeed(options.seed + 1, options.epoch, index)), {
      size: options.imageSize, scale: options.cropScale, randAugment: options.randAugment === false ? false : {},
    })
    : testTransform({ size: options.imageSize });
  const load = (batch: number): Promise<PretrainSample[]> =>
    Promise.all(order.slice(batch * options.batchSize, (batch + 1) * options.batchSize).map((i) => dataset.get(i)));
  let next = (options.startBatch ?? 0) < count ? load(options.startBatch ?? 0) : undefined;
  for (let batch = options.startBatch ?? 0; batch < count; batch++) {
    const samples = await next!;
    next = batch + 1 < count ? load(batch + 1) : undefined;
    const inputs = samples.map((s) => transformFor(s.index)(s.image));
    yield collate(samples, inputs, options.imageSize);
  }
}
