/** Image transforms on 8-bit HWC `Image`s: PIL-exact resizing, the reference's augmentations, normalisation. */
export { resize, type ResizeMode, type ResizeOptions } from './resize.ts';
export { randomResizedCrop, type RandomResizedCropOptions } from './random-resized-crop.ts';
export { horizontalFlip } from './flip.ts';
export { randAugment, type RandAugmentOptions, type RandAugmentOpName } from './rand-augment.ts';
export { equalizeHistogram } from './equalize-histogram.ts';
export { normalize, IMAGENET_MEAN, IMAGENET_STD, type NormalizeOptions } from './normalize.ts';
export { trainTransform, testTransform, type ImageTransform, type TrainTransformOptions, type TestTransformOptions } from './pipelines.ts';
export {
  segmentationTrainTransform, segmentationTestTransform,
  type SegmentationSample, type SegmentationTransform, type SegmentationTrainOptions,
} from './segmentation.ts';
