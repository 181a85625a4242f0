/** The parallel batch loader: dataset descriptions, worker threads, deterministic epochs, collation to tensors. */
export { BatchLoader, type BatchLoaderOptions, type EpochOptions } from './loader.ts';
export { openSource, imagePipeline, SOURCE_KINDS, type SourceModuleOpener, type SourceModuleContext, type TransformedImage, type SourceSpec, type SourceKind, type TransformSpec, type SampleSource, type OpenSourceOptions } from './sources.ts';
export type { ClassificationItem, PretrainItem, LoaderItem } from './items.ts';
export { collatePretrain, collateClassification, disposeBatch, type ClassificationBatch, type PretrainLoaderBatch } from './collate.ts';
export { epochOrder, augmentRandom, mixSeed } from './seeds.ts';
export { measureLoaderThroughput, type ThroughputOptions, type ThroughputResult } from './throughput.ts';
