/**
 * IoU and Dice of `heat > threshold` against the ground truth at several thresholds. The reference thresholds at
 * 0, where softmax attention (always > 0) marks every pixel: IoU becomes |mask| / |image| whatever the model
 * does. With heatmaps normalised to a maximum of 1 per image, a threshold t keeps the pixels above t × max; the
 * sweep shows how the scores depend on that choice, and 0 is included to show the reference's value.
 */
import { overlapCounts } from '../../eval/grounding.ts';
import { isArray } from '../../util/check.ts';

/** Thresholds reported by default: 0 (the reference's), then 0.1 … 0.9. */
export const DEFAULT_SWEEP: readonly number[] = Object.freeze([0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]);
/** The operating threshold by default: half of each image's maximum. */
export const DEFAULT_THRESHOLD = 0.5;

export interface SweepRow {
  threshold: number;
  meanIou: number;
  meanDice: number;
  /** Mean fraction of the image predicted (heat > threshold): never increases with the threshold. */
  meanPredictedFraction: number;
}

/** Accumulates per-image IoU/Dice at each threshold. */
export class ThresholdSweep {
  readonly thresholds: readonly number[];
  #iou: Float64Array;
  #dice: Float64Array;
  #predicted: Float64Array;
  #images = 0;

  constructor(thresholds: readonly number[] = DEFAULT_SWEEP) {
    if (!isArray(thresholds) || thresholds.length === 0 || thresholds.some((t) => typeof t !== 'number' || !Number.isFinite(t))) {
      throw new RangeError(`Expected a non-empty array of finite thresholds but received ${JSON.stringify(thresholds)}`);
    }
    this.thresholds = [...thresholds].sort((a, b) => a - b);
    this.#iou = new Float64Array(thresholds.length);
    this.#dice = new Float64Array(thresholds.length);
    this.#predicted = new Float64Array(thresholds.length);
  }

  /** Adds one image (heat and mask of equal length; mask > 0 = inside). */
  add(heat: ArrayLike<number>, mask: ArrayLike<number>): void {
    this.thresholds.forEach((threshold, k) => {
      const { predicted, target, intersection } = overlapCounts(heat, mask, threshold);
      const union = predicted + target - intersection;
      this.#iou[k] += union === 0 ? 1 : intersection / union;
      this.#dice[k] += predicted + target === 0 ? 1 : (2 * intersection) / (predicted + target);
      this.#predicted[k] += predicted / heat.length;
    });
    this.#images++;
  }

  get images(): number {
    return this.#images;
  }

  /** Means over the images added so far (NaN before the first). */
  rows(): SweepRow[] {
    const n = this.#images;
    return this.thresholds.map((threshold, k) => ({
      threshold, meanIou: this.#iou[k] / n, meanDice: this.#dice[k] / n, meanPredictedFraction: this.#predicted[k] / n,
    }));
  }
}
