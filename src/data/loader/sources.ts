/**
 * The registry of sample sources: a serialisable description `{ kind, args }` + a transform description →
 * an opened dataset and its pipeline, producing LoaderItems. The loader's worker threads cannot receive class
 * instances or functions, so each worker opens its own source from the same description; every field here is
 * structured-clone safe (strings, numbers, booleans, plain arrays and objects).
 *
 * Randomness: the augmentation of sample `index` in `epoch` draws from `augmentRandom(seed, epoch, index)` and
 * the pre-training datasets draw their ProtoCL candidates from (seed, epoch, index), so an item depends on
 * nothing but (description, seed, epoch, index).
 */
import { isAbsolute } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Dataset, Image, LabeledSample } from '../datasets/dataset.ts';
import { Cxr14Dataset, type Cxr14Options } from '../datasets/cxr14.ts';
import { CovidxDataset, type CovidxOptions } from '../datasets/covidx.ts';
import { ReportCsvDataset, type ReportCsvOptions } from '../datasets/generic.ts';
import { MatrixDataset, PretrainDataset, type PretrainOptions, type PretrainSample } from '../datasets/pretrain.ts';
import { relabel } from '../datasets/relabel.ts';
import { RsnaDataset, type RsnaOptions } from '../datasets/rsna.ts';
import { SiimDataset, type SiimOptions } from '../datasets/siim.ts';
import { extractReport } from '../labels/extract.ts';
import { testTransform, trainTransform, type TestTransformOptions, type TrainTransformOptions } from '../transforms/pipelines.ts';
import type { ClassificationItem, LoaderItem, PretrainItem } from './items.ts';
import { augmentRandom } from './seeds.ts';

/** Classification sources may be relabelled to another pathology list (unknown columns become NaN). */
interface Relabel {
  pathologies?: readonly string[];
}

/** A dataset as a serialisable description; `args` are the dataset's `open` arguments. */
export type SourceSpec =
  | { kind: 'pretrain'; args: { jsonPath: string; npyPath: string } & Omit<PretrainOptions, 'loadImage' | 'seed' | 'epoch'> }
  | {
    kind: 'report-csv';
    /** Reports are labelled with medslip's report labeller (src/data/labels). */
    args: { csvPath: string } & Omit<ReportCsvOptions, 'loadImage' | 'seed' | 'epoch' | 'labelReport'>;
  }
  | { kind: 'cxr14'; args: { csvPath: string } & Omit<Cxr14Options, 'loadImage'> & Relabel }
  | { kind: 'rsna'; args: { csvPath: string } & Omit<RsnaOptions, 'loadImage'> & Relabel }
  | { kind: 'siim'; args: { csvPath: string } & Omit<SiimOptions, 'loadImage'> & Relabel }
  | { kind: 'covidx'; args: { listPath: string } & Omit<CovidxOptions, 'loadImage'> & Relabel }
  | {
    kind: 'module';
    /**
     * A source of the user's own: `url` (a file URL or an absolute path) names a module whose export `exportName`
     * (default "openSource") is a SourceModuleOpener; `options` (structured-clone safe) are passed to it.
     */
    args: { url: string; exportName?: string; options?: unknown };
  };

export type SourceKind = SourceSpec['kind'];
export const SOURCE_KINDS: readonly SourceKind[] = Object.freeze(['pretrain', 'report-csv', 'cxr14', 'rsna', 'siim', 'covidx', 'module']);

/** The image pipeline as a description (see src/data/transforms/pipelines.ts). */
export type TransformSpec = ({ kind: 'train' } & TrainTransformOptions) | ({ kind: 'test' } & TestTransformOptions);

/** An opened source: the dataset plus its pipeline. */
export interface SampleSource<S extends LoaderItem = LoaderItem> {
  readonly name: string;
  readonly pathologies: readonly string[];
  readonly length: number;
  /**
   * Decodes, transforms and packs sample `index` as drawn for `epoch`.
   * @throws Error "<name> sample <index> (epoch <epoch>): …" naming the file for an unreadable image.
   */
  load(index: number, epoch: number): Promise<S>;
}

/** What a `module` source's opener receives besides its own options. */
export interface SourceModuleContext {
  transform: TransformSpec;
  seed: number;
  /** False in workers: the main thread has checked the files already. */
  checkFiles?: boolean;
}

/**
 * The export of a `module` source. It runs in the main thread and in every worker, so its items must depend on
 * nothing but (options, seed, epoch, index); `imagePipeline` gives the loader's own image pipeline.
 */
export type SourceModuleOpener = (options: unknown, context: SourceModuleContext) => SampleSource | Promise<SampleSource>;

export interface OpenSourceOptions {
  /** Seed of the augmentation and ProtoCL draws. */
  seed: number;
  /** Overrides the spec's `checkFiles` (workers skip the check the main thread already made). */
  checkFiles?: boolean;
}

/**
 * Opens the dataset a description names.
 * @example
 *   const source = await openSource({ kind: 'cxr14', args: { csvPath: 'data/labels.csv' } }, { kind: 'test' }, { seed: 0 });
 *   const item = await source.load(0, 0); // { kind: 'classification', image: Float32Array(3·224·224), labels, … }
 * @throws TypeError for an unknown kind or a malformed description; the dataset's own errors for bad files.
 */
export async function openSource(spec: SourceSpec, transform: TransformSpec, options: OpenSourceOptions): Promise<SampleSource> {
  checkSpec(spec);
  checkTransformSpec(transform);
  const seed = options.seed;
  const override = options.checkFiles === undefined ? {} : { checkFiles: options.checkFiles };
  switch (spec.kind) {
    case 'pretrain': {
      const { jsonPath, npyPath, ...rest } = spec.args;
      return pretrainSource(await PretrainDataset.open(jsonPath, npyPath, { ...rest, ...override, seed }), transform, seed);
    }
    case 'report-csv': {
      const { csvPath, ...rest } = spec.args;
      const labelReport = (report: string): Float64Array => extractReport(report).matrix;
      return pretrainSource(await ReportCsvDataset.open(csvPath, { ...rest, ...override, seed, labelReport }), transform, seed);
    }
    case 'cxr14': {
      const { csvPath, pathologies, ...rest } = spec.args;
      return classificationSource(await Cxr14Dataset.open(csvPath, { ...rest, ...override }), pathologies, transform, seed);
    }
    case 'rsna': {
      const { csvPath, pathologies, ...rest } = spec.args;
      return classificationSource(await RsnaDataset.open(csvPath, { ...rest, ...override }), pathologies, transform, seed);
    }
    case 'siim': {
      const { csvPath, pathologies, ...rest } = spec.args;
      return classificationSource(await SiimDataset.open(csvPath, { ...rest, ...override }), pathologies, transform, seed);
    }
    case 'covidx': {
      const { listPath, pathologies, ...rest } = spec.args;
      return classificationSource(await CovidxDataset.open(listPath, { ...rest, ...override }), pathologies, transform, seed);
    }
    case 'module':
      return moduleSource(spec.args, { transform, seed, ...override });
  }
}

/**
 * The loader's image pipeline for custom sources: Image → { image (float32 CHW), imageShape }, augmenting
 * with the generator of (seed, epoch, index) for a 'train' description.
 */
export function imagePipeline(transform: TransformSpec, seed: number): (image: Image, epoch: number, index: number) => TransformedImage {
  checkTransformSpec(transform);
  const pipeline = pipelineOf(transform, seed);
  return (image, epoch, index) => shaped(pipeline(image, epoch, index));
}

async function moduleSource(args: { url: string; exportName?: string; options?: unknown }, context: SourceModuleContext): Promise<SampleSource> {
  if (typeof args.url !== 'string') throw new TypeError(`Expected a file URL or absolute path for the url of a module source but received ${typeof args.url}`);
  const url = args.url.startsWith('file:') ? args.url : isAbsolute(args.url) ? pathToFileURL(args.url).href : undefined;
  if (url === undefined) throw new RangeError(`Expected a file URL or absolute path for the url of a module source but received "${args.url}"`);
  const exportName = args.exportName ?? 'openSource';
  const module = (await import(url)) as Record<string, unknown>;
  const opener = module[exportName];
  if (typeof opener !== 'function') throw new TypeError(`${args.url} does not export a function "${exportName}" (a SourceModuleOpener)`);
  const source = (await (opener as SourceModuleOpener)(args.options, context)) as Partial<SampleSource> | null;
  if (typeof source?.load !== 'function' || !Number.isInteger(source.length) || typeof source.name !== 'string' || !Array.isArray(source.pathologies)) {
    throw new TypeError(`${args.url}: "${exportName}" must return a SampleSource { name, pathologies, length, load(index, epoch) }`);
  }
  return source as SampleSource;
}

type Pipeline = (image: Image, epoch: number, index: number) => Float32Array;

function pipelineOf(transform: TransformSpec, seed: number): Pipeline {
  const { kind, ...options } = transform;
  if (kind === 'test') {
    const apply = testTransform(options);
    return (image) => apply(image);
  }
  // A fresh generator per sample: the draws are a function of (seed, epoch, index) alone.
  return (image, epoch, index) => trainTransform(augmentRandom(seed, epoch, index), options)(image);
}

/** A pipeline's output with its [C, H, W]. */
export interface TransformedImage {
  image: Float32Array;
  imageShape: [number, number, number];
}

function transformed(pipeline: Pipeline, sample: LabeledSample, epoch: number): TransformedImage {
  try {
    return shaped(pipeline(sample.image, epoch, sample.index));
  } catch (error) {
    throw new Error(`cannot transform image "${sample.imagePath}": ${(error as Error).message}`);
  }
}

// normalize() always writes 3 channels of a square side.
function shaped(image: Float32Array): TransformedImage {
  const side = Math.round(Math.sqrt(image.length / 3));
  return { image, imageShape: [3, side, side] };
}

function labelled<S>(dataset: { name: string }, index: number, epoch: number, load: () => Promise<S>): Promise<S> {
  return load().catch((error: unknown) => {
    throw new Error(`${dataset.name} sample ${index} (epoch ${epoch}): ${(error as Error).message ?? String(error)}`, { cause: error });
  });
}

function classificationSource(
  opened: Dataset<LabeledSample> & { pathologies: readonly string[] },
  pathologies: readonly string[] | undefined,
  transform: TransformSpec,
  seed: number,
): SampleSource<ClassificationItem> {
  const dataset = pathologies === undefined ? opened : relabel(opened as Parameters<typeof relabel>[0], pathologies);
  const pipeline = pipelineOf(transform, seed);
  return {
    name: dataset.name,
    pathologies: dataset.pathologies,
    length: dataset.length,
    load: (index, epoch) => labelled(dataset, index, epoch, async () => {
      const sample = await dataset.get(index);
      return { kind: 'classification', index, ...transformed(pipeline, sample, epoch), labels: Float32Array.from(sample.labels) };
    }),
  };
}

function pretrainSource(dataset: MatrixDataset, transform: TransformSpec, seed: number): SampleSource<PretrainItem> {
  const pipeline = pipelineOf(transform, seed);
  return {
    name: dataset.name,
    pathologies: dataset.pathologies,
    length: dataset.length,
    load: (index, epoch) => labelled(dataset, index, epoch, async () => {
      const sample: PretrainSample = await dataset.get(index, epoch);
      return {
        kind: 'pretrain',
        index,
        ...transformed(pipeline, sample, epoch),
        labelPathology: Int8Array.from(sample.labelPathology),
        labelAnatomy: Int8Array.from(sample.labelAnatomy),
        matrix: Int8Array.from(sample.matrix),
        indexPathology: sample.indexPathology,
        indexAnatomy: sample.indexAnatomy,
      };
    }),
  };
}

function checkSpec(spec: SourceSpec): void {
  if (typeof spec !== 'object' || spec === null) throw new TypeError(`Expected a source description { kind, args } but received ${String(spec)}`);
  if (!SOURCE_KINDS.includes(spec.kind)) {
    throw new TypeError(`Expected source kind to be one of ${SOURCE_KINDS.join(', ')} but received ${spec.kind}`);
  }
  if (typeof spec.args !== 'object' || spec.args === null) throw new TypeError(`Expected an object for the args of source "${spec.kind}"`);
}

function checkTransformSpec(transform: TransformSpec): void {
  if (typeof transform !== 'object' || transform === null || (transform.kind !== 'train' && transform.kind !== 'test')) {
    throw new TypeError(`Expected a transform description { kind: 'train' | 'test', … } but received ${JSON.stringify(transform)}`);
  }
}
