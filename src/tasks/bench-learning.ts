/**
 * `medslip bench learning`: the supervised ceiling (ceiling.ts) on the demo's data with the demo's trunk, image
 * size, batch and augmentation — by default the demo's synthetic folder, generated into the cache if missing —
 * so that MeDSLIP's zero-shot AUC on the same held-out images can be read against it.
 */
import { withoutUndefined } from '../util/object.ts';
import { demoConfig } from './demo.ts';
import { DEMO_DEFAULTS } from './tables.ts';
import { prepareSynthetic } from './pretrain/data.ts';
import { ceilingOptionsFor, trainCeiling, type CeilingOptions, type CeilingResult } from './ceiling.ts';

export interface LearningBenchOptions extends Partial<Omit<CeilingOptions, 'dataDir'>> {
  /** A folder with train_cxr14.csv and heldout_cxr14.csv; default: the demo's synthetic data. */
  data?: string;
  /** Synthetic images of the default data (the demo's default, 1200). */
  images?: number;
}

export interface LearningBenchResult extends CeilingResult {
  dataDir: string;
}

/** The ceiling with the demo's settings under `options` (an undefined option keeps the demo's value). */
export async function runLearningBench(options: LearningBenchOptions = {}): Promise<LearningBenchResult> {
  const log = options.log ?? console.log;
  const demo = demoConfig({ images: options.images ?? DEMO_DEFAULTS.images, seed: options.seed ?? DEMO_DEFAULTS.seed, epochs: 1 });
  const dataDir = options.data ?? await prepareSynthetic(demo, log);
  const { data: _data, images: _images, ...overrides } = options;
  const result = await trainCeiling({ ...ceilingOptionsFor(demo), ...withoutUndefined(overrides), dataDir, log });
  return { ...result, dataDir };
}
