/** Creating tensors: from JS data and typed arrays, constants, ranges and random draws. */
import { native } from './binding.ts';
import { rethrow } from './dispatch.ts';
import { dtypeCode, dtypeOfTypedArray, TYPED_ARRAY, type DType } from './dtype.ts';
import { checkDevice, type Device } from './device.ts';
import { checkShape, invalidArgument } from '../util/check.ts';
import { aten, Tensor, type GeneratorLike, type Scalar } from './tensor.ts';

export interface CreationOptions {
  /** Element type; float32 unless stated otherwise. */
  dtype?: DType;
  device?: Device;
  requiresGrad?: boolean;
}

function finish(tensor: Tensor, options: CreationOptions): Tensor {
  let result = tensor;
  if (options.device && options.device !== 'cpu') {
    result = tensor.to(checkDevice(options.device));
    tensor.dispose();
  }
  if (options.requiresGrad) result.requiresGrad_(true);
  return result;
}

/**
 * A tensor holding a copy of a typed array, shaped `shape` (default: 1-D).
 * @example fromTypedArray(new Float32Array([1, 2, 3, 4]), [2, 2])
 * @throws RangeError when the array does not fill the shape.
 */
export function fromTypedArray(array: ArrayBufferView, shape?: readonly number[], options: CreationOptions = {}): Tensor {
  // Uint16Array holds raw float16/bfloat16 bit patterns, Uint8Array may hold bools: taken as they are.
  const rawBits = (array instanceof Uint16Array && (options.dtype === 'float16' || options.dtype === 'bfloat16'))
    || (array instanceof Uint8Array && options.dtype === 'bool');
  const arrayDtype = rawBits ? options.dtype! : dtypeOfTypedArray(array);
  const dims = checkShape('shape', shape ? [...shape] : [(array as unknown as { length: number }).length]);
  let handle;
  try {
    handle = native.fromTypedArray(array, dims, dtypeCode(arrayDtype));
  } catch (error) {
    rethrow(error);
  }
  let result = new Tensor(handle);
  if (options.dtype && options.dtype !== arrayDtype) {
    const converted = result.to(options.dtype);
    result.dispose();
    result = converted;
  }
  return finish(result, options);
}

/** The engine-free tensor of the file readers (src/io): dtype, shape and a contiguous typed array. */
export interface RawTensorLike { dtype: DType; shape: readonly number[]; data: ArrayBufferView }

/** A tensor holding a copy of a file reader's raw tensor (any dtype, float16/bfloat16 bits included). */
export function fromRaw(raw: RawTensorLike, options: CreationOptions = {}): Tensor {
  const converted = fromTypedArray(raw.data, raw.shape, { dtype: raw.dtype });
  if (options.dtype && options.dtype !== raw.dtype) {
    const cast = converted.to(options.dtype);
    converted.dispose();
    return finish(cast, { ...options, dtype: undefined });
  }
  return finish(converted, options);
}

/** Copies a tensor out as a raw tensor (for the file writers). */
export function toRaw(tensor: Tensor): { dtype: DType; shape: number[]; data: ArrayBufferView } {
  return { dtype: tensor.dtype, shape: [...tensor.shape], data: tensor.toArray() };
}

type Nested = number | boolean | bigint | Nested[];

function shapeOf(data: Nested): number[] {
  const shape: number[] = [];
  let level: Nested = data;
  while (Array.isArray(level)) {
    shape.push(level.length);
    level = level[0];
  }
  return shape;
}

/**
 * A tensor from (nested) JS numbers. dtype defaults to float32 (int64 for bigint data, bool for booleans).
 * @example tensor([[1, 2], [3, 4]]), tensor([0, 1, -1], { dtype: 'int64' })
 * @throws TypeError on ragged nested arrays.
 */
export function tensor(data: Nested | ArrayBufferView, options: CreationOptions = {}): Tensor {
  if (ArrayBuffer.isView(data)) return fromTypedArray(data, undefined, options);
  const shape = shapeOf(data);
  const flat = (Array.isArray(data) ? (data as unknown[]).flat(Infinity) : [data]) as (number | boolean | bigint)[];
  const expected = shape.reduce((a, b) => a * b, 1);
  if (flat.length !== expected) throw invalidArgument('data', `a rectangular nested array of shape [${shape.join(', ')}]`, data);
  const first = flat[0];
  const dtype = options.dtype ?? (typeof first === 'bigint' ? 'int64' : typeof first === 'boolean' ? 'bool' : 'float32');
  let array: ArrayBufferView;
  if (dtype === 'int64') array = BigInt64Array.from(flat, (v) => BigInt(typeof v === 'bigint' ? v : Math.trunc(Number(v))));
  else if (dtype === 'bool' || dtype === 'uint8') array = Uint8Array.from(flat, Number);
  else if (dtype === 'float64') array = Float64Array.from(flat, Number);
  else if (dtype === 'int32') array = Int32Array.from(flat, Number);
  else array = Float32Array.from(flat, Number);
  const result = fromTypedArray(array, shape, { ...options, dtype: dtype === 'bool' ? undefined : dtype });
  if (dtype === 'bool') {
    const asBool = result.to('bool');
    result.dispose();
    return asBool;
  }
  return result;
}

function factory(op: string, shape: readonly number[], options: CreationOptions, ...leading: unknown[]): Tensor {
  const dims = checkShape('shape', [...shape]);
  const device = options.device ? checkDevice(options.device) : null;
  const result = aten(op, dims, ...leading, dtypeCode(options.dtype ?? 'float32'), null, device, null);
  if (options.requiresGrad) result.requiresGrad_(true);
  return result;
}

export const zeros = (shape: readonly number[], options: CreationOptions = {}): Tensor => factory('aten::zeros', shape, options);
export const ones = (shape: readonly number[], options: CreationOptions = {}): Tensor => factory('aten::ones', shape, options);
/** Uninitialised memory: every value must be written before it is read. */
export const empty = (shape: readonly number[], options: CreationOptions = {}): Tensor => factory('aten::empty.memory_format', shape, options);
export const full = (shape: readonly number[], value: Scalar, options: CreationOptions = {}): Tensor =>
  factory('aten::full', shape, options, value);

/** Draws from N(0, 1); pass a generator for an independent seeded stream. */
export function randn(shape: readonly number[], options: CreationOptions & { generator?: GeneratorLike } = {}): Tensor {
  return options.generator ? factory('aten::randn.generator', shape, options, options.generator) : factory('aten::randn', shape, options);
}
/** Draws from U[0, 1). */
export function rand(shape: readonly number[], options: CreationOptions & { generator?: GeneratorLike } = {}): Tensor {
  return options.generator ? factory('aten::rand.generator', shape, options, options.generator) : factory('aten::rand', shape, options);
}
/** Integers drawn uniformly from [low, high). int64 by default. */
export function randint(low: number, high: number, shape: readonly number[], options: CreationOptions & { generator?: GeneratorLike } = {}): Tensor {
  const dims = checkShape('shape', [...shape]);
  const device = options.device ? checkDevice(options.device) : null;
  return aten('aten::randint.low_generator', low, high, dims, options.generator ?? null, dtypeCode(options.dtype ?? 'int64'), null, device, null);
}

/** Values start, start+step, … below end. dtype float32 unless given. */
export function arange(start: number, end?: number, step = 1, options: CreationOptions = {}): Tensor {
  const [from, to] = end === undefined ? [0, start] : [start, end];
  const device = options.device ? checkDevice(options.device) : null;
  return aten('aten::arange.start_step', from, to, step, dtypeCode(options.dtype ?? 'float32'), null, device, null);
}

/** `steps` values evenly spaced from start to end, both included. */
export function linspace(start: number, end: number, steps: number, options: CreationOptions = {}): Tensor {
  const device = options.device ? checkDevice(options.device) : null;
  return aten('aten::linspace', start, end, steps, dtypeCode(options.dtype ?? 'float32'), null, device, null);
}

export function eye(n: number, options: CreationOptions = {}): Tensor {
  const device = options.device ? checkDevice(options.device) : null;
  return aten('aten::eye', n, dtypeCode(options.dtype ?? 'float32'), null, device, null);
}

export const zerosLike = (t: Tensor): Tensor => aten('aten::zeros_like', t);
export const onesLike = (t: Tensor): Tensor => aten('aten::ones_like', t);
export const fullLike = (t: Tensor, value: Scalar): Tensor => aten('aten::full_like', t, value);
export const randnLike = (t: Tensor): Tensor => aten('aten::randn_like', t);

/** Concatenates along an existing dimension. */
export const cat = (tensors: Tensor[], dim = 0): Tensor => aten('aten::cat', tensors, dim);
/** Stacks along a new dimension. */
export const stack = (tensors: Tensor[], dim = 0): Tensor => aten('aten::stack', tensors, dim);
/** `condition ? a : b` elementwise. */
export const where = (condition: Tensor, a: Tensor, b: Tensor): Tensor => aten('aten::where.self', condition, a, b);

export { TYPED_ARRAY };
