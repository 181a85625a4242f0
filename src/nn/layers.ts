/** The basic layers, with PyTorch's parameter names, shapes and default initialisation. */
import * as torch from '../torch/index.ts';
import type { Pair } from '../torch/functional.ts';
import { Module } from './module.ts';
import { defaultBias_, kaimingUniform_ } from './init.ts';

const F = torch.nnf;

/** A module that maps one tensor to one tensor (what Sequential chains). */
export interface TensorModule extends Module {
  forward(input: torch.Tensor): torch.Tensor;
}

/** y = x·Wᵀ + b. weight (out, in), bias (out). */
export class Linear extends Module implements TensorModule {
  readonly weight: torch.Tensor;
  readonly bias: torch.Tensor | null;
  constructor(readonly inFeatures: number, readonly outFeatures: number, options: { bias?: boolean } = {}) {
    super();
    this.weight = this.registerParameter('weight', torch.empty([outFeatures, inFeatures]));
    kaimingUniform_(this.weight, Math.sqrt(5));
    this.bias = options.bias === false ? this.registerParameter('bias', null)
      : defaultBias_(this.registerParameter('bias', torch.empty([outFeatures])), this.weight);
  }
  forward(input: torch.Tensor): torch.Tensor {
    return F.linear(input, this.weight, this.bias);
  }
}

export interface Conv2dOptions { stride?: Pair; padding?: Pair; dilation?: Pair; groups?: number; bias?: boolean }

/** 2-D convolution. weight (out, in/groups, kh, kw). */
export class Conv2d extends Module implements TensorModule {
  readonly weight: torch.Tensor;
  readonly bias: torch.Tensor | null;
  constructor(inChannels: number, outChannels: number, kernelSize: Pair, readonly options: Conv2dOptions = {}) {
    super();
    const [kh, kw] = Array.isArray(kernelSize) ? kernelSize : [kernelSize, kernelSize];
    this.weight = this.registerParameter('weight', torch.empty([outChannels, inChannels / (options.groups ?? 1), kh, kw]));
    kaimingUniform_(this.weight, Math.sqrt(5));
    this.bias = options.bias === false ? this.registerParameter('bias', null)
      : defaultBias_(this.registerParameter('bias', torch.empty([outChannels])), this.weight);
  }
  forward(input: torch.Tensor): torch.Tensor {
    return F.conv2d(input, this.weight, this.bias, this.options);
  }
}

/** Transposed 2-D convolution. weight (in, out/groups, kh, kw). */
export class ConvTranspose2d extends Module implements TensorModule {
  readonly weight: torch.Tensor;
  readonly bias: torch.Tensor | null;
  constructor(inChannels: number, outChannels: number, kernelSize: Pair, readonly options: Conv2dOptions & { outputPadding?: Pair } = {}) {
    super();
    const [kh, kw] = Array.isArray(kernelSize) ? kernelSize : [kernelSize, kernelSize];
    this.weight = this.registerParameter('weight', torch.empty([inChannels, outChannels / (options.groups ?? 1), kh, kw]));
    kaimingUniform_(this.weight, Math.sqrt(5));
    this.bias = options.bias === false ? this.registerParameter('bias', null)
      : defaultBias_(this.registerParameter('bias', torch.empty([outChannels])), this.weight);
  }
  forward(input: torch.Tensor): torch.Tensor {
    return F.convTranspose2d(input, this.weight, this.bias, this.options);
  }
}

/**
 * BatchNorm2d with running statistics. In training mode: batch statistics, running stats updated with
 * momentum (unbiased variance), num_batches_tracked incremented — exactly PyTorch's.
 */
export class BatchNorm2d extends Module implements TensorModule {
  readonly weight: torch.Tensor;
  readonly bias: torch.Tensor;
  readonly runningMean: torch.Tensor;
  readonly runningVar: torch.Tensor;
  readonly numBatchesTracked: torch.Tensor;
  constructor(readonly numFeatures: number, readonly options: { eps?: number; momentum?: number } = {}) {
    super();
    this.weight = this.registerParameter('weight', torch.ones([numFeatures]));
    this.bias = this.registerParameter('bias', torch.zeros([numFeatures]));
    this.runningMean = this.registerBuffer('running_mean', torch.zeros([numFeatures]))!;
    this.runningVar = this.registerBuffer('running_var', torch.ones([numFeatures]))!;
    this.numBatchesTracked = this.registerBuffer('num_batches_tracked', torch.zeros([], { dtype: 'int64' }))!;
  }
  forward(input: torch.Tensor): torch.Tensor {
    if (this.training) torch.noGrad(() => this.numBatchesTracked.add_(1));
    return F.batchNorm(input, this.runningMean, this.runningVar, {
      weight: this.weight, bias: this.bias, training: this.training,
      momentum: this.options.momentum ?? 0.1, eps: this.options.eps ?? 1e-5,
    });
  }
}

/** LayerNorm over the last dimension(s). */
export class LayerNorm extends Module implements TensorModule {
  readonly weight: torch.Tensor;
  readonly bias: torch.Tensor;
  readonly normalizedShape: number[];
  constructor(normalizedShape: number | number[], readonly eps = 1e-5) {
    super();
    this.normalizedShape = Array.isArray(normalizedShape) ? normalizedShape : [normalizedShape];
    this.weight = this.registerParameter('weight', torch.ones(this.normalizedShape));
    this.bias = this.registerParameter('bias', torch.zeros(this.normalizedShape));
  }
  forward(input: torch.Tensor): torch.Tensor {
    return F.layerNorm(input, this.normalizedShape, this.weight, this.bias, this.eps);
  }
}

/** Dropout: active only in training mode. */
export class Dropout extends Module implements TensorModule {
  constructor(readonly p = 0.5) {
    super();
    if (!(p >= 0 && p <= 1)) throw new RangeError(`Expected number in [0, 1] for p but received ${p} (number)`);
  }
  forward(input: torch.Tensor): torch.Tensor {
    return this.training && this.p > 0 ? F.dropout(input, this.p, true) : input;
  }
}

/** ReLU; `inplace` overwrites its input (torchvision's stem uses ReLU(inplace=True)). */
export class ReLU extends Module implements TensorModule {
  constructor(readonly inplace = false) {
    super();
  }
  forward(input: torch.Tensor): torch.Tensor {
    return this.inplace ? input.relu_() : input.relu();
  }
}

export class Identity extends Module implements TensorModule {
  forward(input: torch.Tensor): torch.Tensor {
    return input;
  }
}

export class MaxPool2d extends Module implements TensorModule {
  constructor(readonly kernelSize: number, readonly stride = kernelSize, readonly padding = 0) {
    super();
  }
  forward(input: torch.Tensor): torch.Tensor {
    return F.maxPool2d(input, this.kernelSize, { stride: this.stride, padding: this.padding });
  }
}

export class AdaptiveAvgPool2d extends Module implements TensorModule {
  constructor(readonly outputSize: number | [number, number]) {
    super();
  }
  forward(input: torch.Tensor): torch.Tensor {
    return F.adaptiveAvgPool2d(input, this.outputSize);
  }
}
