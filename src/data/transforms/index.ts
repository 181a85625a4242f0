/** Image transforms on 8-bit HWC `Image`s: PIL-exact resizing, the reference's augmentations, normalisation. */
export { resize, crop, type ResizeMode, type ResizeOptions } from './resize.ts';
export { randomResizedCrop, randomResizedCropBox, type RandomResizedCropOptions, type CropBox } from './random-resized-crop.ts';
export { horizontalFlip } from './flip.ts';
export {
  autoContrast, equalize, brightness, sharpness, warpAffine, shearX, shearY, translateX, translateY, rotate,
  type SharpnessOptions,
} from './augment-ops.ts';
export {
  randAugment, sampleRandAugment, applyAugmentStep, RAND_AUGMENT_OPS,
  type RandAugmentOptions, type RandAugmentOpName, type AugmentStep,
} from './rand-augment.ts';
export { equalizeHistogram, equalizeHistogramValues } from './equalize-histogram.ts';
export { normalize, IMAGENET_MEAN, IMAGENET_STD, type NormalizeOptions } from './normalize.ts';
export { trainTransform, testTransform, type ImageTransform, type TrainTransformOptions, type TestTransformOptions } from './pipelines.ts';
export { checkImage8 } from './check.ts';
export {
  resizeMask, segmentationTrainTransform, segmentationTestTransform,
  type SegmentationSample, type SegmentationTransform, type SegmentationTrainOptions,
} from './segmentation.ts';
