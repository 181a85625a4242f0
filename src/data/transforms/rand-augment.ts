/**
 * RandAugment as the reference's pre-training pipeline runs it (`RandomAugment(2, 7, isPIL=True, augs=[…])`).
 *
 * Provenance: `dataset/randaugment.py` of the reference. N ops are drawn uniformly *with replacement* from the
 * ten below; then, op by op, a draw > probability skips the op, otherwise the op's arguments are drawn (a sign
 * for the geometric ops) and it is applied. Level 7 of 10 gives: brightness/sharpness factor 1.36, shear ±0.21,
 * translation ±7 px, rotation ±21°, fill grey 128.
 *
 * Deliberate differences:
 *   - Sharpness clips out-of-range values instead of wrapping them around (the reference casts to uint8 without
 *     clipping); `sharpnessOverflow: 'wrap'` restores the reference behaviour.
 *   - AutoContrast stretches [min, max] to [0, 255]; the reference's uint8 negation bug whitens any channel whose
 *     minimum is above 0 (see `autoContrast`).
 * Everything else is pixel-exact with the reference's OpenCV/NumPy code (warps and blur checked against
 * OpenCV 4.5; tables against NumPy).
 */
import type { Image } from '../../io/image.ts';
import type { Random } from '../../util/random.ts';
import { autoContrast, brightness, equalize, rotate, sharpness, shearX, shearY, translateX, translateY } from './augment-ops.ts';
import { checkImage8 } from './check.ts';

/** The reference's op list, in its order (the order matters: ops are drawn by index). */
export const RAND_AUGMENT_OPS = Object.freeze([
  'Identity', 'AutoContrast', 'Equalize', 'Brightness', 'Sharpness', 'ShearX', 'ShearY', 'TranslateX', 'TranslateY', 'Rotate',
] as const);
export type RandAugmentOpName = (typeof RAND_AUGMENT_OPS)[number];

export interface RandAugmentOptions {
  /** Ops drawn per image (default 2). */
  n?: number;
  /** Level in [0, 10] (default 7). */
  magnitude?: number;
  /** Probability that each drawn op is applied (default 0.5). */
  probability?: number;
  /** Grey level of pixels uncovered by the geometric ops (default 128). */
  fill?: number;
  /** 'clip' (default) or 'wrap' (the reference's uint8 wrap-around) for Sharpness. */
  sharpnessOverflow?: 'clip' | 'wrap';
}

/** One drawn op with its argument (factor, shear, pixels or degrees; none for the first three). */
export interface AugmentStep {
  op: RandAugmentOpName;
  applied: boolean;
  argument?: number;
}

const MAX_LEVEL = 10;

/**
 * Draws the ops for one image, in the reference's order of random draws, without touching pixels.
 *
 * @throws {RangeError} for n < 0, a magnitude outside [0, 10] or a probability outside [0, 1].
 */
export function sampleRandAugment(rng: Random, options: RandAugmentOptions = {}): AugmentStep[] {
  const { n, magnitude, probability } = resolve(options);
  const drawn: RandAugmentOpName[] = [];
  for (let i = 0; i < n; i++) drawn.push(RAND_AUGMENT_OPS[rng.int(0, RAND_AUGMENT_OPS.length - 1)]);
  return drawn.map((op) => {
    // np.random.random() > prob skips: applied with probability `probability`.
    if (rng.next() > probability) return { op, applied: false };
    return { op, applied: true, argument: argumentFor(op, magnitude, rng) };
  });
}

function argumentFor(op: RandAugmentOpName, level: number, rng: Random): number | undefined {
  const signed = (value: number): number => (rng.next() > 0.5 ? -value : value);
  switch (op) {
    case 'Brightness':
    case 'Sharpness':
      return (level / MAX_LEVEL) * 1.8 + 0.1;
    case 'ShearX':
    case 'ShearY':
      return signed((level / MAX_LEVEL) * 0.3);
    case 'TranslateX':
    case 'TranslateY':
      return signed((level / MAX_LEVEL) * 10);
    case 'Rotate':
      return signed((level / MAX_LEVEL) * 30);
    default:
      return undefined;
  }
}

/** Applies one drawn step (a skipped step returns the image unchanged). */
export function applyAugmentStep(image: Image, step: AugmentStep, options: Pick<RandAugmentOptions, 'fill' | 'sharpnessOverflow'> = {}): Image {
  if (!step.applied) return image;
  const fill = options.fill ?? 128;
  const a = step.argument ?? 0;
  switch (step.op) {
    case 'Identity': return image;
    case 'AutoContrast': return autoContrast(image);
    case 'Equalize': return equalize(image);
    case 'Brightness': return brightness(image, a);
    case 'Sharpness': return sharpness(image, a, { overflow: options.sharpnessOverflow ?? 'clip' });
    case 'ShearX': return shearX(image, a, fill);
    case 'ShearY': return shearY(image, a, fill);
    case 'TranslateX': return translateX(image, a, fill);
    case 'TranslateY': return translateY(image, a, fill);
    case 'Rotate': return rotate(image, a, fill);
    default: throw new RangeError(`Expected one of ${RAND_AUGMENT_OPS.join(', ')} for op but received ${String(step.op)}`);
  }
}

/**
 * RandAugment(n, magnitude) on an 8-bit image; the same seed gives the same ops and pixels.
 *
 * @example
 *   const augmented = randAugment(image, new Random(1), { n: 2, magnitude: 7 });
 * @throws {RangeError} for invalid options or a 16-bit image.
 */
export function randAugment(image: Image, rng: Random, options: RandAugmentOptions = {}): Image {
  checkImage8(image);
  const steps = sampleRandAugment(rng, options);
  return steps.reduce((current, step) => applyAugmentStep(current, step, options), image);
}

function resolve(options: RandAugmentOptions): { n: number; magnitude: number; probability: number } {
  const n = options.n ?? 2;
  const magnitude = options.magnitude ?? 7;
  const probability = options.probability ?? 0.5;
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`Expected integer ≥ 0 for n but received ${String(n)}`);
  if (!(magnitude >= 0 && magnitude <= MAX_LEVEL)) throw new RangeError(`Expected a number in [0, 10] for magnitude but received ${String(magnitude)}`);
  if (!(probability >= 0 && probability <= 1)) throw new RangeError(`Expected a number in [0, 1] for probability but received ${String(probability)}`);
  const overflow = options.sharpnessOverflow;
  if (overflow !== undefined && overflow !== 'clip' && overflow !== 'wrap') throw new RangeError(`Expected 'clip' or 'wrap' for sharpnessOverflow but received ${String(overflow)}`);
  return { n, magnitude, probability };
}
