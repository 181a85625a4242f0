/**
 * The only module that loads the native addon (native/build/Release/medslip.node). Everything else reaches
 * libtorch through the typed facade in this folder.
 */
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** A native tensor handle: the slot number of one at::Tensor reference in the addon's table. */
export type NativeTensor = number & { readonly __nativeTensor: unique symbol };
/** An opaque native generator handle. */
export interface NativeGenerator { readonly __nativeGenerator: unique symbol }
/** Opaque c10d handles: a store, a process group, one collective in flight. */
export interface NativeStore { readonly __nativeStore: unique symbol }
export interface NativeProcessGroup { readonly __nativeProcessGroup: unique symbol }
export interface NativeWork { readonly __nativeWork: unique symbol }
export type NativeReduceOp = 'sum' | 'product' | 'min' | 'max';

export type NativeValue = NativeTensor | NativeValue[] | number | boolean | string | null;

export interface NativeBinding {
  fromTypedArray(array: ArrayBufferView, shape: number[], scalarType: number): NativeTensor;
  toBuffer(tensor: NativeTensor): ArrayBuffer;
  info(tensor: NativeTensor): [number[], number, string, boolean];
  strides(tensor: NativeTensor): number[];
  isContiguous(tensor: NativeTensor): boolean;
  isLeaf(tensor: NativeTensor): boolean;
  gradFn(tensor: NativeTensor): string | null;
  item(tensor: NativeTensor): number;
  dispose(tensor: NativeTensor): void;
  isDisposed(tensor: NativeTensor): boolean;
  sameTensor(a: NativeTensor, b: NativeTensor): boolean;
  counters(): { tensors: number; bytes: number };
  opHandle(name: string, overload: string): number;
  callOp(id: number, args: unknown[]): NativeValue;
  opSchema(id: number): string;
  opSignature(id: number): { names: string[]; arguments: string[]; returns: string[] };
  backward(tensors: NativeTensor[], grads: (NativeTensor | null)[], retainGraph?: boolean, createGraph?: boolean): void;
  grad(tensor: NativeTensor): NativeTensor | null;
  setGrad(tensor: NativeTensor, grad: NativeTensor | null): void;
  setRequiresGrad(tensor: NativeTensor, requiresGrad: boolean): void;
  retainGrad(tensor: NativeTensor): void;
  setGradEnabled(enabled: boolean): boolean;
  isGradEnabled(): boolean;
  enterInferenceMode(): void;
  exitInferenceMode(): void;
  isInferenceMode(): boolean;
  enterAutocast(deviceType: 'cpu' | 'cuda', dtypeCode: number): void;
  exitAutocast(): void;
  createGenerator(seed: number, device: string): NativeGenerator;
  generatorSeed(generator: NativeGenerator, seed: number): void;
  manualSeed(seed: number): void;
  getRngState(device: string): Uint8Array;
  setRngState(device: string, state: Uint8Array): void;
  setNumThreads(threads: number): void;
  getNumThreads(): number;
  versions(): { libtorch: string; cudaAvailable: boolean; cudaDevices: number; mklAvailable: boolean; openmpAvailable: boolean };
  buildConfig(): { config: string; parallel: string };
  blasInfo(): { openblas: boolean; coreName?: string; config?: string; threads?: number };
  synchronize(device: string): void;
  releaseFreeMemory(): boolean;
  profileStart(path: string): void;
  profileStop(): void;
  tf32(): { cudnn: boolean; cublas: boolean };
  setTf32(cudnn: boolean, cublas: boolean): void;
  createFileStore(path: string, worldSize: number): NativeStore;
  createTcpStore(host: string, port: number, worldSize: number, isServer: boolean, timeoutMs: number): NativeStore;
  storeSet(store: NativeStore, key: string, value: string): void;
  storeGet(store: NativeStore, key: string): string;
  storeAdd(store: NativeStore, key: string, delta: number): number;
  storeCheck(store: NativeStore, keys: string[]): boolean;
  storeSetTimeout(store: NativeStore, timeoutMs: number): void;
  createProcessGroupGloo(store: NativeStore, rank: number, size: number, timeoutMs: number,
    device: 'interface' | 'hostname' | 'default', deviceName: string | null): NativeProcessGroup;
  allreduce(group: NativeProcessGroup, tensors: NativeTensor[], op: NativeReduceOp): NativeWork;
  broadcast(group: NativeProcessGroup, tensors: NativeTensor[], rootRank: number): NativeWork;
  allgather(group: NativeProcessGroup, outputs: NativeTensor[], input: NativeTensor): NativeWork;
  barrier(group: NativeProcessGroup): NativeWork;
  workWait(work: NativeWork, timeoutMs: number): Promise<void>;
  workIsCompleted(work: NativeWork): boolean;
}

const packageRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const addonPath = join(packageRoot, 'native', 'build', 'Release', 'medslip.node');

function load(): NativeBinding {
  const require = createRequire(import.meta.url);
  try {
    return require(addonPath) as NativeBinding;
  } catch (error) {
    const reason = existsSync(addonPath) ? (error as Error).message : `${addonPath} does not exist`;
    throw new Error([
      `Could not load the medslip libtorch addon: ${reason}`,
      'Possible solutions:',
      '- Run `npm run setup` (installs libtorch and builds the addon).',
      '- Install libtorch: `apt-get install --no-install-recommends libtorch-dev libgloo-dev libopenblas0-pthread` (Debian/Ubuntu),',
      '  or set LIBTORCH to an unpacked libtorch folder, then `npm run build:native`.',
    ].join('\n'));
  }
}

export const native: NativeBinding = load();
