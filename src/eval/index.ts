/** Evaluation metrics: classification (AUROC, max-F1, bootstrap intervals), grounding and segmentation. */
export { rocCurve, precisionRecallCurve, type RocCurve, type PrecisionRecallCurve } from './curves.ts';
export { rocAuc } from './auc.ts';
export { maxF1, accuracyAbove, type MaxF1 } from './thresholds.ts';
export { bootstrapCi, type BinaryMetric, type BootstrapOptions, type BootstrapInterval } from './bootstrap.ts';
export {
  pointingGame, iou, dice, normalizeByMax, groundingScores, summarizeGrounding,
  type GroundingScores, type GroundingSummary,
} from './grounding.ts';
export { segmentationDice, segmentationIou, segmentationScores, type SegmentationSummary } from './segmentation.ts';
export { classificationReport, type ClassMetrics, type SkippedClass, type ClassificationReport } from './report.ts';
export type { NumericArray } from '../util/check.ts';
