/**
 * Pre-training configuration: typed defaults, then a YAML file, then `key=value` overrides (nanoGPT's
 * configurator, as a typed parser). The YAML may use the reference's keys as they are
 * (PreTrain_MeDSLIP/configs/Pretrain_MeDSLIP.yaml: train_file, batch_size, res_base_model, N, H, optimizer.lr,
 * schedular.epochs, …) or medslip's camelCase keys. An unknown key or a value of the wrong type is an error
 * naming the key; the reference's keys that its code never reads are accepted and ignored.
 */
import { existsSync, readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import type { ResNetArch } from '../../models/resnet.ts';
import type { LossWeights, MedslipInit } from '../../models/medslip.ts';
import { PRECISION_CHOICES, type PrecisionChoice } from '../../torch/precision.ts';

export interface PretrainConfig {
  /** 'synthetic' (the embedded generator) or 'files' (split JSONs + .npy matrix in the reference format). */
  data: 'synthetic' | 'files';
  trainFile?: string;
  validFile?: string;
  labelFile?: string;
  /** Folder that relative image paths start from (default: the split JSON's folder). */
  imageRoot?: string;
  /** Synthetic data: number of images, side in pixels, generator seed, cache folder. */
  syntheticCount: number;
  syntheticSize: number;
  syntheticSeed: number;
  syntheticDir?: string;

  /** Text vectors: a books .safetensors file, a Hugging Face BERT folder, or 'offline' (no weights needed). */
  books?: string;
  textEncoder: string;
  pathologyBook?: string;
  maxLength: number;

  backbone: ResNetArch;
  dModel: number;
  heads: number;
  layers: number;
  dropout: number;
  imageSize: number;
  /** RandomResizedCrop area range (reference [0.2, 1]). */
  cropScale: [number, number];
  /** RandAugment (2 ops at magnitude 7) on or off. */
  randAugment: boolean;
  /**
   * Weight init of the heads, streams and decoders: 'reference' (N(0, 0.02²)), 'pytorch' (module defaults) or
   * 'orthogonal' (the image's path to the logits as orthogonal maps, the attention's query and key projections as
   * the reference, so the attention starts uniform: faster learning of small models in short runs, docs/learning.md).
   */
  init: MedslipInit;
  /**
   * Weights of the five losses in the order [cePathology, clPathology, ceAnatomy, clAnatomy, ap] (reference: all
   * 1). See LossWeights in src/models/medslip.ts for why short runs from scratch weigh ProtoCL and ICL less.
   */
  lossWeights: [number, number, number, number, number];

  batchSize: number;
  epochs: number;
  lr: number;
  minLr: number;
  warmupLr: number;
  weightDecay: number;
  /** 'step': linear warm-up over warmupSteps then cosine per step; 'reference': the reference's per-epoch cosine. */
  schedule: 'step' | 'reference';
  warmupSteps: number;
  warmupEpochs: number;
  /** Clip gradients to this global norm (0 = off, the reference's behaviour). */
  clipGradNorm: number;

  seed: number;
  workers: number;
  device: string;
  /**
   * What the trunk and decoders compute in: 'float32' (the reference), 'bfloat16' (libtorch's autocast; heads,
   * losses, parameters and optimizer stay float32) or 'auto' (bfloat16 on a CPU with native bfloat16
   * instructions, float32 elsewhere). Not part of the model: a run may resume in another precision.
   */
  precision: PrecisionChoice;
  /** Steps between log lines. */
  logInterval: number;
}

export const PRETRAIN_DEFAULTS: Readonly<PretrainConfig> = Object.freeze({
  data: 'synthetic',
  syntheticCount: 2000, syntheticSize: 224, syntheticSeed: 1,
  textEncoder: 'offline', maxLength: 128,
  backbone: 'resnet50', dModel: 256, heads: 4, layers: 4, dropout: 0.1, imageSize: 224,
  cropScale: [0.2, 1], randAugment: true, init: 'reference', lossWeights: [1, 1, 1, 1, 1],
  batchSize: 64, epochs: 100, lr: 1e-4, minLr: 1e-5, warmupLr: 1e-5, weightDecay: 0.02,
  schedule: 'step', warmupSteps: 500, warmupEpochs: 5, clipGradNorm: 0,
  seed: 42, workers: 2, device: 'cpu', precision: 'float32', logInterval: 20,
}) as Readonly<PretrainConfig>;

type Kind = 'string' | 'number' | 'integer' | 'boolean' | 'pair' | 'five' | readonly string[];
const KINDS: Record<keyof PretrainConfig, Kind> = {
  data: ['synthetic', 'files'], trainFile: 'string', validFile: 'string', labelFile: 'string', imageRoot: 'string',
  syntheticCount: 'integer', syntheticSize: 'integer', syntheticSeed: 'integer', syntheticDir: 'string',
  books: 'string', textEncoder: 'string', pathologyBook: 'string', maxLength: 'integer',
  backbone: ['resnet18', 'resnet34', 'resnet50', 'resnet101'], dModel: 'integer', heads: 'integer', layers: 'integer',
  dropout: 'number', imageSize: 'integer', cropScale: 'pair', randAugment: 'boolean', init: ['reference', 'pytorch', 'orthogonal'] satisfies MedslipInit[], lossWeights: 'five',
  batchSize: 'integer', epochs: 'integer', lr: 'number', minLr: 'number', warmupLr: 'number', weightDecay: 'number',
  schedule: ['step', 'reference'], warmupSteps: 'integer', warmupEpochs: 'integer', clipGradNorm: 'number',
  seed: 'integer', workers: 'integer', device: 'string', precision: PRECISION_CHOICES, logInterval: 'integer',
};

/** One line of `medslip pretrain --help` per setting (the help lists them with their kind and default). */
const SETTING_HELP: Record<keyof PretrainConfig, string> = {
  data: 'where images come from: the built-in synthetic generator, or the reference\'s files (trainFile, validFile, labelFile)',
  trainFile: 'training split JSON in the reference format (image path → labels_id), for data=files',
  validFile: 'validation split JSON (selects `best`), for data=files',
  labelFile: '.npy label matrix (N, 51, 75) indexed by labels_id, for data=files',
  imageRoot: 'folder that relative image paths start from (default: the split JSON\'s folder)',
  syntheticCount: 'synthetic images generated (20 % held out for evaluation)',
  syntheticSize: 'side of the synthetic images in pixels',
  syntheticSeed: 'seed of the synthetic generator',
  syntheticDir: 'folder of the synthetic set (default: in MEDSLIP_CACHE, named after count, size and seed)',
  books: 'precomputed books (.safetensors from `medslip books`) instead of encoding them now',
  textEncoder: 'a Hugging Face BERT folder that encodes the books, or "offline" (no weights, no medical language knowledge)',
  pathologyBook: 'JSON object observation → description replacing the 75 built-in descriptions',
  maxLength: 'tokens per book text',
  backbone: 'image encoder (stem + layer1–3 are used)',
  dModel: 'width of the query decoders',
  heads: 'attention heads (must divide dModel)',
  layers: 'decoder layers per stream',
  dropout: 'dropout in the decoders and before the heads',
  imageSize: 'side of the training crops in pixels (predict and zero-shot default to it)',
  cropScale: 'RandomResizedCrop area range, low,high',
  randAugment: 'RandAugment (2 ops, magnitude 7) on or off',
  init: 'weight init of heads, streams and decoders: reference (N(0, 0.02²)), pytorch (module defaults) or orthogonal (the image-to-logit maps orthogonal, attention queries and keys as the reference; docs/learning.md)',
  lossWeights: 'weights of the five losses in their sum: cePathology,clPathology,ceAnatomy,clAnatomy,ap',
  batchSize: 'images per optimizer step',
  epochs: 'epochs to train (may be raised when resuming)',
  lr: 'AdamW peak learning rate',
  minLr: 'learning rate at the end of the cosine',
  warmupLr: 'learning rate at the start of the warm-up',
  weightDecay: 'AdamW weight decay (none on biases and 1-D parameters)',
  schedule: 'step: linear warm-up over warmupSteps then cosine per step; reference: its per-epoch cosine',
  warmupSteps: 'warm-up steps of schedule=step',
  warmupEpochs: 'warm-up epochs of schedule=reference',
  clipGradNorm: 'clip gradients to this global norm (0 = off, as the reference)',
  seed: 'seed of init, data order, augmentation, ProtoCL draws and dropout',
  workers: 'data-loading threads (the batches are the same for any number)',
  device: 'cpu, cuda or cuda:N',
  precision: 'what the trunk and decoders compute in: float32 (as the reference), bfloat16 (autocast; heads, losses and weights stay float32) or auto (bfloat16 on a CPU with native bfloat16 instructions, about half the step; docs/performance.md)',
  logInterval: 'optimizer steps between lines of log.jsonl',
};

/**
 * Settings a resumed run must keep: they define the model (or the text vectors its queries are made of), so
 * the checkpoint's values hold and a different one on the command line is an error.
 */
export const FIXED_ON_RESUME: readonly (keyof PretrainConfig)[] = Object.freeze([
  'backbone', 'dModel', 'heads', 'layers', 'dropout', 'init', 'books', 'textEncoder', 'pathologyBook', 'maxLength',
]);

/** One pre-training setting as `medslip pretrain --help` and docs/cli.md list it. */
export interface PretrainSetting {
  key: keyof PretrainConfig;
  /** the default as text ("0.2,1" for a list, "—" for none) */
  default: string;
  meaning: string;
  /** "integer", "two numbers", "step | reference", … */
  kind: string;
}

/** Every setting, in the order of the help, with its default, meaning and kind. */
export function pretrainSettings(): PretrainSetting[] {
  const kindText = (kind: Kind): string => (Array.isArray(kind) ? kind.join(' | ') : kind === 'pair' ? 'two numbers' : kind === 'five' ? 'five numbers' : kind as string);
  return (Object.keys(KINDS) as (keyof PretrainConfig)[]).map((key) => {
    const value = PRETRAIN_DEFAULTS[key];
    const fallback = value === undefined ? '—' : Array.isArray(value) ? value.join(',') : String(value);
    return { key, default: fallback, meaning: SETTING_HELP[key], kind: kindText(KINDS[key]) };
  });
}

/** The settings table of `medslip pretrain --help`: every setting with its default, meaning and kind. */
export function settingsHelp(): string {
  const rows = pretrainSettings().map((s) => [s.key, s.default, `${s.meaning} (${s.kind})`]);
  const widths = [0, 1].map((c) => Math.max(...rows.map((row) => row[c].length), 7));
  const line = (cells: string[]): string => `  ${cells[0].padEnd(widths[0])}  ${cells[1].padEnd(widths[1])}  ${cells[2]}`;
  return [line(['setting', 'default', 'meaning']), ...rows.map(line)].join('\n');
}

/** The reference's keys (top level, and inside `optimizer` / `schedular`) → medslip's. */
const REFERENCE_KEYS: Partial<Record<string, keyof PretrainConfig>> = {
  train_file: 'trainFile', valid_file: 'validFile', label_file: 'labelFile', pathology_book: 'pathologyBook',
  batch_size: 'batchSize', d_model: 'dModel', res_base_model: 'backbone', dropout: 'dropout', N: 'layers', H: 'heads',
  text_encoder: 'textEncoder', image_res: 'imageSize',
  'optimizer.lr': 'lr', 'optimizer.weight_decay': 'weightDecay',
  'schedular.lr': 'lr', 'schedular.epochs': 'epochs', 'schedular.min_lr': 'minLr', 'schedular.warmup_lr': 'warmupLr',
  'schedular.warmup_epochs': 'warmupEpochs',
};
/** Reference keys its pre-training code never reads (REFERENCE.md §4), and fixed choices medslip implements. */
const IGNORED_REFERENCE_KEYS = new Set([
  'patch_size', 'num_sentences', 'num_tokens', 'vision_width', 'fea_width', 'embed_dim', 'temp', 'mlm_probability',
  'queue_size', 'momentum', 'alpha', 'num_queries', 'shuffle_ratio', 'test_file', 'test_batch_size', 'attribute_set_size',
  'no_cl', 'exclude_class', 'optimizer.opt', 'schedular.sched', 'schedular.decay_rate', 'schedular.cooldown_epochs',
]);

function coerce(key: string, value: unknown, kind: Kind, origin: string): unknown {
  const fail = (expected: string): never => {
    throw new TypeError(`${origin}: "${key}" must be ${expected} but is ${JSON.stringify(value)}`);
  };
  const fromText = typeof value === 'string' && origin.includes('override');
  if (Array.isArray(kind)) return kind.includes(String(value)) ? String(value) : fail(`one of ${kind.join(', ')}`);
  switch (kind) {
    case 'string':
      return typeof value === 'string' && value !== '' ? value : fail('a non-empty string');
    case 'number': {
      const n = fromText ? Number(value) : value;
      return typeof n === 'number' && Number.isFinite(n) ? n : fail('a number');
    }
    case 'integer': {
      const n = fromText ? Number(value) : value;
      return typeof n === 'number' && Number.isInteger(n) ? n : fail('an integer');
    }
    case 'boolean': {
      if (fromText && (value === 'true' || value === 'false')) return value === 'true';
      return typeof value === 'boolean' ? value : fail('true or false');
    }
    case 'pair':
    case 'five': {
      const length = kind === 'pair' ? 2 : 5;
      const list = fromText ? value.split(',').map(Number) : value;
      return Array.isArray(list) && list.length === length && list.every((v) => typeof v === 'number' && Number.isFinite(v))
        ? list : fail(kind === 'pair' ? 'two numbers, e.g. [0.2, 1] (or 0.2,1 on the command line)' : 'five numbers, e.g. [1, 0.01, 1, 0.01, 0.01] (or 1,0.01,1,0.01,0.01 on the command line)');
    }
  }
  return fail('a valid value');
}

function flatten(object: Record<string, unknown>, prefix = ''): [string, unknown][] {
  return Object.entries(object).flatMap(([key, value]) =>
    value !== null && typeof value === 'object' && !Array.isArray(value) && (key === 'optimizer' || key === 'schedular')
      ? flatten(value as Record<string, unknown>, `${prefix}${key}.`)
      : [[`${prefix}${key}`, value] as [string, unknown]]);
}

/** Applies one layer of settings (YAML object or overrides) on top of a config. */
export function applySettings(base: PretrainConfig, settings: Record<string, unknown>, origin: string): PretrainConfig {
  const config: PretrainConfig = { ...base };
  for (const [rawKey, value] of flatten(settings)) {
    if (IGNORED_REFERENCE_KEYS.has(rawKey)) continue;
    const key = (REFERENCE_KEYS[rawKey] ?? rawKey) as keyof PretrainConfig;
    if (!(key in KINDS)) {
      throw new RangeError(`${origin}: unknown setting "${rawKey}"; known settings: ${Object.keys(KINDS).join(', ')} (or the reference's YAML keys)`);
    }
    (config as unknown as Record<string, unknown>)[key] = coerce(rawKey, value, KINDS[key], origin);
  }
  return config;
}

/** Parses `key=value` overrides (values typed by the key). */
export function parseOverrides(overrides: readonly string[]): Record<string, unknown> {
  const settings: Record<string, unknown> = {};
  for (const item of overrides) {
    const match = /^--?([^=]+)=(.*)$/.exec(item) ?? /^([^=]+)=(.*)$/.exec(item);
    if (!match) throw new TypeError(`override "${item}" must look like key=value`);
    settings[match[1]] = match[2];
  }
  return settings;
}

/** Defaults ← YAML file ← overrides, checked. */
export function loadPretrainConfig(options: { file?: string; overrides?: readonly string[]; base?: Partial<PretrainConfig> } = {}): PretrainConfig {
  let config: PretrainConfig = { ...PRETRAIN_DEFAULTS, ...options.base };
  if (options.file) {
    let parsed: unknown;
    try {
      parsed = parseYaml(readFileSync(options.file, 'utf8'));
    } catch (error) {
      throw new Error(`${options.file}: cannot read the YAML config (${(error as Error).message})`);
    }
    if (parsed !== null && parsed !== undefined) {
      if (typeof parsed !== 'object' || Array.isArray(parsed)) throw new TypeError(`${options.file}: expected a YAML mapping of settings`);
      config = applySettings(config, parsed as Record<string, unknown>, options.file);
    }
    // The reference's YAML describes MIMIC-CXR files: with train_file present, the data come from files.
    if (config.trainFile && !(parsed as Record<string, unknown>)?.data) config.data = 'files';
  }
  if (options.overrides?.length) config = applySettings(config, parseOverrides(options.overrides), 'command-line override');
  return validate(config);
}

export function validate(config: PretrainConfig): PretrainConfig {
  const positive: (keyof PretrainConfig)[] = ['batchSize', 'epochs', 'dModel', 'heads', 'layers', 'imageSize', 'logInterval', 'maxLength'];
  for (const key of positive) {
    if (!((config[key] as number) >= 1)) throw new RangeError(`setting "${key}" must be ≥ 1 but is ${String(config[key])}`);
  }
  if (config.dModel % config.heads !== 0) throw new RangeError(`setting "dModel" (${config.dModel}) must be divisible by "heads" (${config.heads})`);
  if (!(config.dropout >= 0 && config.dropout < 1)) throw new RangeError(`setting "dropout" must be in [0, 1) but is ${config.dropout}`);
  if (config.workers < 0) throw new RangeError(`setting "workers" must be ≥ 0 but is ${config.workers}`);
  if (!config.lossWeights.every((w) => w >= 0) || !config.lossWeights.some((w) => w > 0)) {
    throw new RangeError(`setting "lossWeights" must be five numbers ≥ 0, not all 0, but is [${config.lossWeights.join(', ')}]`);
  }
  const [low, high] = config.cropScale;
  if (!(low > 0 && low <= high && high <= 1)) throw new RangeError(`setting "cropScale" must satisfy 0 < low ≤ high ≤ 1 but is [${low}, ${high}]`);
  if (config.data === 'files') {
    for (const key of ['trainFile', 'validFile', 'labelFile'] as const) {
      if (!config[key]) throw new RangeError(`setting "${key}" is required when data is "files" (the reference's ${key === 'trainFile' ? 'train_file' : key === 'validFile' ? 'valid_file' : 'label_file'})`);
    }
  }
  return config;
}

/**
 * Checks that the files and folders a config names exist, before any data is generated or encoded.
 * @throws Error naming the missing path and its setting
 */
export function checkInputPaths(config: PretrainConfig): void {
  const paths: (keyof PretrainConfig)[] = ['books', 'pathologyBook'];
  if (config.textEncoder !== 'offline' && !config.books) paths.push('textEncoder');
  if (config.data === 'files') paths.push('trainFile', 'validFile', 'labelFile', 'imageRoot');
  for (const key of paths) {
    const path = config[key];
    if (typeof path === 'string' && !existsSync(path)) throw new Error(`${path}: no such file or folder (setting "${key}")`);
  }
}

/** The loss weights of a config, by name. */
export function lossWeightsOf(config: Pick<PretrainConfig, 'lossWeights'>): LossWeights {
  const [cePathology, clPathology, ceAnatomy, clAnatomy, ap] = config.lossWeights;
  return { cePathology, clPathology, ceAnatomy, clAnatomy, ap };
}
