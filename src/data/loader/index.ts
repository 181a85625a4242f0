/** The parallel batch loader: dataset descriptions, worker threads, deterministic epochs, collation to tensors. */
export { BatchLoader, type BatchLoaderOptions, type EpochOptions } from './loader.ts';
export { SOURCE_KINDS, type SourceSpec, type SourceKind, type TransformSpec } from './sources.ts';
export type { ClassificationItem, PretrainItem, LoaderItem } from './items.ts';
export { disposeBatch, type ClassificationBatch, type PretrainLoaderBatch } from './collate.ts';
export { measureLoaderThroughput, type ThroughputOptions, type ThroughputResult } from './throughput.ts';
