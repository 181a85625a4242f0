/** Dispatch-mode switches: no_grad, enable_grad, inference mode and autocast, each restored on exit (even on throw). */
import { native } from './binding.ts';
import { rethrow } from './dispatch.ts';
import { dtypeCode, type DType } from './dtype.ts';
import type { Tensor } from './tensor.ts';

/** Runs fn without building the autograd graph (like `with torch.no_grad()`). */
export function noGrad<T>(fn: () => T): T {
  const previous = native.setGradEnabled(false);
  try {
    return fn();
  } finally {
    native.setGradEnabled(previous);
  }
}

/** Runs fn with gradient recording on, even inside noGrad. */
export function enableGrad<T>(fn: () => T): T {
  const previous = native.setGradEnabled(true);
  try {
    return fn();
  } finally {
    native.setGradEnabled(previous);
  }
}

/**
 * Runs fn in libtorch's inference mode: faster than noGrad (no version counters, no view tracking), but tensors
 * made inside can never be used in autograd later. For evaluation and prediction.
 */
export function inferenceMode<T>(fn: () => T): T {
  native.enterInferenceMode();
  try {
    return fn();
  } finally {
    native.exitInferenceMode();
  }
}

/**
 * Runs fn under libtorch's autocast (like `with torch.autocast(device, dtype)`): inside, the operators autocast
 * lists for lower precision (convolutions, matrix products, linear layers) compute in `dtype` and the precision-
 * sensitive ones in float32; parameters stay float32 and gradients come back in each input's dtype. fn must be
 * synchronous: the mode is state of the calling thread and ends when fn returns.
 */
export function autocast<T>(device: 'cpu' | 'cuda', dtype: Extract<DType, 'bfloat16' | 'float16'>, fn: () => T): T {
  native.enterAutocast(device, dtypeCode(dtype));
  try {
    const result = fn();
    if (result instanceof Promise) throw new TypeError('Expected autocast to run a synchronous function, but it returned a Promise');
    return result;
  } finally {
    native.exitAutocast();
  }
}

export const isGradEnabled = (): boolean => native.isGradEnabled();
export const isInferenceMode = (): boolean => native.isInferenceMode();

/** Back-propagates from several outputs at once (each with an optional incoming gradient). */
export function backward(outputs: Tensor[], gradients: (Tensor | null)[] = [], options: { retainGraph?: boolean } = {}): void {
  try {
    native.backward(outputs.map((t) => t.handle), outputs.map((_, i) => gradients[i]?.handle ?? null), options.retainGraph, false);
  } catch (error) {
    rethrow(error);
  }
}
