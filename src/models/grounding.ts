/**
 * The grounding heatmap: where a pathology query looks. One home for the rule every part of medslip draws or
 * scores a heatmap by (`zeroshot ground`, `predict`, the demo, the web page of `medslip serve`).
 *
 * From the model's outputs: the query's cross-attention over the T image tokens, averaged over the 4 heads (the
 * decoder does that) and over the N decoder layers (`MeDSLIP.queryAttention`), reshaped to the √T × √T token grid
 * (token t at row ⌊t / side⌋, column t mod side, as the encoder flattens its feature map), upsampled to the image
 * (src/util/resample.ts) and divided by its maximum.
 *
 * Provenance (REFERENCE.md §5.3): the reference repeats each token ×16 (= 'nearest', the default for scoring);
 * 'bilinear' is what the overlays for people use. Deliberate difference: the map is divided by ITS OWN maximum.
 * The reference divides by the maximum over the whole batch, so an image's thresholded region depended on which
 * images shared its batch.
 *
 * Engine-free (the web page bundles it); the layer mean on tensors is `MeDSLIP.queryAttention`.
 */
import { checkFiniteArray, checkNumericArray, type NumericArray } from '../util/check.ts';
import { resizeGrid, type Resampling } from '../util/resample.ts';

export type Upsampling = Resampling;

/** A row-major grid of values. */
export interface HeatGrid { data: Float32Array; width: number; height: number }

/**
 * The square token grid of T attention values.
 * @throws RangeError when T is not a square number.
 */
export function tokenGrid(attention: ArrayLike<number>): HeatGrid {
  const side = Math.round(Math.sqrt(attention.length));
  if (side < 1 || side * side !== attention.length) {
    throw new RangeError(`Expected a square number of attention tokens (side × side) but received ${attention.length}`);
  }
  return { data: Float32Array.from(attention), width: side, height: side };
}

/**
 * Divides a heatmap by its own maximum, so its hottest pixel is exactly 1. Returns a new array.
 * @throws {RangeError} when the maximum is not positive (nothing to normalise by) or a value is not finite.
 */
export function normalizeByMax(heat: NumericArray): Float64Array {
  checkNumericArray(heat, 'heat');
  checkFiniteArray(heat, 'heat');
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < heat.length; i++) if (heat[i] > max) max = heat[i];
  if (!(max > 0)) throw new RangeError(`Expected a positive maximum in heat but received ${max}`);
  const out = new Float64Array(heat.length);
  for (let i = 0; i < heat.length; i++) out[i] = heat[i] / max;
  return out;
}

/**
 * One image's heatmap: layer-mean attention (T values, or a grid of tokens) → upsampled to `size` (a side, or
 * width and height) → divided by its maximum.
 * @example groundingHeatmap(attention196, 224) // Float64Array(224 · 224), max 1
 */
export function groundingHeatmap(attention: ArrayLike<number> | HeatGrid, size: number | { width: number; height: number }, mode: Upsampling = 'nearest'): Float64Array {
  const grid = 'data' in attention ? attention : tokenGrid(attention);
  const { width, height } = typeof size === 'number' ? { width: size, height: size } : size;
  return normalizeByMax(resizeGrid(grid, width, height, mode));
}
