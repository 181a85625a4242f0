/** 8-bit image → the model's input: float32 CHW, scaled to [0, 1], standardised per channel. */
import type { Image } from '../../io/image.ts';
import { checkImage8 } from './check.ts';

/** ImageNet statistics, which the reference uses for every dataset. */
export const IMAGENET_MEAN: readonly [number, number, number] = Object.freeze([0.485, 0.456, 0.406]);
export const IMAGENET_STD: readonly [number, number, number] = Object.freeze([0.229, 0.224, 0.225]);

export interface NormalizeOptions {
  mean?: readonly [number, number, number];
  std?: readonly [number, number, number];
}

/**
 * ToTensor + Normalize: out[c, y, x] = (v/255 − mean[c]) / std[c] in float32, 3 channels (a grey image is
 * replicated, as the reference opens every image as RGB).
 *
 * @example
 *   const input = normalize(resize(image, 224, 224, 'bilinear'));  // Float32Array of 3·224·224
 * @throws {RangeError} for a 16-bit image or a std of 0.
 */
export function normalize(image: Image, options: NormalizeOptions = {}): Float32Array {
  checkImage8(image);
  const mean = (options.mean ?? IMAGENET_MEAN).map(Math.fround);
  const std = (options.std ?? IMAGENET_STD).map(Math.fround);
  if (mean.length !== 3 || std.length !== 3 || std.some((s) => !(s !== 0 && Number.isFinite(s)))) {
    throw new RangeError(`Expected 3 means and 3 finite non-zero stds but received mean [${mean.join(', ')}], std [${std.join(', ')}]`);
  }
  const plane = image.width * image.height;
  const out = new Float32Array(3 * plane);
  // Per channel, a 256-entry table of the float32 results (same arithmetic as torch: x/255, −mean, ÷std).
  for (let c = 0; c < 3; c++) {
    const table = new Float32Array(256);
    for (let v = 0; v < 256; v++) table[v] = Math.fround(Math.fround(Math.fround(v / 255) - mean[c]) / std[c]);
    const source = image.channels === 1 ? 0 : c;
    for (let i = 0; i < plane; i++) out[c * plane + i] = table[image.data[i * image.channels + source]];
  }
  return out;
}
