/**
 * Paired image + mask transforms for fine-tuning segmentation and mask-derived labels (reference §5.4–5.5,
 * SIIM-ACR pneumothorax): the same random crop and flip on both, the image resampled smoothly, the mask with
 * nearest neighbour so that it stays a mask.
 *
 * Provenance: the reference's I2 segmentation dataset (albumentations RandomResizedCrop(224, scale 0.2–1) with
 * nearest for the mask, HorizontalFlip p 0.5, Normalize; test: Resize 224) and I1's mask handling (nearest resize,
 * then > 0 for the label). Deliberate differences:
 *   - The training crop resamples the image bicubically (PIL). The reference passes PIL's BICUBIC constant (3) to
 *     OpenCV, where 3 means INTER_AREA.
 *   - The test resize is PIL bilinear with antialiasing, the same as the classification test transform, rather
 *     than OpenCV's non-antialiased INTER_LINEAR.
 *   - Flip is off by default, for the same reason as in `trainTransform` (left/right anatomy).
 */
import { to8Bit, toGrey, type Image } from '../../io/image.ts';
import type { Random } from '../../util/random.ts';
import { checkImage8 } from './check.ts';
import { horizontalFlip } from './flip.ts';
import { normalize, type NormalizeOptions } from './normalize.ts';
import { randomResizedCropBox } from './random-resized-crop.ts';
import { crop, resize } from './resize.ts';

/** A model input with its mask target. */
export interface SegmentationSample {
  /** Float32 CHW image, 3×size×size, ImageNet-normalised. */
  input: Float32Array;
  /** size×size mask values v/255 (1 inside, 0 outside for a binary PNG mask). */
  mask: Float32Array;
  /** 1 when any mask pixel is > 0 after resizing (a tiny mask can vanish, as in the reference). */
  label: 0 | 1;
}

export type SegmentationTransform = (image: Image, mask: Image) => SegmentationSample;

/**
 * Nearest-neighbour resize for masks: source index ⌊dst·in/out⌋, the rule of torch's `interpolate(mode=
 * 'nearest')` and OpenCV's INTER_NEAREST (computed exactly here; their float arithmetic agrees except at ties).
 * Unlike PIL's nearest it has no half-pixel offset.
 */
export function resizeMask(mask: Image, width: number, height: number): Image {
  checkImage8(mask, 'mask');
  if (!Number.isInteger(width) || width < 1 || !Number.isInteger(height) || height < 1) {
    throw new RangeError(`Expected integer sizes ≥ 1 but received ${String(width)}×${String(height)}`);
  }
  const channels = mask.channels;
  const data = new Uint8Array(width * height * channels);
  for (let y = 0; y < height; y++) {
    const sy = Math.floor((y * mask.height) / height);
    for (let x = 0; x < width; x++) {
      const sx = Math.floor((x * mask.width) / width);
      for (let c = 0; c < channels; c++) data[(y * width + x) * channels + c] = mask.data[(sy * mask.width + sx) * channels + c];
    }
  }
  return { ...mask, data, width, height };
}

export interface SegmentationTrainOptions extends NormalizeOptions {
  /** Output side (default 224). */
  size?: number;
  /** Area range of the random crop (default [0.2, 1]). */
  scale?: readonly [number, number];
  /** Random horizontal flip of image and mask with p 0.5 (default false: left/right anatomy). */
  flip?: boolean;
}

/**
 * Training transform: one RandomResizedCrop box for image (bicubic) and mask (nearest), optional flip of both,
 * then Normalize.
 *
 * @example
 *   const sample = segmentationTrainTransform(new Random(0))(image, mask);  // { input, mask, label }
 * @throws {RangeError} when image and mask sizes differ.
 */
export function segmentationTrainTransform(rng: Random, options: SegmentationTrainOptions = {}): SegmentationTransform {
  const size = options.size ?? 224;
  return (image: Image, mask: Image): SegmentationSample => {
    const [picture, target] = prepare(image, mask);
    const box = randomResizedCropBox(picture.width, picture.height, rng, { scale: options.scale ?? [0.2, 1] });
    let croppedImage = resize(crop(picture, box.left, box.top, box.width, box.height), size, size, 'bicubic');
    let croppedMask = resizeMask(crop(target, box.left, box.top, box.width, box.height), size, size);
    if ((options.flip ?? false) && rng.next() < 0.5) {
      croppedImage = horizontalFlip(croppedImage);
      croppedMask = horizontalFlip(croppedMask);
    }
    return sample(croppedImage, croppedMask, options);
  };
}

/** Test transform: image resized bilinearly (PIL), mask by nearest neighbour, then Normalize. */
export function segmentationTestTransform(options: { size?: number } & NormalizeOptions = {}): SegmentationTransform {
  const size = options.size ?? 224;
  return (image: Image, mask: Image): SegmentationSample => {
    const [picture, target] = prepare(image, mask);
    return sample(resize(picture, size, size, 'bilinear'), resizeMask(target, size, size), options);
  };
}

function prepare(image: Image, mask: Image): [Image, Image] {
  const picture = to8Bit(image);
  const target = toGrey(to8Bit(mask));
  checkImage8(picture);
  checkImage8(target, 'mask');
  if (picture.width !== target.width || picture.height !== target.height) {
    throw new RangeError(`Expected a mask of the image's size ${picture.width}×${picture.height} but received ${target.width}×${target.height}`);
  }
  return [picture, target];
}

function sample(image: Image, mask: Image, options: NormalizeOptions): SegmentationSample {
  const values = new Float32Array(mask.data.length);
  let label: 0 | 1 = 0;
  for (let i = 0; i < values.length; i++) {
    values[i] = mask.data[i] / 255;
    if (mask.data[i] > 0) label = 1;
  }
  return { input: normalize(image, options), mask: values, label };
}
