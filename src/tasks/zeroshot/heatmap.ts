/**
 * Grounding heatmaps from a query's cross-attention over the image tokens.
 *
 * Provenance (REFERENCE.md §5.3): the layer-mean attention (T tokens) is reshaped to the h × w token grid and
 * upsampled to the input size; the reference repeats each token ×16 (= nearest), which stays the default here,
 * and 'bilinear' (half-pixel centres, PyTorch `interpolate(align_corners=False)`) is offered.
 * Deliberate difference: the map is divided by ITS OWN maximum. The reference divides by the maximum over the
 * whole batch, so an image's thresholded region depended on which images shared its batch.
 */
import { nearestSourceIndices } from '../../data/datasets/index.ts';
import { normalizeByMax } from '../../eval/index.ts';
import { resizeGrid } from '../../viz/index.ts';
import { checkInteger } from '../../util/check.ts';

export type Upsampling = 'nearest' | 'bilinear';

/** A row-major grid of values. */
export interface HeatGrid { data: Float32Array; width: number; height: number }

/**
 * The square token grid of T attention values (T = side², token t at row ⌊t / side⌋, column t mod side, as the
 * encoder flattens its feature map).
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
 * Upsamples a grid to width × height. 'nearest' uses PyTorch's rule (source ⌊i · in/out⌋ in float32), which for
 * 14 → 224 is the reference's ×16 repetition.
 * @throws RangeError for sizes that are not positive integers, or an unknown mode.
 */
export function upsampleGrid(grid: HeatGrid, width: number, height: number, mode: Upsampling = 'nearest'): Float32Array {
  for (const [name, value] of [['width', width], ['height', height]] as const) {
    checkInteger(name, value, 1);
  }
  if (mode === 'bilinear') return resizeGrid(grid, width, height, 'bilinear');
  if (mode !== 'nearest') throw new RangeError(`Expected "nearest" or "bilinear" for upsampling but received ${JSON.stringify(mode)}`);
  const columns = nearestSourceIndices(grid.width, width);
  const rows = nearestSourceIndices(grid.height, height);
  const out = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    const source = rows[y] * grid.width;
    for (let x = 0; x < width; x++) out[y * width + x] = grid.data[source + columns[x]];
  }
  return out;
}

/**
 * One image's heatmap: attention (T) → token grid → upsampled to size × size → divided by its maximum, so its
 * hottest pixel is exactly 1.
 * @example groundingHeatmap(attention196, 224) // Float64Array(224 · 224), max 1
 */
export function groundingHeatmap(attention: ArrayLike<number>, size: number, mode: Upsampling = 'nearest'): Float64Array {
  return normalizeByMax(upsampleGrid(tokenGrid(attention), size, size, mode));
}
