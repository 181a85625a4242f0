/** Evaluation metrics: classification (AUROC, max-F1, bootstrap intervals), grounding and segmentation. */
export { thresholdCounts, rocCurve, precisionRecallCurve, type ThresholdCounts, type RocCurve, type PrecisionRecallCurve } from './curves.ts';
export { rocAuc, trapezoid } from './auc.ts';
export { maxF1, accuracyAbove, type MaxF1 } from './thresholds.ts';
export { bootstrapCi, quantileSorted, type BinaryMetric, type BootstrapOptions, type BootstrapInterval } from './bootstrap.ts';
export {
  pointingGame, iou, dice, overlapCounts, normalizeByMax, groundingScores, summarizeGrounding,
  type OverlapCounts, type GroundingScores, type GroundingSummary,
} from './grounding.ts';
export { segmentationDice, segmentationIou, segmentationScores, type SegmentationSummary } from './segmentation.ts';
export { classificationReport, UNKNOWN_LABEL, type ClassMetrics, type SkippedClass, type ClassificationReport } from './report.ts';
export type { NumericArray } from './validate.ts';
