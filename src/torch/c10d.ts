/**
 * c10d, libtorch's distributed engine, as typed handles: a key-value store that the processes of a job meet in
 * (TCPStore, or FileStore on a shared file system), the Gloo process group, and its collectives on tensors.
 * A collective starts at once and returns a `Work`; `await work.wait(timeoutMs)` settles when it completes,
 * fails (a peer closed its connection) or outlives the timeout, and leaves the event loop free meanwhile.
 * Policy (what to synchronise, buckets, averaging, fault diagnosis) lives in src/distributed.
 */
import { native, type NativeProcessGroup, type NativeReduceOp, type NativeStore, type NativeWork } from './binding.ts';
import { checkInteger, checkOneOf, invalidArgument } from '../util/check.ts';
import { rethrow } from './dispatch.ts';
import type { Tensor } from './tensor.ts';

const MAX_TIMEOUT_MS = 2 ** 31 - 1;
const checkTimeout = (name: string, value: unknown): number => checkInteger(name, value, 1, MAX_TIMEOUT_MS);

function call<T>(fn: () => T): T {
  try { return fn(); } catch (error) { return rethrow(error); }
}

/** A key-value store shared by every process of a job (string values). */
export class Store {
  private constructor(readonly handle: NativeStore, readonly description: string) {}

  /**
   * A store in one file that every process can open (tests; a shared file system).
   * @example const store = Store.file('/tmp/job-store', 2);
   */
  static file(path: string, worldSize: number): Store {
    if (typeof path !== 'string' || path === '') throw invalidArgument('path', 'a file path', path);
    checkInteger('worldSize', worldSize, 1);
    return new Store(call(() => native.createFileStore(path, worldSize)), `file store ${path}`);
  }

  /**
   * A TCP store: the server (one process, normally rank 0) listens on host:port; clients connect, retrying
   * until `timeoutMs`. Blocks until connected.
   * @throws NativeError when the server cannot listen or a client cannot connect in time.
   */
  static tcp(options: { host: string; port: number; worldSize: number; isServer: boolean; timeoutMs: number }): Store {
    const { host, port, worldSize, isServer, timeoutMs } = options;
    if (typeof host !== 'string' || host === '') throw invalidArgument('host', 'a host name or address', host);
    checkInteger('port', port, 1, 65535);
    checkInteger('worldSize', worldSize, 1);
    checkTimeout('timeoutMs', timeoutMs);
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-boolean-literal-compare -- a JavaScript caller's non-boolean isServer counts as false
    return new Store(call(() => native.createTcpStore(host, port, worldSize, isServer === true, timeoutMs)), `TCP store ${host}:${port}`);
  }

  set(key: string, value: string): void { call(() => native.storeSet(this.handle, key, value)); }
  /** The value of `key`, waiting for it up to the store's timeout. */
  get(key: string): string { return call(() => native.storeGet(this.handle, key)); }
  /** Adds `delta` to the counter `key` (created at 0) and returns the new value. */
  add(key: string, delta: number): number { return call(() => native.storeAdd(this.handle, key, checkInteger('delta', delta))); }
  /** Whether every key is set, without waiting. */
  check(keys: string[]): boolean { return call(() => native.storeCheck(this.handle, keys)); }
  /** How long get() waits for a key. */
  setTimeout(timeoutMs: number): void { call(() => native.storeSetTimeout(this.handle, checkTimeout('timeoutMs', timeoutMs))); }
}

/** One collective in flight. */
export class Work {
  constructor(readonly handle: NativeWork) {}
  /**
   * Resolves when the collective has completed on this rank.
   * @throws NativeError "<collective>: <reason>" when it failed or did not complete within timeoutMs.
   */
  wait(timeoutMs: number): Promise<void> {
    return native.workWait(this.handle, checkTimeout('timeoutMs', timeoutMs)).catch(rethrow);
  }
  get isCompleted(): boolean { return native.workIsCompleted(this.handle); }
}

export type ReduceOp = NativeReduceOp;
const REDUCE_OPS: readonly ReduceOp[] = ['sum', 'product', 'min', 'max'];

/** Where Gloo binds its sockets: a network interface (GLOO_SOCKET_IFNAME), an address, or this host's name. */
export type GlooDevice = { interface: string } | { hostname: string } | 'default';

/** Tensors a collective reads and writes: dense, contiguous, on the CPU for Gloo. */
function checkCollectiveTensor(name: string, tensor: Tensor): Tensor {
  if (!tensor.isContiguous()) throw invalidArgument(name, 'a contiguous tensor', tensor);
  return tensor;
}

/** The Gloo process group of `worldSize` processes; this one is `rank`. */
export class ProcessGroupGloo {
  private constructor(readonly handle: NativeProcessGroup, readonly rank: number, readonly worldSize: number) {}

  /**
   * Meets the other ranks through `store` (blocks until every rank has arrived or `timeoutMs` passed). The
   * timeout also bounds each of Gloo's own transfers.
   * @example const group = ProcessGroupGloo.create(store, { rank: 0, worldSize: 2, timeoutMs: 60_000 });
   */
  static create(store: Store, options: { rank: number; worldSize: number; timeoutMs: number; device?: GlooDevice }): ProcessGroupGloo {
    const worldSize = checkInteger('worldSize', options.worldSize, 1);
    const rank = checkInteger('rank', options.rank, 0, worldSize - 1);
    const timeoutMs = checkTimeout('timeoutMs', options.timeoutMs);
    const device = options.device ?? 'default';
    const [kind, name] = device === 'default' ? ['default', null] as const
      : 'interface' in device ? ['interface', device.interface] as const : ['hostname', device.hostname] as const;
    return new ProcessGroupGloo(call(() => native.createProcessGroupGloo(store.handle, rank, worldSize, timeoutMs, kind, name)), rank, worldSize);
  }

  // c10d takes a list of tensors for one tensor per local device; medslip runs one device per process, so
  // each collective moves one tensor (callers pack several into one flat tensor: src/distributed).

  /** Reduces `tensor` over every rank, in place (Gloo has no average: divide afterwards). */
  allreduce(tensor: Tensor, op: ReduceOp = 'sum'): Work {
    checkOneOf('op', op, REDUCE_OPS);
    const handle = checkCollectiveTensor('tensor', tensor).handle;
    return new Work(call(() => native.allreduce(this.handle, [handle], op)));
  }

  /** Copies `rootRank`'s tensor into every other rank's, in place. */
  broadcast(tensor: Tensor, rootRank: number): Work {
    checkInteger('rootRank', rootRank, 0, this.worldSize - 1);
    const handle = checkCollectiveTensor('tensor', tensor).handle;
    return new Work(call(() => native.broadcast(this.handle, [handle], rootRank)));
  }

  /** outputs[r] receives rank r's `input` (one output per rank, each shaped like input). */
  allgather(outputs: Tensor[], input: Tensor): Work {
    if (outputs.length !== this.worldSize) throw invalidArgument('outputs', `${this.worldSize} tensors (one per rank)`, outputs, true);
    const handles = outputs.map((t, i) => checkCollectiveTensor(`outputs[${i}]`, t).handle);
    return new Work(call(() => native.allgather(this.handle, handles, checkCollectiveTensor('input', input).handle)));
  }

  /** Completes when every rank has called barrier(). */
  barrier(): Work {
    return new Work(call(() => native.barrier(this.handle)));
  }
}
