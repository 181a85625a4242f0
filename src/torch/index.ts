/** The typed facade over libtorch. `import * as torch from './torch/index.ts'`. */
export { Tensor, aten, type Scalar, type TensorOrScalar } from './tensor.ts';
export { NativeError, schemaOf } from './dispatch.ts';
export { type DType, DTYPES, isFloatingPoint } from './dtype.ts';
export { type Device, availableDevices, checkDevice, synchronize, tf32, setTf32, toDeviceAsync } from './device.ts';
export { scope, keep, scopeDepth } from './scope.ts';
export {
  tensor, fromTypedArray, fromRaw, toRaw, zeros, ones, empty, full, randn, rand, randint, arange, linspace, eye,
  zerosLike, onesLike, fullLike, randnLike, cat, stack, where, type CreationOptions, type RawTensorLike,
} from './creation.ts';
export { noGrad, enableGrad, inferenceMode, autocast, isGradEnabled, isInferenceMode, backward } from './grad.ts';
export { manualSeed, getRngState, setRngState, Generator } from './random.ts';
export { setNumThreads, getNumThreads, counters, releaseFreeMemory, releaseFreeMemoryEvery, libtorchInfo } from './runtime.ts';
export { type Precision, type PrecisionChoice, PRECISIONS, PRECISION_CHOICES, cpuHasNativeBfloat16, resolvePrecision } from './precision.ts';
export { profile, summarizeTrace, type ProfileSummary, type OperatorTime, type TraceEvent } from './profiler.ts';
export * as nnf from './functional.ts';
