/**
 * The two image pipelines of pre-training and evaluation: 8-bit Image → float32 CHW input of size×size.
 */
import { to8Bit, type Image } from '../../io/image.ts';
import type { Random } from '../../util/random.ts';
import { checkImage8 } from './check.ts';
import { horizontalFlip } from './flip.ts';
import { normalize, type NormalizeOptions } from './normalize.ts';
import { randAugment, type RandAugmentOptions } from './rand-augment.ts';
import { randomResizedCrop } from './random-resized-crop.ts';
import { resize } from './resize.ts';
import { checkInteger } from '../../util/check.ts';

export type ImageTransform = (image: Image) => Float32Array;

export interface TrainTransformOptions extends NormalizeOptions {
  /** Output side (default 224). */
  size?: number;
  /** Area range of RandomResizedCrop (default [0.2, 1]). */
  scale?: readonly [number, number];
  /**
   * Random horizontal flip with p 0.5 (default **false**). The reference flips, but its labels name left/right
   * anatomy ("left pleural effusion", "right lower lobe"): a flipped image paired with "left effusion" teaches
   * the wrong side, so medslip leaves it off unless asked.
   */
  flip?: boolean;
  /** RandAugment settings (default n 2, magnitude 7, p 0.5, clipped sharpness); false to switch it off. */
  randAugment?: RandAugmentOptions | false;
}

/**
 * Pre-training augmentation (reference §2.2): RandomResizedCrop(size, scale 0.2–1, bicubic) → [flip] →
 * RandAugment(2, 7) → ToTensor → ImageNet Normalize. Draws come from `rng`, so a seeded generator gives the same
 * views; 16-bit images are first reduced to 8 bits.
 *
 * @example
 *   const transform = trainTransform(new Random(0));
 *   const input = transform(image);  // Float32Array(3·224·224)
 */
export function trainTransform(rng: Random, options: TrainTransformOptions = {}): ImageTransform {
  const size = options.size ?? 224;
  checkInteger('size', size, 1);
  const flip = options.flip ?? false;
  const augment = options.randAugment ?? {};
  return (input: Image): Float32Array => {
    let image = to8Bit(input);
    checkImage8(image);
    image = randomResizedCrop(image, rng, { size, scale: options.scale ?? [0.2, 1], mode: 'bicubic' });
    if (flip && rng.next() < 0.5) image = horizontalFlip(image);
    if (augment !== false) image = randAugment(image, rng, augment);
    return normalize(image, options);
  };
}

export interface TestTransformOptions extends NormalizeOptions {
  /** Output side (default 224). */
  size?: number;
}

/** Evaluation (reference §2.2 test mode): resize to size×size with PIL bilinear (antialiased) → Normalize. */
export function testTransform(options: TestTransformOptions = {}): ImageTransform {
  const size = options.size ?? 224;
  checkInteger('size', size, 1);
  return (input: Image): Float32Array => normalize(resize(to8Bit(input), size, size, 'bilinear'), options);
}

