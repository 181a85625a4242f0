/**
 * Tensor: a typed handle on one libtorch tensor. Methods return new tensors; names ending in `_` modify the
 * tensor in place and return it (PyTorch's convention). Native memory is released by `dispose()` or by the
 * enclosing `scope()`; the garbage collector is only the last resort.
 */
import { native, type NativeGenerator, type NativeTensor } from './binding.ts';
import { callNative, NativeError, operator, rethrow, type Operator } from './dispatch.ts';
import { dtypeCode, dtypeFromCode, TYPED_ARRAY, type DType, type TypedArrayFor } from './dtype.ts';
import { setTensorPredicate, track, keep as keepTensor } from './scope.ts';
import { checkDevice, type Device } from './device.ts';

export type Scalar = number | boolean;
export type TensorOrScalar = Tensor | Scalar;
/** A generator handle (see random.ts); opaque here. */
export interface GeneratorLike { readonly handle: NativeGenerator }

/**
 * Converts one call argument by its schema kind: Tensor → native handle, tensor lists → handle lists,
 * generators → their handle. Tensor handles are plain numbers natively, so a number where the schema wants a
 * tensor (or a tensor where it wants a number) is refused here.
 */
function toNativeArg(value: unknown, kind: string | undefined, op: Operator, index: number): unknown {
  const fail = (expected: string): never => {
    throw new TypeError(`Expected ${expected} for ${op.name} argument ${op.names[index] ?? index} but received ${value === null ? 'null' : typeof value}`);
  };
  switch (kind) {
    case 'Tensor':
      return value instanceof Tensor ? value.handle : fail('a tensor');
    case 'Tensor?':
      return value === null || value === undefined ? value : value instanceof Tensor ? value.handle : fail('a tensor or null');
    case 'Tensor[]':
      if (!Array.isArray(value)) return fail('an array of tensors');
      return value.map((v) => (v instanceof Tensor ? v.handle : fail('an array of tensors')));
    case 'Tensor?[]':
      if (!Array.isArray(value)) return fail('an array of tensors or nulls');
      return value.map((v) => (v === null ? null : v instanceof Tensor ? v.handle : fail('an array of tensors or nulls')));
    case 'Generator?':
      return value === null || value === undefined ? value : (value as GeneratorLike).handle ?? fail('a Generator');
    default:
      if (value instanceof Tensor) return fail(kind ?? 'no argument');
      return value;
  }
}

/** Wraps one native result value of the given schema kind: handles → Tensors. */
function wrapValue(value: unknown, kind: string): unknown {
  if (kind === 'Tensor') return value === null ? null : new Tensor(value as NativeTensor);
  if (kind === 'Tensor[]') return (value as NativeTensor[]).map((h) => new Tensor(h));
  return value;
}

/** Calls an ATen operator by schema name with Tensor arguments and wraps the result. */
// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- the caller names what the op's schema returns (known at run time only)
export function aten<T = Tensor>(qualifiedName: string, ...args: unknown[]): T {
  try {
    const op = operator(qualifiedName);
    const result = callNative(op, args.map((arg, i) => toNativeArg(arg, op.arguments[i], op, i)));
    if (op.returns.length === 1) return wrapValue(result, op.returns[0]) as T;
    return (result as unknown[]).map((value, i) => wrapValue(value, op.returns[i])) as T;
  } catch (error) {
    // libtorch's messages rarely show every operand: add the shapes and dtypes of the tensor arguments.
    if (error instanceof NativeError) {
      const operands = args.filter((a): a is Tensor => a instanceof Tensor && !a.isDisposed)
        .map((t) => `[${t.shape.join(', ')}] ${t.dtype}`);
      if (operands.length > 0) error.message += ` (tensor arguments: ${operands.join('; ')})`;
    }
    throw error;
  }
}

/**
 * Last-resort release of tensors that were neither disposed nor scoped, when their JS object is collected.
 * Training code should not rely on it: collection happens late, and native memory piles up meanwhile.
 */
const collected = new FinalizationRegistry<NativeTensor>((handle) => native.dispose(handle));

export class Tensor {
  #handle: NativeTensor | null;
  #shape: number[] | undefined;
  #dtype: DType | undefined;
  #device: Device | undefined;
  /** Set by keep(): no scope disposes this tensor. */
  kept = false;

  /** Wraps a native handle; use the creation functions (tensor, zeros, …) rather than this constructor. */
  constructor(handle: NativeTensor) {
    this.#handle = handle;
    collected.register(this, handle, this);
    track(this);
  }

  /** The native handle. @throws Error after dispose(). */
  get handle(): NativeTensor {
    if (this.#handle === null) throw new Error('Tensor used after dispose()');
    return this.#handle;
  }

  #loadInfo(): void {
    const [shape, code, device] = native.info(this.handle);
    this.#shape = shape;
    this.#dtype = dtypeFromCode(code);
    this.#device = device as Device;
  }

  /** Dimensions, e.g. [8, 3, 224, 224]. */
  get shape(): readonly number[] {
    if (this.#shape === undefined) this.#loadInfo();
    return this.#shape!;
  }
  get dtype(): DType {
    if (this.#dtype === undefined) this.#loadInfo();
    return this.#dtype!;
  }
  get device(): Device {
    if (this.#device === undefined) this.#loadInfo();
    return this.#device!;
  }
  get ndim(): number { return this.shape.length; }
  get numel(): number { return this.shape.reduce((a, b) => a * b, 1); }
  /** Size of one dimension (negative counts from the end). */
  size(dim: number): number {
    const d = dim < 0 ? dim + this.ndim : dim;
    if (d < 0 || d >= this.ndim) throw new RangeError(`Expected dim in [${-this.ndim}, ${this.ndim - 1}] but received ${dim}`);
    return this.shape[d];
  }
  strides(): number[] { return native.strides(this.handle); }
  isContiguous(): boolean { return native.isContiguous(this.handle); }

  // ---- memory -------------------------------------------------------------------------------------------
  /** Releases the native tensor now. Safe to call twice. */
  dispose(): void {
    if (this.#handle !== null) {
      collected.unregister(this);
      native.dispose(this.#handle);
      this.#handle = null;
    }
  }
  get isDisposed(): boolean { return this.#handle === null; }
  /** Protects this tensor from every scope's automatic disposal; returns it. */
  keep(): this { return keepTensor(this); }

  // ---- data out -----------------------------------------------------------------------------------------
  /** A copy of the values as a typed array (row-major). Reads from the device: a sync point on a GPU. */
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- the caller that knows the dtype names its array type
  toArray<D extends DType = DType>(): TypedArrayFor[D] {
    const buffer = native.toBuffer(this.handle);
    return new TYPED_ARRAY[this.dtype](buffer) as TypedArrayFor[D];
  }
  /** The values as Float32Array (converting when needed). */
  toFloat32Array(): Float32Array {
    if (this.dtype === 'float32') return this.toArray<'float32'>();
    const converted = this.to('float32');
    try { return converted.toArray<'float32'>(); } finally { converted.dispose(); }
  }
  /** The values as Float64Array (converting when needed). */
  toFloat64Array(): Float64Array {
    if (this.dtype === 'float64') return this.toArray<'float64'>();
    const converted = this.to('float64');
    try { return converted.toArray<'float64'>(); } finally { converted.dispose(); }
  }
  /** The single value of a one-element tensor. A sync point on a GPU. */
  item(): number {
    try { return native.item(this.handle); } catch (error) { return rethrow(error); }
  }
  toString(): string { return `Tensor(shape=[${this.shape.join(', ')}], dtype=${this.dtype}, device=${this.device})`; }

  // ---- autograd -----------------------------------------------------------------------------------------
  get requiresGrad(): boolean { return native.info(this.handle)[3]; }
  /** Sets requires_grad in place (leaf tensors only); returns this. */
  requiresGrad_(requiresGrad = true): this {
    if (!this.isLeaf && !requiresGrad) {
      throw new Error('requiresGrad_: only leaf tensors can change requiresGrad; use detach() for a copy outside the graph');
    }
    try { native.setRequiresGrad(this.handle, requiresGrad); } catch (error) { rethrow(error); }
    return this;
  }
  get isLeaf(): boolean { return native.isLeaf(this.handle); }
  /** Name of the autograd node that made this tensor, e.g. "AddmmBackward0", or null for leaves. */
  get gradFn(): string | null { return native.gradFn(this.handle); }
  /** The accumulated gradient (a new handle on it each call), or null. */
  get grad(): Tensor | null {
    const grad = native.grad(this.handle);
    return grad === null ? null : new Tensor(grad);
  }
  set grad(value: Tensor | null) {
    try { native.setGrad(this.handle, value === null ? null : value.handle); } catch (error) { rethrow(error); }
  }
  retainGrad(): this { native.retainGrad(this.handle); return this; }
  /** Back-propagates from this tensor (a scalar unless `gradient` is given). */
  backward(gradient?: Tensor, options: { retainGraph?: boolean; createGraph?: boolean } = {}): void {
    try {
      native.backward([this.handle], [gradient ? gradient.handle : null], options.retainGraph, options.createGraph ?? false);
    } catch (error) {
      rethrow(error);
    }
  }
  detach(): Tensor { return aten('aten::detach', this); }
  detach_(): this { return this.#inPlace(aten('aten::detach_', this)); }
  clone(): Tensor { return aten('aten::clone', this); }

  // ---- casts and devices --------------------------------------------------------------------------------
  /**
   * Converts to a dtype or moves to a device (a copy only when something changes). `nonBlocking`: a copy between
   * pinned host memory and a GPU returns before it completes (ordered on the GPU's stream like every op).
   */
  to(target: DType | Device, options: { copy?: boolean; nonBlocking?: boolean } = {}): Tensor {
    const nonBlocking = options.nonBlocking ?? false, copy = options.copy ?? false;
    if (target === 'cpu' || target.startsWith('cuda')) {
      return aten('aten::to.device', this, checkDevice(target), dtypeCode(this.dtype), nonBlocking, copy);
    }
    return aten('aten::to.dtype', this, dtypeCode(target as DType), nonBlocking, copy);
  }
  /** A copy in pinned (page-locked) host memory, which GPUs copy from asynchronously; needs a CUDA libtorch. */
  pinMemory(): Tensor {
    if (!native.versions().cudaAvailable) throw new Error('pinMemory: pinned host memory needs a CUDA device (this libtorch has none)');
    return aten('aten::pin_memory', this, null);
  }
  /** Whether this tensor lives in pinned host memory. */
  get isPinned(): boolean { return aten<boolean>('aten::is_pinned', this, null); }
  float(): Tensor { return this.to('float32'); }
  double(): Tensor { return this.to('float64'); }
  long(): Tensor { return this.to('int64'); }
  int(): Tensor { return this.to('int32'); }
  bool(): Tensor { return this.to('bool'); }
  cpu(): Tensor { return this.to('cpu'); }
  cuda(index = 0): Tensor { return this.to(`cuda:${index}`); }
  contiguous(): Tensor { return aten('aten::contiguous', this); }

  // ---- shape --------------------------------------------------------------------------------------------
  view(...shape: number[]): Tensor { return aten('aten::view', this, shape); }
  reshape(...shape: number[]): Tensor { return aten('aten::reshape', this, shape); }
  permute(...dims: number[]): Tensor { return aten('aten::permute', this, dims); }
  transpose(dim0: number, dim1: number): Tensor { return aten('aten::transpose.int', this, dim0, dim1); }
  /** Transpose of a 2-D tensor. */
  t(): Tensor { return aten('aten::t', this); }
  flatten(startDim = 0, endDim = -1): Tensor { return aten('aten::flatten.using_ints', this, startDim, endDim); }
  unsqueeze(dim: number): Tensor { return aten('aten::unsqueeze', this, dim); }
  /** Removes one size-1 dimension, or all of them when dim is omitted. */
  squeeze(dim?: number): Tensor {
    return dim === undefined ? aten('aten::squeeze', this) : aten('aten::squeeze.dim', this, dim);
  }
  expand(...shape: number[]): Tensor { return aten('aten::expand', this, shape); }
  expandAs(other: Tensor): Tensor { return aten('aten::expand_as', this, other); }
  repeat(...repeats: number[]): Tensor { return aten('aten::repeat', this, repeats); }
  narrow(dim: number, start: number, length: number): Tensor { return aten('aten::narrow', this, dim, start, length); }
  /** Elements start..end (exclusive) along dim, with a step. */
  slice(dim: number, start?: number, end?: number, step = 1): Tensor {
    return aten('aten::slice.Tensor', this, dim, start ?? null, end ?? null, step);
  }
  /** The sub-tensor at `index` along dim (that dimension removed). */
  select(dim: number, index: number): Tensor { return aten('aten::select.int', this, dim, index); }
  split(splitSize: number | number[], dim = 0): Tensor[] {
    return Array.isArray(splitSize)
      ? aten<Tensor[]>('aten::split_with_sizes', this, splitSize, dim)
      : aten<Tensor[]>('aten::split.Tensor', this, splitSize, dim);
  }
  chunk(chunks: number, dim = 0): Tensor[] { return aten<Tensor[]>('aten::chunk', this, chunks, dim); }
  unbind(dim = 0): Tensor[] { return aten<Tensor[]>('aten::unbind.int', this, dim); }

  // ---- indexing -----------------------------------------------------------------------------------------
  indexSelect(dim: number, index: Tensor): Tensor { return aten('aten::index_select', this, dim, index); }
  gather(dim: number, index: Tensor): Tensor { return aten('aten::gather', this, dim, index, false); }
  scatter(dim: number, index: Tensor, src: TensorOrScalar): Tensor {
    return src instanceof Tensor ? aten('aten::scatter.src', this, dim, index, src) : aten('aten::scatter.value', this, dim, index, src);
  }
  /** Elements where `mask` is true, as a 1-D tensor. */
  maskedSelect(mask: Tensor): Tensor { return aten('aten::masked_select', this, mask); }
  maskedFill(mask: Tensor, value: TensorOrScalar): Tensor {
    return value instanceof Tensor ? aten('aten::masked_fill.Tensor', this, mask, value) : aten('aten::masked_fill.Scalar', this, mask, value);
  }
  maskedFill_(mask: Tensor, value: Scalar): this { return this.#inPlace(aten('aten::masked_fill_.Scalar', this, mask, value)); }
  /**
   * Advanced indexing, `x[i0, i1, …]` with one index tensor (int64 positions or a bool mask) or null (= `:`)
   * per leading dimension.
   */
  index(indices: (Tensor | null)[]): Tensor { return aten('aten::index.Tensor', this, indices); }
  /** `x[indices] = values` in place (accumulate adds instead). */
  indexPut_(indices: (Tensor | null)[], values: Tensor, accumulate = false): this {
    return this.#inPlace(aten('aten::index_put_', this, indices, values, accumulate));
  }

  // ---- elementwise arithmetic (broadcasting) ------------------------------------------------------------
  add(other: TensorOrScalar, alpha = 1): Tensor {
    return other instanceof Tensor ? aten('aten::add.Tensor', this, other, alpha) : aten('aten::add.Scalar', this, other, alpha);
  }
  sub(other: TensorOrScalar, alpha = 1): Tensor {
    return other instanceof Tensor ? aten('aten::sub.Tensor', this, other, alpha) : aten('aten::sub.Scalar', this, other, alpha);
  }
  /** other − this. */
  rsub(other: Scalar): Tensor { return aten('aten::rsub.Scalar', this, other, 1); }
  mul(other: TensorOrScalar): Tensor {
    return other instanceof Tensor ? aten('aten::mul.Tensor', this, other) : aten('aten::mul.Scalar', this, other);
  }
  div(other: TensorOrScalar): Tensor {
    return other instanceof Tensor ? aten('aten::div.Tensor', this, other) : aten('aten::div.Scalar', this, other);
  }
  neg(): Tensor { return aten('aten::neg', this); }
  pow(exponent: TensorOrScalar): Tensor {
    return exponent instanceof Tensor ? aten('aten::pow.Tensor_Tensor', this, exponent) : aten('aten::pow.Tensor_Scalar', this, exponent);
  }
  exp(): Tensor { return aten('aten::exp', this); }
  log(): Tensor { return aten('aten::log', this); }
  log1p(): Tensor { return aten('aten::log1p', this); }
  sqrt(): Tensor { return aten('aten::sqrt', this); }
  rsqrt(): Tensor { return aten('aten::rsqrt', this); }
  abs(): Tensor { return aten('aten::abs', this); }
  sign(): Tensor { return aten('aten::sign', this); }
  reciprocal(): Tensor { return aten('aten::reciprocal', this); }
  floor(): Tensor { return aten('aten::floor', this); }
  ceil(): Tensor { return aten('aten::ceil', this); }
  round(): Tensor { return aten('aten::round', this); }
  sin(): Tensor { return aten('aten::sin', this); }
  cos(): Tensor { return aten('aten::cos', this); }
  /** Clamps to [min, max]; either bound may be omitted (null). */
  clamp(min: number | null, max: number | null = null): Tensor { return aten('aten::clamp', this, min, max); }
  maximum(other: Tensor): Tensor { return aten('aten::maximum', this, other); }
  minimum(other: Tensor): Tensor { return aten('aten::minimum', this, other); }
  sigmoid(): Tensor { return aten('aten::sigmoid', this); }
  tanh(): Tensor { return aten('aten::tanh', this); }
  relu(): Tensor { return aten('aten::relu', this); }
  /** GELU, exact (erf) form by default; 'tanh' for the approximation. */
  gelu(approximate: 'none' | 'tanh' = 'none'): Tensor { return aten('aten::gelu', this, approximate); }
  softmax(dim: number): Tensor { return aten('aten::softmax.int', this, dim); }
  logSoftmax(dim: number): Tensor { return aten('aten::log_softmax.int', this, dim); }
  matmul(other: Tensor): Tensor { return aten('aten::matmul', this, other); }
  mm(other: Tensor): Tensor { return aten('aten::mm', this, other); }
  bmm(other: Tensor): Tensor { return aten('aten::bmm', this, other); }

  // ---- comparisons and logic (bool results) -------------------------------------------------------------
  eq(other: TensorOrScalar): Tensor { return this.#compare('eq', other); }
  ne(other: TensorOrScalar): Tensor { return this.#compare('ne', other); }
  lt(other: TensorOrScalar): Tensor { return this.#compare('lt', other); }
  le(other: TensorOrScalar): Tensor { return this.#compare('le', other); }
  gt(other: TensorOrScalar): Tensor { return this.#compare('gt', other); }
  ge(other: TensorOrScalar): Tensor { return this.#compare('ge', other); }
  #compare(op: string, other: TensorOrScalar): Tensor {
    return other instanceof Tensor ? aten(`aten::${op}.Tensor`, this, other) : aten(`aten::${op}.Scalar`, this, other);
  }
  logicalNot(): Tensor { return aten('aten::logical_not', this); }
  logicalAnd(other: Tensor): Tensor { return aten('aten::logical_and', this, other); }
  logicalOr(other: Tensor): Tensor { return aten('aten::logical_or', this, other); }
  isnan(): Tensor { return aten('aten::isnan', this); }
  isfinite(): Tensor { return aten('aten::isfinite', this); }
  /** `cond ? this : other` elementwise. */
  where(condition: Tensor, other: TensorOrScalar): Tensor {
    return other instanceof Tensor
      ? aten('aten::where.self', condition, this, other)
      : aten('aten::where.ScalarOther', condition, this, other);
  }

  // ---- reductions ---------------------------------------------------------------------------------------
  /** Sum of all elements, or over `dim` (one or several). */
  sum(dim?: number | number[], keepdim = false): Tensor {
    return dim === undefined ? aten('aten::sum', this) : aten('aten::sum.dim_IntList', this, dim, keepdim);
  }
  mean(dim?: number | number[], keepdim = false): Tensor {
    return dim === undefined ? aten('aten::mean', this) : aten('aten::mean.dim', this, dim, keepdim);
  }
  prod(): Tensor { return aten('aten::prod', this); }
  /** Largest element overall. */
  max(): Tensor;
  /** Largest elements along dim, with their indices. */
  max(dim: number, keepdim?: boolean): { values: Tensor; indices: Tensor };
  max(dim?: number, keepdim = false): Tensor | { values: Tensor; indices: Tensor } {
    if (dim === undefined) return aten('aten::max', this);
    const [values, indices] = aten<Tensor[]>('aten::max.dim', this, dim, keepdim);
    return { values, indices };
  }
  min(): Tensor;
  min(dim: number, keepdim?: boolean): { values: Tensor; indices: Tensor };
  min(dim?: number, keepdim = false): Tensor | { values: Tensor; indices: Tensor } {
    if (dim === undefined) return aten('aten::min', this);
    const [values, indices] = aten<Tensor[]>('aten::min.dim', this, dim, keepdim);
    return { values, indices };
  }
  argmax(dim?: number, keepdim = false): Tensor { return aten('aten::argmax', this, dim ?? null, keepdim); }
  argmin(dim?: number, keepdim = false): Tensor { return aten('aten::argmin', this, dim ?? null, keepdim); }
  /** Variance (unbiased by default, like PyTorch). */
  var(dim?: number | number[], options: { unbiased?: boolean; keepdim?: boolean } = {}): Tensor {
    return aten('aten::var.dim', this, dim ?? null, options.unbiased ?? true, options.keepdim ?? false);
  }
  std(dim?: number | number[], options: { unbiased?: boolean; keepdim?: boolean } = {}): Tensor {
    return aten('aten::std.dim', this, dim ?? null, options.unbiased ?? true, options.keepdim ?? false);
  }
  /** Vector p-norm over all elements or over dim. */
  norm(p = 2, dim?: number | number[], keepdim = false): Tensor {
    return aten('aten::linalg_vector_norm', this, p, dim ?? null, keepdim);
  }
  all(): Tensor { return aten('aten::all', this); }
  any(): Tensor { return aten('aten::any', this); }
  cumsum(dim: number): Tensor { return aten('aten::cumsum', this, dim); }
  topk(k: number, dim = -1, largest = true, sorted = true): { values: Tensor; indices: Tensor } {
    const [values, indices] = aten<Tensor[]>('aten::topk', this, k, dim, largest, sorted);
    return { values, indices };
  }
  sort(dim = -1, descending = false): { values: Tensor; indices: Tensor } {
    const [values, indices] = aten<Tensor[]>('aten::sort', this, dim, descending);
    return { values, indices };
  }

  // ---- in place (optimisers, init) ----------------------------------------------------------------------
  #inPlace(result: Tensor): this {
    result.dispose(); // the op returned a second handle on this same tensor
    return this;
  }
  add_(other: TensorOrScalar, alpha = 1): this {
    return this.#inPlace(other instanceof Tensor ? aten('aten::add_.Tensor', this, other, alpha) : aten('aten::add_.Scalar', this, other, alpha));
  }
  sub_(other: TensorOrScalar, alpha = 1): this {
    return this.#inPlace(other instanceof Tensor ? aten('aten::sub_.Tensor', this, other, alpha) : aten('aten::sub_.Scalar', this, other, alpha));
  }
  mul_(other: TensorOrScalar): this {
    return this.#inPlace(other instanceof Tensor ? aten('aten::mul_.Tensor', this, other) : aten('aten::mul_.Scalar', this, other));
  }
  div_(other: TensorOrScalar): this {
    return this.#inPlace(other instanceof Tensor ? aten('aten::div_.Tensor', this, other) : aten('aten::div_.Scalar', this, other));
  }
  /** this += value · t1 · t2 */
  addcmul_(t1: Tensor, t2: Tensor, value = 1): this { return this.#inPlace(aten('aten::addcmul_', this, t1, t2, value)); }
  /** this += value · t1 / t2 */
  addcdiv_(t1: Tensor, t2: Tensor, value = 1): this { return this.#inPlace(aten('aten::addcdiv_', this, t1, t2, value)); }
  /** this += weight · (end − this) */
  lerp_(end: Tensor, weight: number): this { return this.#inPlace(aten('aten::lerp_.Scalar', this, end, weight)); }
  copy_(source: Tensor): this { return this.#inPlace(aten('aten::copy_', this, source, false)); }
  /** Replaces this tensor's data with another's (same handle; PyTorch's `param.data = …`, used to move modules). */
  setData_(source: Tensor): this {
    aten('aten::set_data', this, source);
    this.#shape = undefined;
    this.#dtype = undefined;
    this.#device = undefined;
    return this;
  }
  zero_(): this { return this.#inPlace(aten('aten::zero_', this)); }
  fill_(value: Scalar): this { return this.#inPlace(aten('aten::fill_.Scalar', this, value)); }
  clamp_(min: number | null, max: number | null = null): this { return this.#inPlace(aten('aten::clamp_', this, min, max)); }
  sqrt_(): this { return this.#inPlace(aten('aten::sqrt_', this)); }
  /** ReLU in place (as torchvision's ReLU(inplace=True): saves one activation-sized allocation). */
  relu_(): this { return this.#inPlace(aten('aten::relu_', this)); }
  /** Fills with N(mean, std²) draws (init). */
  normal_(mean = 0, std = 1, generator?: GeneratorLike): this {
    return this.#inPlace(aten('aten::normal_', this, mean, std, generator ?? null));
  }
  /** Fills with U(low, high) draws (init). */
  uniform_(low = 0, high = 1, generator?: GeneratorLike): this {
    return this.#inPlace(aten('aten::uniform_', this, low, high, generator ?? null));
  }
}

setTensorPredicate((value: unknown): value is Tensor => value instanceof Tensor);
