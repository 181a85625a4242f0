/** Neural-network building blocks with PyTorch's names and semantics. */
export { Module, type StateDict, type StateValue, type LoadResult } from './module.ts';
export {
  Linear, Conv2d, ConvTranspose2d, BatchNorm2d, LayerNorm, Dropout, ReLU, Identity, MaxPool2d, AdaptiveAvgPool2d,
  type TensorModule, type Conv2dOptions,
} from './layers.ts';
export { Sequential, ModuleList } from './containers.ts';
export { MultiheadAttention } from './attention.ts';
export * as init from './init.ts';
