/**
 * Data for pre-training: the synthetic set (generated once into a cache folder), or the reference's split JSONs +
 * .npy matrix, through the threaded batch loader (src/data/loader), collated into the tensors `MeDSLIP.losses`
 * takes. Order, augmentation and ProtoCL candidates are pure functions of (seed, epoch, index): a resumed run
 * sees the same batches, whatever the number of workers.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { BatchLoader, type PretrainItem, type PretrainLoaderBatch } from '../../data/loader/index.ts';
import { collatePretrain } from '../../data/loader/collate.ts';
import { isCurrentSyntheticDataset, readSyntheticManifest, SYNTH_VERSION, writeSyntheticDataset } from '../../synth/dataset.ts';
import type { PretrainConfig } from './config.ts';

/** medslip's cache folder: MEDSLIP_CACHE, else ~/.cache/medslip. */
export function cacheDir(): string {
  return process.env.MEDSLIP_CACHE ?? join(homedir(), '.cache', 'medslip');
}

/**
 * The synthetic dataset folder for a config: reused when its manifest matches, generated otherwise. A folder named
 * by `syntheticDir` that holds a set of this generator version is used as it is, whatever options wrote it (a set
 * written by `medslip synth` with its own prevalences, say): only the cache folder is regenerated to match.
 */
export async function prepareSynthetic(config: Pick<PretrainConfig, 'syntheticCount' | 'syntheticSize' | 'syntheticSeed' | 'syntheticDir'>,
  log: (line: string) => void = () => {}): Promise<string> {
  const options = { n: config.syntheticCount, size: config.syntheticSize, seed: config.syntheticSeed };
  const dir = config.syntheticDir ?? join(cacheDir(), `synthetic-n${options.n}-s${options.size}-seed${options.seed}`);
  const given = config.syntheticDir === undefined ? undefined : readSyntheticManifest(dir);
  if (isCurrentSyntheticDataset(dir, options) || given?.version === SYNTH_VERSION) {
    log(`synthetic data: reusing ${dir}`);
    return dir;
  }
  const started = Date.now();
  log(`synthetic data: generating ${options.n} images of ${options.size} px into ${dir} …`);
  await writeSyntheticDataset(dir, { ...options, overwrite: true });
  log(`synthetic data: ${options.n} images in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return dir;
}

export interface PretrainLoaders {
  train: BatchLoader<PretrainItem, PretrainLoaderBatch>;
  valid: BatchLoader<PretrainItem, PretrainLoaderBatch>;
  /** Where the data came from (for logs). */
  source: string;
}

/**
 * Loaders for the training split (shuffled per epoch, augmented, last partial batch dropped as the reference's
 * drop_last) and the validation split (in order, evaluation transform). Decoding and augmentation run in
 * `config.workers` threads; batches are the same for any worker count. `augment: false` gives the training split
 * the evaluation transform (the learning-parity bench compares two implementations on identical, unaugmented batches).
 * In a data-parallel job (`rank` of `worldSize`), each loader holds this rank's share (src/distributed/sampler.ts).
 */
export async function openPretrainLoaders(config: PretrainConfig, log: (line: string) => void = () => {},
  options: { augment?: boolean; rank?: number; worldSize?: number } = {}): Promise<PretrainLoaders> {
  let jsonPaths: [string, string], npyPath: string, imageRoot: string | undefined, source: string;
  if (config.data === 'synthetic') {
    const dir = await prepareSynthetic(config, log);
    jsonPaths = [join(dir, 'train.json'), join(dir, 'valid.json')];
    npyPath = join(dir, 'labels.npy');
    source = dir;
  } else {
    jsonPaths = [config.trainFile!, config.validFile!];
    npyPath = config.labelFile!;
    imageRoot = config.imageRoot;
    source = config.trainFile!;
  }
  const shard = { rank: options.rank ?? 0, worldSize: options.worldSize ?? 1 };
  const common = { collate: collatePretrain, batchSize: config.batchSize, seed: config.seed, workers: config.workers };
  const args = (jsonPath: string) => ({ jsonPath, npyPath, channels: 1 as const, ...(imageRoot ? { imageRoot } : {}) });
  const train = await BatchLoader.open({
    ...common, source: { kind: 'pretrain', args: args(jsonPaths[0]) }, shuffle: true, dropLast: true, shard,
    transform: options.augment === false ? { kind: 'test', size: config.imageSize }
      : { kind: 'train', size: config.imageSize, scale: config.cropScale, randAugment: config.randAugment ? {} : false },
  });
  const valid = await BatchLoader.open({
    ...common, source: { kind: 'pretrain', args: args(jsonPaths[1]) }, shuffle: false, dropLast: false,
    shard: { ...shard, padded: false },
    transform: { kind: 'test', size: config.imageSize },
  });
  return { train, valid, source };
}
