/**
 * The image operations of RandAugment, on 8-bit HWC images.
 *
 * Provenance: the reference's `dataset/randaugment.py` (OpenCV/NumPy re-implementations of the PIL ops). Lookup
 * tables repeat its NumPy arithmetic (float32 for brightness and sharpness, float64 for autocontrast) and its
 * truncating uint8 casts; `warpAffine` repeats OpenCV's fixed-point bilinear warp (coordinates on a 1/32-pixel
 * grid, 15-bit weights, constant border) so that shears, translations and rotations land on the same pixels.
 */
import type { Image } from '../../io/image.ts';
import { checkImage8 } from './check.ts';
import { roundHalfEven } from './rounding.ts';
import { checkFinite } from '../../util/check.ts';

/** Applies a 256-entry table to every channel of every pixel. */
function applyTable(image: Image, table: Uint8Array | ((channel: number) => Uint8Array)): Image {
  const data = new Uint8Array(image.data.length);
  const tables = Array.from({ length: image.channels }, (_, c) => (typeof table === 'function' ? table(c) : table));
  const channels = image.channels;
  for (let i = 0; i < data.length; i++) data[i] = tables[i % channels][image.data[i]];
  return { ...image, data };
}

function channelHistogram(image: Image, channel: number): Float64Array {
  const histogram = new Float64Array(256);
  for (let i = channel; i < image.data.length; i += image.channels) histogram[image.data[i]]++;
  return histogram;
}

/**
 * Per channel, stretches [min, max] linearly to [0, 255] (cutoff 0); a constant channel is unchanged.
 * Same output as PIL `ImageOps.autocontrast(image)`.
 *
 * Deliberate difference: the reference computes the offset as `-low * scale` with `low` a NumPy uint8 scalar,
 * so −low wraps to 256−low and every channel whose minimum is above 0 turns entirely white (255). medslip does
 * the stretch the function's own docstring promises (PIL's output).
 */
export function autoContrast(image: Image): Image {
  checkImage8(image);
  return applyTable(image, (channel) => {
    let low = 255, high = 0;
    for (let i = channel; i < image.data.length; i += image.channels) {
      const v = image.data[i];
      if (v < low) low = v;
      if (v > high) high = v;
    }
    const table = new Uint8Array(256);
    if (high <= low) {
      for (let v = 0; v < 256; v++) table[v] = v;
      return table;
    }
    const scale = 255 / (high - low);
    const offset = -low * scale;
    for (let v = 0; v < 256; v++) table[v] = Math.trunc(Math.min(255, Math.max(0, v * scale + offset)));
    return table;
  });
}

/**
 * PIL-style histogram equalisation per channel (`ImageOps.equalize`, not OpenCV's): step = ⌊(pixels outside the
 * last occupied bin)/255⌋; table[v] = ⌊(⌊step/2⌋ + Σ_{u<v} hist[u]) / step⌋; a channel with step 0 is unchanged.
 */
export function equalize(image: Image): Image {
  checkImage8(image);
  return applyTable(image, (channel) => {
    const histogram = channelHistogram(image, channel);
    let lastOccupied = 255;
    while (lastOccupied > 0 && histogram[lastOccupied] === 0) lastOccupied--;
    let total = 0;
    for (let v = 0; v < lastOccupied; v++) total += histogram[v];
    const step = Math.floor(total / 255);
    const table = new Uint8Array(256);
    if (step === 0) {
      for (let v = 0; v < 256; v++) table[v] = v;
      return table;
    }
    let cumulative = Math.floor(step / 2);
    for (let v = 0; v < 256; v++) {
      table[v] = Math.min(255, Math.floor(cumulative / step));
      cumulative += histogram[v];
    }
    return table;
  });
}

/** v ↦ trunc(clip(v·factor, 0, 255)), computed in float32 like the reference's NumPy table. */
export function brightness(image: Image, factor: number): Image {
  checkImage8(image);
  checkFinite('factor', factor);
  const f = Math.fround(factor);
  const table = new Uint8Array(256);
  for (let v = 0; v < 256; v++) table[v] = Math.trunc(Math.min(255, Math.max(0, Math.fround(v * f))));
  return applyTable(image, table);
}

export interface SharpnessOptions {
  /**
   * How out-of-range results become uint8: 'clip' (default, correct) clamps to [0, 255]; 'wrap' reproduces the
   * reference, which casts without clipping so that e.g. 260 becomes 4 and −3 becomes 253 (bright speckles in
   * dark edges). Both truncate toward zero like NumPy's cast.
   */
  overflow?: 'clip' | 'wrap';
}

/**
 * Sharpness with factor f: blur = 3×3 kernel [[1,1,1],[1,5,1],[1,1,1]]/13 (rounded to uint8, as cv2.filter2D);
 * interior pixels become blur + f·(v − blur) in float32, the one-pixel border keeps its values.
 *
 * Deliberate difference: the reference wraps out-of-range values around; medslip clips unless
 * `overflow: 'wrap'` is asked for.
 */
export function sharpness(image: Image, factor: number, options: SharpnessOptions = {}): Image {
  checkImage8(image);
  checkFinite('factor', factor);
  const overflow = options.overflow ?? 'clip';
  if (overflow !== 'clip' && overflow !== 'wrap') throw new RangeError(`Expected 'clip' or 'wrap' for overflow but received ${String(overflow)}`);
  const { width, height, channels } = image;
  const blurred = blur3x3(image);
  if (factor === 0) return { ...image, data: blurred }; // the reference's degenerate image, border included
  const data = new Uint8Array(image.data);
  if (factor === 1) return { ...image, data };
  const f = Math.fround(factor);
  for (let y = 1; y < height - 1; y++) {
    for (let i = (y * width + 1) * channels; i < (y * width + width - 1) * channels; i++) {
      // float32 like the reference: blur + factor·(v − blur), then a truncating cast.
      const value = Math.trunc(Math.fround(blurred[i] + Math.fround(f * (image.data[i] - blurred[i]))));
      data[i] = overflow === 'wrap' ? ((value % 256) + 256) % 256 : Math.min(255, Math.max(0, value));
    }
  }
  return { ...image, data };
}

/**
 * cv2.filter2D(image, -1, [[1,1,1],[1,5,1],[1,1,1]]/13) with BORDER_REFLECT_101: float32 taps in row-major order
 * accumulated in float32 (OpenCV's Filter2D for 8U), rounded half to even and saturated to uint8.
 */
function blur3x3(image: Image): Uint8Array {
  const { width, height, channels } = image;
  const out = new Uint8Array(image.data.length);
  const side = Math.fround(1 / 13), centre = Math.fround(5 / 13);
  const reflect = (v: number, n: number): number => (n === 1 ? 0 : v < 0 ? -v : v >= n ? 2 * n - 2 - v : v);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < channels; c++) {
        let sum = 0;
        for (let dy = -1; dy <= 1; dy++) {
          for (let dx = -1; dx <= 1; dx++) {
            const v = image.data[(reflect(y + dy, height) * width + reflect(x + dx, width)) * channels + c];
            sum = Math.fround(sum + Math.fround((dx === 0 && dy === 0 ? centre : side) * v));
          }
        }
        out[(y * width + x) * channels + c] = Math.min(255, Math.max(0, roundHalfEven(sum)));
      }
    }
  }
  return out;
}

/**
 * OpenCV `warpAffine(image, M, (W, H), flags=INTER_LINEAR, borderMode=BORDER_CONSTANT, borderValue=fill)`:
 * `matrix` maps source to destination ([a, b, c, d, e, f] for x' = a·x + b·y + c, y' = d·x + e·y + f); it is
 * inverted in double precision, destination pixel centres are mapped back onto a 1/32-pixel grid, and the four
 * neighbours are blended with 15-bit fixed-point weights; neighbours outside the image take the fill value.
 */
export function warpAffine(image: Image, matrix: readonly number[], fill = 128): Image {
  checkImage8(image);
  if (matrix.length !== 6 || !matrix.every(Number.isFinite)) throw new RangeError(`Expected 6 finite numbers for matrix but received [${matrix.join(', ')}]`);
  const { width, height, channels } = image;
  const [m0, m1, m2, m3, m4, m5] = matrix;
  // cv::invertAffineTransform.
  let determinant = m0 * m4 - m1 * m3;
  determinant = determinant !== 0 ? 1 / determinant : 0;
  const a11 = m4 * determinant, a22 = m0 * determinant, a12 = -m1 * determinant, a21 = -m3 * determinant;
  const b1 = -a11 * m2 - a12 * m5, b2 = -a21 * m2 - a22 * m5;

  const AB_SCALE = 1024, INTER_TAB = 32, roundDelta = AB_SCALE / INTER_TAB / 2;
  const xDeltas = new Int32Array(width), yDeltas = new Int32Array(width);
  for (let x = 0; x < width; x++) {
    xDeltas[x] = roundHalfEven(a11 * x * AB_SCALE);
    yDeltas[x] = roundHalfEven(a21 * x * AB_SCALE);
  }
  const source = image.data;
  const data = new Uint8Array(width * height * channels);
  const sample = (sx: number, sy: number, c: number): number =>
    sx >= 0 && sx < width && sy >= 0 && sy < height ? source[(sy * width + sx) * channels + c] : fill;
  for (let y = 0; y < height; y++) {
    const x0 = roundHalfEven((a12 * y + b1) * AB_SCALE) + roundDelta;
    const y0 = roundHalfEven((a22 * y + b2) * AB_SCALE) + roundDelta;
    for (let x = 0; x < width; x++) {
      const X = (x0 + xDeltas[x]) >> 5, Y = (y0 + yDeltas[x]) >> 5;
      const sx = X >> 5, sy = Y >> 5, fx = X & 31, fy = Y & 31;
      // (1 − fx/32)(1 − fy/32)·2^15 etc.: exact integers, summing to 2^15.
      const w00 = (32 - fx) * (32 - fy) * 32, w01 = fx * (32 - fy) * 32, w10 = (32 - fx) * fy * 32, w11 = fx * fy * 32;
      for (let c = 0; c < channels; c++) {
        const sum = sample(sx, sy, c) * w00 + sample(sx + 1, sy, c) * w01 + sample(sx, sy + 1, c) * w10 + sample(sx + 1, sy + 1, c) * w11;
        data[(y * width + x) * channels + c] = Math.min(255, (sum + (1 << 14)) >> 15);
      }
    }
  }
  return { ...image, data };
}

/** ShearX by s: x' = x + s·y about the top-left corner (the matrix is float32, as the reference builds it). */
export function shearX(image: Image, shear: number, fill = 128): Image {
  return warpAffine(image, [1, Math.fround(shear), 0, 0, 1, 0], fill);
}

/** ShearY by s: y' = y + s·x about the top-left corner. */
export function shearY(image: Image, shear: number, fill = 128): Image {
  return warpAffine(image, [1, 0, 0, Math.fround(shear), 1, 0], fill);
}

/** Content moves left by `offset` pixels (the reference's affine offset is −offset); uncovered pixels get fill. */
export function translateX(image: Image, offset: number, fill = 128): Image {
  return warpAffine(image, [1, 0, Math.fround(-offset), 0, 1, 0], fill);
}

/** Content moves up by `offset` pixels. */
export function translateY(image: Image, offset: number, fill = 128): Image {
  return warpAffine(image, [1, 0, 0, 0, 1, Math.fround(-offset)], fill);
}

/** Rotation by `degrees` about (W/2, H/2), positive = counter-clockwise (cv2.getRotationMatrix2D). */
export function rotate(image: Image, degrees: number, fill = 128): Image {
  checkImage8(image);
  checkFinite('degrees', degrees);
  const angle = (degrees * Math.PI) / 180;
  const alpha = Math.cos(angle), beta = Math.sin(angle);
  const cx = Math.fround(image.width / 2), cy = Math.fround(image.height / 2);
  return warpAffine(image, [alpha, beta, (1 - alpha) * cx - beta * cy, -beta, alpha, beta * cx + (1 - alpha) * cy], fill);
}

