/**
 * PyTorch `torch.save` files, read without Python and without running any pickled code (see pickle.ts):
 * - the zip format (torch ≥ 1.6): `<archive>/data.pkl` whose persistent ids
 *   ('storage', storage_type, key, location, numel) name the entries `<archive>/data/<key>`;
 * - the legacy format (torch < 1.6, or `_use_new_zipfile_serialization=False`): back-to-back pickles — magic
 *   number, protocol version, sys_info, the object (persistent ids ('storage', storage_type, root_key, location,
 *   numel, view_metadata)), the list of storage keys — then each storage as an int64 element count and its raw
 *   little-endian bytes.
 * Both mirror torch/serialization.py (`_load`, `_legacy_load`) of PyTorch 1.13. Tensors come back as contiguous
 * RawTensors: storage offsets and strides (transposes, slices, expands) are materialised element by element.
 */
import { bufferByteReader, fileByteReader, isZip, readZipDirectory, readZipEntry, type ByteReader } from './zip.ts';
import { storageTypeOf, TorchTensorReference, unpickleAt } from './pickle.ts';
import { allocateData, dataFromBytes, ITEM_SIZE, numel, type DType, type RawTensor } from './raw-tensor.ts';
import type { FileInput } from './source.ts';

/** A storage's bytes (one per key, shared by every tensor that views it) and the dtype it was saved with. */
class LoadedStorage {
  bytes: Uint8Array | undefined;
  constructor(readonly key: string, readonly dtype: DType, readonly numel: number) {}
}

/** What a persistent id resolves to: a storage, or (legacy files only) an element range of one. */
class StorageView {
  constructor(readonly root: LoadedStorage, readonly elementOffset: number, readonly length: number | undefined) {}
}

const LEGACY_MAGIC = 0x1950a86a20f9469cfc6cn;
const LEGACY_PROTOCOL = 1001;

function openInput(input: FileInput): ByteReader {
  if (typeof input === 'string' && input.length > 0) return fileByteReader(input);
  if (input instanceof Uint8Array) return bufferByteReader(input);
  throw new TypeError(`Expected a non-empty string or a Uint8Array for path but received ${JSON.stringify(input)}`);
}

function parseStorageId(pid: unknown, fields: number): { dtype: DType; key: string; numel: number; rest: unknown[] } {
  if (!Array.isArray(pid) || pid[0] !== 'storage' || pid.length < fields) {
    const kind = Array.isArray(pid) ? JSON.stringify(String(pid[0])) : typeof pid;
    throw new Error(`unsupported persistent id ${kind}: expected a ('storage', type, key, location, numel…) tuple`);
  }
  const storageType = storageTypeOf(pid[1]);
  if (storageType === undefined) throw new Error(`persistent id names ${String((pid[1] as { qualifiedName?: string })?.qualifiedName ?? pid[1])}, not a known storage type`);
  const count: unknown = pid[4];
  if (typeof count !== 'number' || !Number.isSafeInteger(count) || count < 0) throw new Error(`storage ${String(pid[2])} has an invalid size ${String(count)}`);
  return { dtype: storageType.dtype, key: String(pid[2]), numel: count, rest: pid.slice(5) };
}

/**
 * Reads a `torch.save` file (zip or legacy) and returns the unpickled object, with every tensor as a RawTensor.
 * Python dicts become Maps, lists arrays, tuples frozen arrays (see pickle.ts for the full mapping).
 * @example const checkpoint = readTorchFile('checkpoint.pth') as Map<string, unknown>
 * @throws Error naming the file: not a torch file, a refused pickle global, a missing or short storage
 */
export function readTorchFile(input: FileInput): unknown {
  const reader = openInput(input);
  try {
    return isZip(reader) ? readZipFormat(reader) : readLegacyFormat(reader);
  } finally {
    reader.close();
  }
}

function readZipFormat(reader: ByteReader): unknown {
  const entries = readZipDirectory(reader);
  const pickleEntry = [...entries.values()].find((e) => e.name === 'data.pkl' || e.name.endsWith('/data.pkl'));
  if (pickleEntry === undefined) throw new Error(`${reader.name} is a zip archive but not a PyTorch checkpoint: no data.pkl entry`);
  const prefix = pickleEntry.name.slice(0, -'data.pkl'.length);
  const byteOrder = entries.get(`${prefix}byteorder`);
  if (byteOrder !== undefined) {
    const order = Buffer.from(readZipEntry(reader, byteOrder)).toString('utf8').trim();
    if (order !== 'little') throw new Error(`${reader.name} stores ${order}-endian tensors; only little-endian is supported`);
  }
  const storages = new Map<string, LoadedStorage>();
  const persistentLoad = (pid: unknown): StorageView => {
    const { dtype, key, numel: count } = parseStorageId(pid, 5);
    let storage = storages.get(key);
    if (storage === undefined) {
      const entry = entries.get(`${prefix}data/${key}`);
      if (entry === undefined) throw new Error(`storage ${key} is missing (no entry ${prefix}data/${key})`);
      storage = new LoadedStorage(key, dtype, count);
      storage.bytes = readZipEntry(reader, entry);
      if (storage.bytes.byteLength < count * ITEM_SIZE[dtype]) {
        throw new Error(`storage ${key} holds ${storage.bytes.byteLength} bytes but ${count} × ${dtype} need ${count * ITEM_SIZE[dtype]}`);
      }
      storages.set(key, storage);
    }
    return new StorageView(storage, 0, undefined);
  };
  const pickle = readZipEntry(reader, pickleEntry);
  const { value } = unpickleAt(pickle, 0, { persistentLoad, name: `${reader.name} (${pickleEntry.name})` });
  return materialise(value, reader.name);
}

function readLegacyFormat(reader: ByteReader): unknown {
  const bytes = reader.read(0, reader.size);
  const name = reader.name;
  const notTorch = (): never => {
    throw new Error(`${name} is not a PyTorch file: neither a zip archive nor a legacy torch.save stream`);
  };
  let magic: { value: unknown; end: number };
  try {
    magic = unpickleAt(bytes, 0, { name });
  } catch {
    return notTorch();
  }
  if (magic.value !== LEGACY_MAGIC) notTorch();
  const protocol = unpickleAt(bytes, magic.end, { name });
  if (protocol.value !== LEGACY_PROTOCOL) throw new Error(`${name}: legacy protocol version ${String(protocol.value)}, expected ${LEGACY_PROTOCOL}`);
  const sysInfo = unpickleAt(bytes, protocol.end, { name });
  if (sysInfo.value instanceof Map && sysInfo.value.get('little_endian') === false) {
    throw new Error(`${name} was saved on a big-endian machine; only little-endian files are supported`);
  }

  const storages = new Map<string, LoadedStorage>();
  const persistentLoad = (pid: unknown): StorageView => {
    const { dtype, key, numel: count, rest } = parseStorageId(pid, 6);
    let root = storages.get(key);
    if (root === undefined) {
      root = new LoadedStorage(key, dtype, count);
      storages.set(key, root);
    }
    // view_metadata (view_key, offset, size): a slice of the root storage, offsets in elements.
    const viewMetadata = rest[0];
    if (Array.isArray(viewMetadata)) {
      const [, offset, size] = viewMetadata as unknown[];
      if (typeof offset !== 'number' || typeof size !== 'number') throw new Error(`storage ${key} has a malformed view`);
      return new StorageView(root, offset, size);
    }
    return new StorageView(root, 0, undefined);
  };
  const main = unpickleAt(bytes, sysInfo.end, { name, persistentLoad });
  const keyList = unpickleAt(bytes, main.end, { name });
  if (!Array.isArray(keyList.value)) throw new Error(`${name}: the legacy storage key list is missing`);

  // The storages follow in key-list order, each as an int64 element count then its bytes.
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let position = keyList.end;
  for (const rawKey of keyList.value as unknown[]) {
    const key = String(rawKey);
    const storage = storages.get(key);
    if (storage === undefined) throw new Error(`${name}: storage ${key} is listed but no tensor uses it`);
    if (position + 8 > bytes.byteLength) throw new Error(`${name} is truncated: storage ${key} is missing`);
    const count = Number(view.getBigInt64(position, true));
    const byteLength = count * ITEM_SIZE[storage.dtype];
    position += 8;
    if (position + byteLength > bytes.byteLength) {
      throw new Error(`${name} is truncated: storage ${key} needs ${byteLength} bytes, ${bytes.byteLength - position} remain`);
    }
    storage.bytes = bytes.subarray(position, position + byteLength);
    position += byteLength;
  }
  return materialise(main.value, name);
}

/** Replaces every TorchTensorReference in an unpickled value by a RawTensor (containers are updated in place). */
function materialise(value: unknown, name: string): unknown {
  const seen = new Set<unknown>();
  const visit = (item: unknown): unknown => {
    if (item instanceof TorchTensorReference) return tensorFromReference(item, name);
    if (typeof item !== 'object' || item === null || seen.has(item)) return item;
    seen.add(item);
    if (item instanceof Map) {
      for (const [key, entry] of item) item.set(key, visit(entry));
    } else if (Array.isArray(item)) {
      if (Object.isFrozen(item)) {
        // Tuples are frozen: rebuild when one holds a tensor.
        const rebuilt = item.map(visit);
        return rebuilt.every((entry, i) => entry === item[i]) ? item : Object.freeze(rebuilt);
      }
      for (let i = 0; i < item.length; i++) item[i] = visit(item[i]);
    } else if (item instanceof Set) {
      const entries = [...item];
      item.clear();
      for (const entry of entries) item.add(visit(entry));
    }
    return item;
  };
  return visit(value);
}

function tensorFromReference(ref: TorchTensorReference, name: string): RawTensor {
  if (!(ref.storage instanceof StorageView)) throw new Error(`${name}: a tensor's storage is not a saved storage`);
  const { root, elementOffset } = ref.storage;
  const dtype = root.dtype;
  const itemSize = ITEM_SIZE[dtype];
  if (root.bytes === undefined) throw new Error(`${name}: storage ${root.key} has no data`);
  const storageLength = ref.storage.length ?? root.bytes.byteLength / itemSize - elementOffset;
  const shape = [...ref.shape];
  const count = numel(shape);
  const offset = elementOffset + ref.storageOffset;
  if (count === 0) return { dtype, shape, data: allocateData(dtype, 0) };

  // Bounds: the furthest element this view reaches must lie inside its storage.
  let last = ref.storageOffset;
  for (let d = 0; d < shape.length; d++) {
    if (ref.stride[d] < 0) throw new Error(`${name}: negative stride in storage ${root.key}`);
    last += (shape[d] - 1) * ref.stride[d];
  }
  if (ref.storageOffset < 0 || last >= storageLength) {
    throw new Error(`${name}: a tensor of shape [${shape.join(', ')}] reaches element ${last} of storage ${root.key}, which holds ${storageLength}`);
  }

  let contiguous = true;
  for (let d = shape.length - 1, expected = 1; d >= 0; d--) {
    if (shape[d] !== 1 && ref.stride[d] !== expected) contiguous = false;
    expected *= shape[d];
  }
  if (contiguous) {
    return { dtype, shape, data: dataFromBytes(dtype, root.bytes.subarray(offset * itemSize, (offset + count) * itemSize)) };
  }
  // A strided view: gather element by element, walking the index like an odometer (last dimension fastest).
  const source = dataFromBytes(dtype, root.bytes.subarray(offset * itemSize, (offset + last - ref.storageOffset + 1) * itemSize));
  const data = allocateData(dtype, count);
  const rank = shape.length;
  const index = new Array<number>(rank).fill(0);
  const innerSize = shape[rank - 1];
  const innerStride = ref.stride[rank - 1];
  let base = 0;
  for (let out = 0; out < count; out += innerSize) {
    for (let j = 0, at = base; j < innerSize; j++, at += innerStride) data[out + j] = source[at];
    for (let d = rank - 2; d >= 0; d--) {
      index[d]++;
      base += ref.stride[d];
      if (index[d] < shape[d]) break;
      base -= index[d] * ref.stride[d];
      index[d] = 0;
    }
  }
  return { dtype, shape, data };
}

export interface TorchCheckpoint {
  /** Parameter and buffer tensors by PyTorch name (a DataParallel `module.` prefix removed). */
  stateDict: Map<string, RawTensor>;
  /**
   * Every other top-level entry (epoch, config, optimizer, …). Dicts whose keys are all strings become plain
   * objects, recursively; other dicts stay Maps (an optimizer's state is keyed by integers).
   */
  entries: Record<string, unknown>;
  /** Where the state dict was found: "model", "state_dict", or "" for a file that is a bare state dict. */
  stateDictKey: string;
  /** Whether a `module.` prefix was removed from every key. */
  strippedModulePrefix: boolean;
}

function isRawTensor(value: unknown): value is RawTensor {
  return typeof value === 'object' && value !== null && 'dtype' in value && 'shape' in value && 'data' in value
    && ArrayBuffer.isView((value as RawTensor).data);
}

/**
 * Dicts with string keys → plain objects, recursively; tensors, arrays and everything else kept. Shared and
 * cyclic references (which pickles can hold) convert once and stay shared.
 */
export function toPlain(value: unknown, converted = new Map<object, unknown>()): unknown {
  if (typeof value !== 'object' || value === null || isRawTensor(value)) return value;
  if (converted.has(value)) return converted.get(value);
  if (value instanceof Map) {
    if ([...value.keys()].every((k) => typeof k === 'string')) {
      const object: Record<string, unknown> = {};
      converted.set(value, object);
      // defineProperty, so that a key such as "__proto__" stays an ordinary entry.
      for (const [k, v] of value) {
        Object.defineProperty(object, k as string, { value: toPlain(v, converted), enumerable: true, writable: true, configurable: true });
      }
      return object;
    }
    const map = new Map<unknown, unknown>();
    converted.set(value, map);
    for (const [k, v] of value) map.set(k, toPlain(v, converted));
    return map;
  }
  if (Array.isArray(value)) {
    const array: unknown[] = [];
    converted.set(value, array);
    for (const item of value) array.push(toPlain(item, converted));
    return Object.isFrozen(value) ? Object.freeze(array) : array;
  }
  return value;
}

/**
 * Reads a checkpoint and separates its state dict from the rest. Accepts `{"model": state_dict, …}` (the
 * reference's layout), `{"state_dict": state_dict, …}`, and a bare state dict; strips `module.` when every key
 * carries it (a model saved from DataParallel/DistributedDataParallel).
 * @example const { stateDict, entries } = loadCheckpoint('checkpoint.pth'); entries.epoch
 * @throws Error naming the file when no state dict is found or an entry of it is not a tensor
 */
export function loadCheckpoint(input: FileInput): TorchCheckpoint {
  const name = typeof input === 'string' ? input : '<buffer>';
  const top = readTorchFile(input);
  if (!(top instanceof Map)) throw new Error(`${name}: expected a dict at the top of the checkpoint but found ${describeValue(top)}`);
  let stateDictKey: string;
  let raw: Map<unknown, unknown>;
  if (top.size > 0 && [...top.values()].every(isRawTensor)) {
    stateDictKey = '';
    raw = top;
  } else {
    const key = ['model', 'state_dict'].find((k) => top.get(k) instanceof Map);
    if (key === undefined) {
      throw new Error(`${name}: expected a state dict, or a dict with a "model" or "state_dict" entry; found keys ${[...top.keys()].map(String).join(', ')}`);
    }
    stateDictKey = key;
    raw = top.get(key) as Map<unknown, unknown>;
  }
  const stateDict = new Map<string, RawTensor>();
  for (const [key, value] of raw) {
    if (typeof key !== 'string') throw new Error(`${name}: state dict key ${String(key)} is not a string`);
    if (!isRawTensor(value)) throw new Error(`${name}: state dict entry "${key}" is ${describeValue(value)}, expected a tensor`);
    stateDict.set(key, value);
  }
  const keys = [...stateDict.keys()];
  const strippedModulePrefix = keys.length > 0 && keys.every((k) => k.startsWith('module.'));
  const finalStateDict = strippedModulePrefix
    ? new Map([...stateDict].map(([k, v]) => [k.slice('module.'.length), v]))
    : stateDict;
  // fromEntries defines properties, so a key such as "__proto__" stays an ordinary entry.
  const entries: Record<string, unknown> = Object.fromEntries(
    [...top].filter(([key]) => stateDictKey !== '' && key !== stateDictKey).map(([key, value]) => [String(key), toPlain(value)]),
  );
  return { stateDict: finalStateDict, entries, stateDictKey, strippedModulePrefix };
}

/** The state dict of a checkpoint (see `loadCheckpoint` for the accepted layouts). */
export function loadStateDict(input: FileInput): Map<string, RawTensor> {
  return loadCheckpoint(input).stateDict;
}

function describeValue(value: unknown): string {
  if (value === null) return 'None';
  if (Array.isArray(value)) return `a sequence of ${value.length}`;
  if (typeof value === 'object') return `a ${value.constructor?.name ?? 'object'}`;
  return `a ${typeof value}`;
}
