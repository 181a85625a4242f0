/**
 * Neural-network functions (PyTorch's torch.nn.functional): each one call into libtorch, so values and
 * gradients are PyTorch's own.
 */
import { checkOneOf } from '../util/check.ts';
import { aten, type Tensor } from './tensor.ts';

/** A 2-D size given once for both sides or as [height, width], as PyTorch's `_pair` accepts. */
export type Pair = number | [number, number];
const pair = (v: Pair): [number, number] => (Array.isArray(v) ? v : [v, v]);
const REDUCTIONS = { none: 0, mean: 1, sum: 2 } as const;
export type Reduction = keyof typeof REDUCTIONS;
const reductionCode = (r: Reduction): number => REDUCTIONS[checkOneOf('reduction', r, ['none', 'mean', 'sum'] as const)];

/** y = x·Wᵀ + b */
export const linear = (input: Tensor, weight: Tensor, bias?: Tensor | null): Tensor => aten('aten::linear', input, weight, bias ?? null);
/** beta·input + alpha·(mat1 @ mat2) */
export const addmm = (input: Tensor, mat1: Tensor, mat2: Tensor, beta = 1, alpha = 1): Tensor => aten('aten::addmm', input, mat1, mat2, beta, alpha);
export const matmul = (a: Tensor, b: Tensor): Tensor => aten('aten::matmul', a, b);
export const bmm = (a: Tensor, b: Tensor): Tensor => aten('aten::bmm', a, b);

export interface ConvOptions { stride?: Pair; padding?: Pair; dilation?: Pair; groups?: number }
export function conv2d(input: Tensor, weight: Tensor, bias?: Tensor | null, options: ConvOptions = {}): Tensor {
  return aten('aten::conv2d', input, weight, bias ?? null, pair(options.stride ?? 1), pair(options.padding ?? 0),
    pair(options.dilation ?? 1), options.groups ?? 1);
}
export function convTranspose2d(input: Tensor, weight: Tensor, bias?: Tensor | null,
  options: ConvOptions & { outputPadding?: Pair } = {}): Tensor {
  return aten('aten::conv_transpose2d.input', input, weight, bias ?? null, pair(options.stride ?? 1), pair(options.padding ?? 0),
    pair(options.outputPadding ?? 0), options.groups ?? 1, pair(options.dilation ?? 1));
}
/** 1-D convolution over (N, C, L). */
export function conv1d(input: Tensor, weight: Tensor, bias?: Tensor | null, options: { stride?: number; padding?: number } = {}): Tensor {
  return aten('aten::conv1d', input, weight, bias ?? null, [options.stride ?? 1], [options.padding ?? 0], [1], 1);
}

export function maxPool2d(input: Tensor, kernelSize: Pair, options: { stride?: Pair; padding?: Pair; dilation?: Pair; ceilMode?: boolean } = {}): Tensor {
  return aten('aten::max_pool2d', input, pair(kernelSize), pair(options.stride ?? kernelSize), pair(options.padding ?? 0),
    pair(options.dilation ?? 1), options.ceilMode ?? false);
}
export function avgPool2d(input: Tensor, kernelSize: Pair, options: { stride?: Pair; padding?: Pair } = {}): Tensor {
  return aten('aten::avg_pool2d', input, pair(kernelSize), pair(options.stride ?? kernelSize), pair(options.padding ?? 0), false, true, null);
}
export const adaptiveAvgPool2d = (input: Tensor, outputSize: Pair): Tensor => aten('aten::adaptive_avg_pool2d', input, pair(outputSize));

/**
 * Batch normalisation. In training mode, batch statistics normalise the input and the running statistics are
 * updated in place: running = (1 − momentum)·running + momentum·batch (unbiased variance), as in PyTorch.
 */
export function batchNorm(input: Tensor, runningMean: Tensor | null, runningVar: Tensor | null,
  options: { weight?: Tensor | null; bias?: Tensor | null; training?: boolean; momentum?: number; eps?: number } = {}): Tensor {
  return aten('aten::batch_norm', input, options.weight ?? null, options.bias ?? null, runningMean, runningVar,
    options.training ?? false, options.momentum ?? 0.1, options.eps ?? 1e-5, true);
}
export function layerNorm(input: Tensor, normalizedShape: number[], weight?: Tensor | null, bias?: Tensor | null, eps = 1e-5): Tensor {
  // Under autocast the input may arrive in bfloat16: libtorch 1.13's CPU layer norm takes one dtype, so it runs
  // in the parameters' (float32), as later PyTorch's autocast does.
  if (weight && input.dtype !== weight.dtype) input = input.to(weight.dtype);
  return aten('aten::layer_norm', input, normalizedShape, weight ?? null, bias ?? null, eps, true);
}
/** Zeroes elements with probability p and scales the rest by 1/(1−p) when training; identity otherwise. */
export const dropout = (input: Tensor, p = 0.5, training = true): Tensor => aten('aten::dropout', input, p, training);

export const relu = (input: Tensor): Tensor => aten('aten::relu', input);
export const gelu = (input: Tensor, approximate: 'none' | 'tanh' = 'none'): Tensor => aten('aten::gelu', input, approximate);
export const sigmoid = (input: Tensor): Tensor => aten('aten::sigmoid', input);
export const softmax = (input: Tensor, dim: number): Tensor => aten('aten::softmax.int', input, dim);
export const logSoftmax = (input: Tensor, dim: number): Tensor => aten('aten::log_softmax.int', input, dim);

/**
 * Cross-entropy of logits (N, C[, …]) against class indices (N[, …], int64). Targets equal to ignoreIndex do
 * not count (mean over the others).
 */
export function crossEntropy(logits: Tensor, target: Tensor,
  options: { weight?: Tensor | null; reduction?: Reduction; ignoreIndex?: number; labelSmoothing?: number } = {}): Tensor {
  return aten('aten::cross_entropy_loss', logits, target, options.weight ?? null, reductionCode(options.reduction ?? 'mean'),
    options.ignoreIndex ?? -100, options.labelSmoothing ?? 0);
}
export function nllLoss(logProbabilities: Tensor, target: Tensor, options: { reduction?: Reduction; ignoreIndex?: number } = {}): Tensor {
  return aten('aten::nll_loss_nd', logProbabilities, target, null, reductionCode(options.reduction ?? 'mean'), options.ignoreIndex ?? -100);
}
/** Numerically stable BCE of logits against targets in [0, 1]. */
export function binaryCrossEntropyWithLogits(logits: Tensor, target: Tensor,
  options: { weight?: Tensor | null; posWeight?: Tensor | null; reduction?: Reduction } = {}): Tensor {
  return aten('aten::binary_cross_entropy_with_logits', logits, target, options.weight ?? null, options.posWeight ?? null,
    reductionCode(options.reduction ?? 'mean'));
}
/** BCE of probabilities (PyTorch clamps the log at −100). */
export function binaryCrossEntropy(probabilities: Tensor, target: Tensor, options: { reduction?: Reduction } = {}): Tensor {
  return aten('aten::binary_cross_entropy', probabilities, target, null, reductionCode(options.reduction ?? 'mean'));
}
export const mseLoss = (input: Tensor, target: Tensor, reduction: Reduction = 'mean'): Tensor =>
  aten('aten::mse_loss', input, target, reductionCode(reduction));

export type InterpolationMode = 'nearest' | 'bilinear' | 'bicubic';
/**
 * Resizes (N, C, H, W) to `size` = [h, w] (or by scaleFactor), like F.interpolate. `antialias` applies to
 * bilinear/bicubic downsampling (PIL-like).
 */
export function interpolate(input: Tensor, options: { size?: [number, number]; scaleFactor?: number | [number, number];
  mode?: InterpolationMode; alignCorners?: boolean; antialias?: boolean }): Tensor {
  const mode = checkOneOf('mode', options.mode ?? 'nearest', ['nearest', 'bilinear', 'bicubic'] as const);
  const size = options.size ?? null;
  const scales = options.scaleFactor === undefined ? null : pair(options.scaleFactor);
  if (size === null && scales === null) throw new TypeError('Expected size or scaleFactor for interpolate but received neither');
  if (mode === 'nearest') return aten('aten::upsample_nearest2d.vec', input, size, scales);
  const alignCorners = options.alignCorners ?? false;
  const op = options.antialias ? `aten::_upsample_${mode}2d_aa.vec` : `aten::upsample_${mode}2d.vec`;
  return aten(op, input, size, alignCorners, scales);
}

const GRID_MODES = { bilinear: 0, nearest: 1, bicubic: 2 } as const;
const PADDING_MODES = { zeros: 0, border: 1, reflection: 2 } as const;
/** Samples input (N, C, H, W) at grid (N, Ho, Wo, 2) positions in [−1, 1], like F.grid_sample. */
export function gridSample(input: Tensor, grid: Tensor, options: { mode?: keyof typeof GRID_MODES;
  paddingMode?: keyof typeof PADDING_MODES; alignCorners?: boolean } = {}): Tensor {
  const mode = checkOneOf('mode', options.mode ?? 'bilinear', ['bilinear', 'nearest', 'bicubic'] as const);
  const padding = checkOneOf('paddingMode', options.paddingMode ?? 'zeros', ['zeros', 'border', 'reflection'] as const);
  return aten('aten::grid_sampler', input, grid, GRID_MODES[mode], PADDING_MODES[padding], options.alignCorners ?? false);
}
/** Sampling grid (N, H, W, 2) for affine matrices theta (N, 2, 3), like F.affine_grid. */
export const affineGrid = (theta: Tensor, size: [number, number, number, number], alignCorners = false): Tensor =>
  aten('aten::affine_grid_generator', theta, size, alignCorners);

/** One-hot encoding of int64 class indices (−1 = infer the number of classes). */
export const oneHot = (indices: Tensor, numClasses = -1): Tensor => aten('aten::one_hot', indices, numClasses);
export const embedding = (weight: Tensor, indices: Tensor): Tensor => aten('aten::embedding', weight, indices, -1, false, false);
/** Pads the last dimensions: [left, right, top, bottom, …] with a constant. */
export const pad = (input: Tensor, padding: number[], value = 0): Tensor => aten('aten::constant_pad_nd', input, padding, value);
