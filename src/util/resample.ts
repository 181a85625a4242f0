/**
 * Resampling of 2-D grids of numbers: the one home for the rules that grounding maps, overlays and box masks are
 * resized by, so that a heatmap scored by `zeroshot ground` and the same heatmap drawn by `predict` or the web
 * page line up pixel for pixel.
 *
 * - 'nearest' is PyTorch's rule (aten UpSample.h `nearest_idx`: source ⌊i · in/out⌋ with the scale in float32);
 *   for 14 → 224 it is the reference's ×16 repetition.
 * - 'bilinear' uses half-pixel centres, clamped at the edges: PyTorch `interpolate(align_corners=False)`.
 */
import { checkInteger, checkOneOf } from './check.ts';

/** A row-major grid: `{ data, width, height }`, or a bare array of side² values read as a square. */
export type Grid = ArrayLike<number> | { data: ArrayLike<number>; width: number; height: number };

export type Resampling = 'nearest' | 'bilinear';

/**
 * A grid's values and size, checked; a bare array must hold a square number of values.
 * @throws TypeError for something that is not a grid; RangeError for a size that does not fit its values.
 */
export function gridOf(grid: Grid, name: string): { data: ArrayLike<number>; width: number; height: number } {
  if (grid !== null && typeof grid === 'object' && 'data' in grid && 'width' in grid) {
    const { data, width, height } = grid;
    if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
      throw new RangeError(`Expected positive integer width and height for ${name} but received ${width} × ${height}`);
    }
    if (data?.length !== width * height) throw new RangeError(`Expected ${width * height} values in ${name}.data but received ${data?.length}`);
    return { data, width, height };
  }
  if (typeof grid?.length !== 'number') throw new TypeError(`Expected an array or { data, width, height } for ${name}`);
  const side = Math.round(Math.sqrt(grid.length));
  if (side * side !== grid.length || side === 0) {
    throw new RangeError(`Expected a square number of values in ${name} (or pass { data, width, height }) but received ${grid.length}`);
  }
  return { data: grid, width: side, height: side };
}

/** PyTorch's `nearest` source index for each output position (aten UpSample.h `nearest_idx`). */
export function nearestSourceIndices(inSize: number, outSize: number): Int32Array {
  const indices = new Int32Array(outSize);
  if (outSize === inSize) {
    for (let i = 0; i < outSize; i++) indices[i] = i;
  } else if (outSize === 2 * inSize) {
    for (let i = 0; i < outSize; i++) indices[i] = i >> 1;
  } else {
    const scale = Math.fround(inSize / outSize);
    for (let i = 0; i < outSize; i++) indices[i] = Math.min(Math.floor(Math.fround(i * scale)), inSize - 1);
  }
  return indices;
}

/**
 * A grid resampled to width × height ('bilinear' by default).
 * @throws TypeError / RangeError for sizes that are not positive integers, RangeError for an unknown mode; see
 *   gridOf for the grid.
 */
export function resizeGrid(grid: Grid, width: number, height: number, mode: Resampling = 'bilinear'): Float32Array {
  const source = gridOf(grid, 'grid');
  checkInteger('width', width, 1);
  checkInteger('height', height, 1);
  checkOneOf('mode', mode, ['nearest', 'bilinear']);
  const out = new Float32Array(width * height);
  if (mode === 'nearest') {
    const columns = nearestSourceIndices(source.width, width);
    const rows = nearestSourceIndices(source.height, height);
    for (let y = 0; y < height; y++) {
      const row = rows[y] * source.width;
      for (let x = 0; x < width; x++) out[y * width + x] = source.data[row + columns[x]];
    }
    return out;
  }
  const scaleX = source.width / width;
  const scaleY = source.height / height;
  for (let y = 0; y < height; y++) {
    const fy = Math.max(0, (y + 0.5) * scaleY - 0.5);
    const y0 = Math.min(Math.floor(fy), source.height - 1);
    const y1 = Math.min(y0 + 1, source.height - 1);
    const wy = fy - y0;
    for (let x = 0; x < width; x++) {
      const fx = Math.max(0, (x + 0.5) * scaleX - 0.5);
      const x0 = Math.min(Math.floor(fx), source.width - 1);
      const x1 = Math.min(x0 + 1, source.width - 1);
      const wx = fx - x0;
      const top = source.data[y0 * source.width + x0] * (1 - wx) + source.data[y0 * source.width + x1] * wx;
      const bottom = source.data[y1 * source.width + x0] * (1 - wx) + source.data[y1 * source.width + x1] * wx;
      out[y * width + x] = top * (1 - wy) + bottom * wy;
    }
  }
  return out;
}
