/**
 * RandomResizedCrop as torchvision computes it, then a PIL resize.
 *
 * Provenance: torchvision `transforms.RandomResizedCrop.get_params` (up to 10 tries: area fraction uniform in
 * `scale`, log aspect ratio uniform in log(`ratio`), w = round(√(area·r)), h = round(√(area/r)) with Python's
 * half-to-even rounding; a fitting box gets a uniform top-left corner; otherwise a centre crop with the ratio
 * clamped), followed by `F.resized_crop` = crop + resize (the reference passes bicubic).
 */
import type { Image } from '../../io/image.ts';
import type { Random } from '../../util/random.ts';
import { checkImage8 } from './check.ts';
import { crop, resize, type ResizeMode } from './resize.ts';
import { roundHalfEven } from './rounding.ts';

export interface RandomResizedCropOptions {
  /** Output side (square) or [width, height] (default 224). */
  size?: number | readonly [number, number];
  /** Range of the crop's area as a fraction of the image's (default [0.2, 1], the reference's). */
  scale?: readonly [number, number];
  /** Range of the crop's width/height (default [3/4, 4/3]). */
  ratio?: readonly [number, number];
  /** Resampling filter of the final resize (default 'bicubic', the reference's). */
  mode?: ResizeMode;
}

/** A crop box: top-left corner (left, top) and size. */
export interface CropBox {
  left: number;
  top: number;
  width: number;
  height: number;
}

/**
 * Draws the crop box for an image of width×height (torchvision's `get_params`).
 *
 * @throws {RangeError} for an invalid scale or ratio range.
 */
export function randomResizedCropBox(width: number, height: number, rng: Random, options: Pick<RandomResizedCropOptions, 'scale' | 'ratio'> = {}): CropBox {
  const scale = options.scale ?? [0.2, 1];
  const ratio = options.ratio ?? [3 / 4, 4 / 3];
  if (!(scale[0] > 0 && scale[0] <= scale[1])) throw new RangeError(`Expected 0 < scale[0] ≤ scale[1] but received [${scale.join(', ')}]`);
  if (!(ratio[0] > 0 && ratio[0] <= ratio[1])) throw new RangeError(`Expected 0 < ratio[0] ≤ ratio[1] but received [${ratio.join(', ')}]`);
  const area = width * height;
  const logRatio = [Math.log(ratio[0]), Math.log(ratio[1])];
  for (let attempt = 0; attempt < 10; attempt++) {
    const targetArea = area * rng.uniform(scale[0], scale[1]);
    const aspectRatio = Math.exp(rng.uniform(logRatio[0], logRatio[1]));
    const w = roundHalfEven(Math.sqrt(targetArea * aspectRatio));
    const h = roundHalfEven(Math.sqrt(targetArea / aspectRatio));
    if (w > 0 && w <= width && h > 0 && h <= height) {
      const top = rng.int(0, height - h);
      const left = rng.int(0, width - w);
      return { left, top, width: w, height: h };
    }
  }
  // Fallback: centre crop, aspect ratio clamped to the range.
  const inRatio = width / height;
  let w: number, h: number;
  if (inRatio < ratio[0]) {
    w = width;
    h = roundHalfEven(w / ratio[0]);
  } else if (inRatio > ratio[1]) {
    h = height;
    w = roundHalfEven(h * ratio[1]);
  } else {
    w = width;
    h = height;
  }
  return { left: Math.floor((width - w) / 2), top: Math.floor((height - h) / 2), width: w, height: h };
}

/**
 * Random crop of random size and aspect ratio, resized to `size` (torchvision RandomResizedCrop on a PIL image).
 *
 * @example
 *   const view = randomResizedCrop(image, rng, { size: 224, scale: [0.2, 1] });
 */
export function randomResizedCrop(image: Image, rng: Random, options: RandomResizedCropOptions = {}): Image {
  checkImage8(image);
  const size = options.size ?? 224;
  const [outWidth, outHeight] = typeof size === 'number' ? [size, size] : size;
  const box = randomResizedCropBox(image.width, image.height, rng, options);
  return resize(crop(image, box.left, box.top, box.width, box.height), outWidth, outHeight, options.mode ?? 'bicubic');
}
