/**
 * Resizing and cropping of 8-bit images, matching PIL (Pillow 9) pixel for pixel.
 *
 * Provenance: Pillow `libImaging/Resample.c` (`precompute_coeffs`, `normalize_coeffs_8bpc`,
 * `ImagingResampleHorizontal_8bpc`/`Vertical_8bpc`, `ImagingResampleInner`) for bilinear and bicubic: separable
 * convolution, horizontal pass first into an 8-bit intermediate, coefficients in 22-bit fixed point; when
 * downsampling, the filter support is widened by the scale factor (PIL's antialiasing). Nearest follows
 * `libImaging/Geometry.c` (`ImagingScaleAffine`): source = floor((x + ½)·scale), accumulated as PIL does.
 */
import type { Image } from '../../io/image.ts';
import { checkImage8 } from './check.ts';
import { checkInteger } from '../../util/check.ts';

export type ResizeMode = 'nearest' | 'bilinear' | 'bicubic';

export interface ResizeOptions {
  /**
   * Widen the filter by the scale factor when downsampling, as PIL always does (default true). false gives a
   * plain interpolating filter (like torchvision's tensor resize with antialias=False), which aliases.
   */
  antialias?: boolean;
}

interface Filter {
  support: number;
  weight(x: number): number;
}

const BILINEAR: Filter = {
  support: 1,
  weight: (x) => {
    const a = Math.abs(x);
    return a < 1 ? 1 - a : 0;
  },
};

/** Keys' cubic with a = −0.5, PIL's BICUBIC. */
const BICUBIC: Filter = {
  support: 2,
  weight: (x) => {
    const a = -0.5;
    const t = Math.abs(x);
    if (t < 1) return ((a + 2) * t - (a + 3)) * t * t + 1;
    if (t < 2) return (((t - 5) * t + 8) * t - 4) * a;
    return 0;
  },
};

const PRECISION_BITS = 32 - 8 - 2;
const ONE = 2 ** PRECISION_BITS;

/**
 * Resizes an 8-bit image to width×height with PIL's algorithm.
 *
 * @example
 *   const small = resize(image, 224, 224, 'bilinear');  // = PIL image.resize((224, 224), Image.BILINEAR)
 * @throws {RangeError} for a non-positive or non-integer size, a 16-bit image, or an unknown mode.
 */
export function resize(image: Image, width: number, height: number, mode: ResizeMode = 'bilinear', options: ResizeOptions = {}): Image {
  checkImage8(image);
  checkInteger('width', width, 1);
  checkInteger('height', height, 1);
  if (mode === 'nearest') return resizeNearest(image, width, height);
  const filter = mode === 'bilinear' ? BILINEAR : mode === 'bicubic' ? BICUBIC : undefined;
  if (filter === undefined) throw new RangeError(`Expected 'nearest', 'bilinear' or 'bicubic' for mode but received ${mode}`);
  const antialias = options.antialias ?? true;
  if (width === image.width && height === image.height) return { ...image, data: new Uint8Array(image.data) };

  const horizontal = precomputeCoefficients(image.width, width, filter, antialias);
  const vertical = precomputeCoefficients(image.height, height, filter, antialias);
  const channels = image.channels;
  let source = image.data as Uint8Array;
  let sourceWidth = image.width;
  let verticalOffset = 0;

  if (width !== image.width) {
    // Only the rows that the vertical pass reads are filtered horizontally (PIL's ybox_first…ybox_last).
    const firstRow = vertical.bounds[0];
    const lastRow = vertical.bounds[2 * (height - 1)] + vertical.bounds[2 * (height - 1) + 1];
    const rows = height !== image.height ? lastRow - firstRow : image.height;
    const rowStart = height !== image.height ? firstRow : 0;
    const temp = new Uint8Array(width * rows * channels);
    const { bounds, coefficients, kernelSize } = horizontal;
    for (let y = 0; y < rows; y++) {
      const inRow = (y + rowStart) * sourceWidth * channels;
      const outRow = y * width * channels;
      for (let x = 0; x < width; x++) {
        const xmin = bounds[2 * x], count = bounds[2 * x + 1], k = x * kernelSize;
        for (let c = 0; c < channels; c++) {
          let sum = ONE / 2;
          for (let i = 0; i < count; i++) sum += source[inRow + (xmin + i) * channels + c] * coefficients[k + i];
          temp[outRow + x * channels + c] = clip8(sum);
        }
      }
    }
    source = temp;
    sourceWidth = width;
    verticalOffset = rowStart;
  }
  if (height === image.height) return { ...image, data: source, width, height };

  const out = new Uint8Array(width * height * channels);
  const { bounds, coefficients, kernelSize } = vertical;
  for (let y = 0; y < height; y++) {
    const ymin = bounds[2 * y] - verticalOffset, count = bounds[2 * y + 1], k = y * kernelSize;
    for (let x = 0; x < sourceWidth * channels; x++) {
      let sum = ONE / 2;
      for (let i = 0; i < count; i++) sum += source[(ymin + i) * sourceWidth * channels + x] * coefficients[k + i];
      out[y * width * channels + x] = clip8(sum);
    }
  }
  return { ...image, data: out, width, height };
}

/** PIL's `precompute_coeffs` + `normalize_coeffs_8bpc`: per output pixel, first input index, tap count, taps. */
function precomputeCoefficients(inSize: number, outSize: number, filter: Filter, antialias: boolean): { bounds: Int32Array; coefficients: Float64Array; kernelSize: number } {
  const scale = inSize / outSize;
  const filterScale = antialias ? Math.max(scale, 1) : 1;
  const support = filter.support * filterScale;
  const kernelSize = Math.ceil(support) * 2 + 1;
  const bounds = new Int32Array(outSize * 2);
  const coefficients = new Float64Array(outSize * kernelSize);
  const weights = new Float64Array(kernelSize);
  for (let xx = 0; xx < outSize; xx++) {
    const center = (xx + 0.5) * scale;
    const inverseScale = 1 / filterScale;
    const xmin = Math.max(0, Math.trunc(center - support + 0.5));
    const xmax = Math.min(inSize, Math.trunc(center + support + 0.5)) - xmin;
    let total = 0;
    for (let x = 0; x < xmax; x++) {
      const w = filter.weight((x + xmin - center + 0.5) * inverseScale);
      weights[x] = w;
      total += w;
    }
    for (let x = 0; x < xmax; x++) {
      const w = total !== 0 ? weights[x] / total : weights[x];
      // Round half away from zero into 22-bit fixed point, as normalize_coeffs_8bpc's (int)(±0.5 + w·2^22).
      coefficients[xx * kernelSize + x] = w < 0 ? Math.trunc(-0.5 + w * ONE) : Math.trunc(0.5 + w * ONE);
    }
    bounds[2 * xx] = xmin;
    bounds[2 * xx + 1] = xmax;
  }
  return { bounds, coefficients, kernelSize };
}

function clip8(value: number): number {
  if (value >= ONE * 256) return 255;
  if (value <= 0) return 0;
  return Math.floor(value / ONE);
}

/** PIL `ImagingScaleAffine`: positions accumulated from (½·scale) in steps of scale, truncated. */
function resizeNearest(image: Image, width: number, height: number): Image {
  const channels = image.channels;
  const xScale = image.width / width;
  const yScale = image.height / height;
  const columns = new Int32Array(width);
  let xo = xScale * 0.5;
  for (let x = 0; x < width; x++) {
    columns[x] = Math.min(image.width - 1, Math.trunc(xo));
    xo += xScale;
  }
  const out = new Uint8Array(width * height * channels);
  let yo = yScale * 0.5;
  for (let y = 0; y < height; y++) {
    const row = Math.min(image.height - 1, Math.trunc(yo)) * image.width;
    yo += yScale;
    for (let x = 0; x < width; x++) {
      const from = (row + columns[x]) * channels, to = (y * width + x) * channels;
      for (let c = 0; c < channels; c++) out[to + c] = image.data[from + c];
    }
  }
  return { ...image, data: out, width, height };
}

/**
 * The width×height window whose top-left corner is (left, top); it must lie inside the image.
 *
 * @throws {RangeError} when the window leaves the image.
 */
export function crop(image: Image, left: number, top: number, width: number, height: number): Image {
  checkImage8(image);
  checkInteger('width', width, 1);
  checkInteger('height', height, 1);
  if (!Number.isInteger(left) || !Number.isInteger(top) || left < 0 || top < 0 || left + width > image.width || top + height > image.height) {
    throw new RangeError(`Expected a crop inside the ${image.width}×${image.height} image but received ${width}×${height} at (${left}, ${top})`);
  }
  const channels = image.channels;
  const out = new Uint8Array(width * height * channels);
  for (let y = 0; y < height; y++) {
    const from = ((top + y) * image.width + left) * channels;
    out.set(image.data.subarray(from, from + width * channels), y * width * channels);
  }
  return { ...image, data: out, width, height };
}

