/** Neural-network building blocks with PyTorch's names and semantics. */
export { Module, type StateDict, type StateValue, type LoadResult } from './module.ts';
export * from './layers.ts';
export { Sequential, ModuleList } from './containers.ts';
export { MultiheadAttention } from './attention.ts';
export * as init from './init.ts';
