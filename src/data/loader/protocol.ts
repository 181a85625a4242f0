/** Messages between the loader (main thread) and its workers. */
import type { LoaderItem } from './items.ts';
import type { SourceSpec, TransformSpec } from './sources.ts';

/** `workerData` of every loader worker: what it opens at start. */
export interface WorkerInit {
  source: SourceSpec;
  transform: TransformSpec;
  seed: number;
  /** The source's length as the main thread opened it; a worker that finds another fails. */
  length: number;
}

/** Main → worker. */
export interface LoadRequest {
  type: 'load';
  task: number;
  index: number;
  epoch: number;
}

/** Worker → main. */
export type WorkerReply =
  | { type: 'ready' }
  | { type: 'init-error'; message: string }
  | { type: 'item'; task: number; item: LoaderItem }
  | { type: 'error'; task: number; message: string };
