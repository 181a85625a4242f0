/**
 * The allow-list of the safe unpickler (./pickle.ts): the only Python globals a pickle may name, each a pure
 * constructor written here — tensor and parameter rebuilds, storage types, OrderedDict, torch.Size, set and
 * frozenset, NumPy scalars and arrays (./pickle-numpy.ts). Nothing outside this list can be reached.
 */
import type { DType } from './raw-tensor.ts';
import { numpyDType, numpyReconstruct, numpyScalar } from './pickle-numpy.ts';

/** A storage class named in a pickle (`torch.FloatStorage`, …): only its element dtype matters. */
export class TorchStorageType {
  constructor(readonly name: string, readonly dtype: DType) {}
}

/** A tensor as the pickle describes it: a view of a storage. Materialised by `pth.ts`. */
export class TorchTensorReference {
  constructor(
    /** Whatever the caller's persistentLoad returned for the storage. */
    readonly storage: unknown,
    readonly storageOffset: number,
    readonly shape: readonly number[],
    readonly stride: readonly number[],
    readonly requiresGrad: boolean,
    readonly isParameter: boolean = false,
  ) {}
}

/**
 * An allowed Python global. `construct` (when present) is what REDUCE/NEWOBJ run for it, as a pure function of
 * the unpickled arguments; a global without `construct` can only be passed around as a value (e.g. `torch.Tensor`
 * as the type argument of `_rebuild_from_type_v2`).
 */
export class PyGlobal {
  constructor(readonly qualifiedName: string, readonly construct?: (args: readonly unknown[]) => unknown) {}
}

function expectInt(value: unknown, what: string): number {
  if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
  throw new TypeError(`expected an integer for ${what} but found ${describe(value)}`);
}

function expectIntList(value: unknown, what: string): number[] {
  if (!Array.isArray(value)) throw new TypeError(`expected a tuple of integers for ${what} but found ${describe(value)}`);
  return value.map((v, i) => expectInt(v, `${what}[${i}]`));
}

/** A Python value as error messages name it. */
export function describe(value: unknown): string {
  if (value === null) return 'None';
  if (Array.isArray(value)) return `a sequence of ${value.length}`;
  if (value instanceof PyGlobal) return `global ${value.qualifiedName}`;
  if (typeof value === 'object') return value.constructor?.name ?? 'object';
  return `${typeof value} ${String(value)}`;
}

function rebuildTensor(args: readonly unknown[]): TorchTensorReference {
  // _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata]);
  // _rebuild_tensor(storage, storage_offset, size, stride) from older files. Hooks and metadata are dropped.
  if (args.length < 4) throw new TypeError(`a tensor rebuild needs at least 4 arguments but got ${args.length}`);
  const shape = expectIntList(args[2], 'tensor size');
  const stride = expectIntList(args[3], 'tensor stride');
  if (shape.length !== stride.length) {
    throw new TypeError(`tensor size [${shape.join(', ')}] and stride [${stride.join(', ')}] differ in length`);
  }
  return new TorchTensorReference(args[0], expectInt(args[1], 'storage offset'), shape, stride, args[4] === true);
}

function rebuildParameter(args: readonly unknown[]): TorchTensorReference {
  // _rebuild_parameter(data, requires_grad, backward_hooks) and _rebuild_parameter_with_state(…, state).
  const data = args[0];
  if (!(data instanceof TorchTensorReference)) throw new TypeError(`a parameter must wrap a tensor, not ${describe(data)}`);
  return new TorchTensorReference(data.storage, data.storageOffset, data.shape, data.stride, args[1] === true, true);
}

function orderedDict(args: readonly unknown[]): Map<unknown, unknown> {
  const map = new Map<unknown, unknown>();
  const items = args[0];
  if (items === undefined || items === null) return map;
  if (items instanceof Map) return new Map(items);
  if (!Array.isArray(items)) throw new TypeError(`OrderedDict expects a list of pairs, not ${describe(items)}`);
  for (const pair of items) {
    if (!Array.isArray(pair) || pair.length !== 2) throw new TypeError(`OrderedDict expects (key, value) pairs, not ${describe(pair)}`);
    map.set(pair[0], pair[1]);
  }
  return map;
}

function pySet(args: readonly unknown[]): Set<unknown> {
  const items = args[0];
  if (items === undefined) return new Set();
  if (Array.isArray(items) || items instanceof Set) return new Set(items);
  throw new TypeError(`set expects a sequence, not ${describe(items)}`);
}

const STORAGE_DTYPES: readonly [string, DType][] = [
  ['FloatStorage', 'float32'], ['DoubleStorage', 'float64'], ['HalfStorage', 'float16'], ['BFloat16Storage', 'bfloat16'],
  ['LongStorage', 'int64'], ['IntStorage', 'int32'], ['ShortStorage', 'int16'], ['CharStorage', 'int8'],
  ['ByteStorage', 'uint8'], ['BoolStorage', 'bool'],
];

function buildTorchGlobals(): Map<string, PyGlobal> {
  const table = new Map<string, PyGlobal>();
  const add = (qualifiedName: string, construct?: (args: readonly unknown[]) => unknown): void => {
    table.set(qualifiedName, new PyGlobal(qualifiedName, construct));
  };
  add('torch._utils._rebuild_tensor_v2', rebuildTensor);
  add('torch._utils._rebuild_tensor', rebuildTensor);
  add('torch._utils._rebuild_parameter', rebuildParameter);
  add('torch._utils._rebuild_parameter_with_state', rebuildParameter);
  // _rebuild_from_type_v2(func, new_type, args, state): torch ≥ 1.12 for tensors that carry Python state.
  add('torch._tensor._rebuild_from_type_v2', (args) => {
    const [func, , funcArgs] = args;
    if (!(func instanceof PyGlobal) || func.construct === undefined || !Array.isArray(funcArgs)) {
      throw new TypeError(`_rebuild_from_type_v2 expects an allowed rebuild function, not ${describe(func)}`);
    }
    return func.construct(funcArgs);
  });
  add('torch.Tensor');
  add('torch.nn.parameter.Parameter');
  add('torch.Size', (args) => Object.freeze(expectIntList(args[0] ?? [], 'torch.Size')));
  for (const [name] of STORAGE_DTYPES) add(`torch.${name}`);
  add('collections.OrderedDict', orderedDict);
  // NumPy scalars and arrays (module renamed numpy._core in NumPy 2); see pickle-numpy.ts.
  for (const core of ['numpy.core.multiarray', 'numpy._core.multiarray']) {
    add(`${core}.scalar`, numpyScalar);
    add(`${core}._reconstruct`, numpyReconstruct);
  }
  add('numpy.dtype', numpyDType);
  add('numpy.ndarray');
  // Protocols 0–2 write Python 3 bytes as _codecs.encode(text, 'latin1'): a pure conversion, safe to honour.
  add('_codecs.encode', (args) => {
    const [text, encoding] = args;
    if (typeof text !== 'string' || (encoding !== 'latin1' && encoding !== 'latin-1')) {
      throw new TypeError(`only _codecs.encode(str, 'latin1') is supported, not encoding ${String(encoding)}`);
    }
    return Uint8Array.from(text, (c) => c.charCodeAt(0) & 0xff);
  });
  for (const builtins of ['builtins', '__builtin__']) {
    add(`${builtins}.set`, pySet);
    add(`${builtins}.frozenset`, pySet);
  }
  return table;
}

/** The default allow-list: everything a `torch.save`d state dict or checkpoint of plain values needs. */
export const TORCH_GLOBALS: ReadonlyMap<string, PyGlobal> = buildTorchGlobals();

const STORAGE_TYPES: ReadonlyMap<string, TorchStorageType> = new Map(
  STORAGE_DTYPES.map(([name, dtype]) => [`torch.${name}`, new TorchStorageType(`torch.${name}`, dtype)]),
);

/** The element dtype of a storage-type global found in a persistent id, or undefined when it is not one. */
export function storageTypeOf(value: unknown): TorchStorageType | undefined {
  return value instanceof PyGlobal ? STORAGE_TYPES.get(value.qualifiedName) : undefined;
}
