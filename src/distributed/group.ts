/**
 * The job's process group as training code uses it: collectives with a timeout that fail with an error naming
 * the rank to blame, never a silent hang.
 *
 * How the rank is found: before each collective a rank writes its collective count to the store
 * (`medslip/progress/<rank>`; one small TCP message). When a collective fails or times out, the rank reads the
 * others' counts: a rank behind this one has died or hung before reaching it; a rank that reported an error
 * (`medslip/failed/<rank>`) is named with its message; a store that no longer answers means rank 0, which keeps
 * it, has stopped.
 */
import * as torch from '../torch/index.ts';
import { ProcessGroupGloo, Store, type GlooDevice, type ReduceOp, type Work } from '../torch/c10d.ts';
import type { DistributedEnv } from './env.ts';

export interface GroupOptions {
  /** How long a collective (and the start-up rendezvous) may take before the job fails. */
  timeoutMs: number;
  /** Where Gloo binds (default: GLOO_SOCKET_IFNAME when set, else this host's name). */
  device?: GlooDevice;
}

/** A collective failed: `blamed` are the ranks found responsible (empty when none could be told). */
export class DistributedError extends Error {
  override name = 'DistributedError';
  constructor(message: string, readonly blamed: number[]) {
    super(message);
  }
}

const PROGRESS = 'medslip/progress/';
const FAILED = 'medslip/failed/';
/** How long the post-mortem waits for the store (it is only read after a failure). */
const DIAGNOSIS_TIMEOUT_MS = 3000;

function glooDeviceFromEnv(): GlooDevice {
  const name = process.env.GLOO_SOCKET_IFNAME;
  return name ? { interface: name.split(',')[0] } : 'default';
}

export class DistributedGroup {
  private collectives = 0;

  private constructor(readonly store: Store, readonly gloo: ProcessGroupGloo, private timeoutMs: number, private readonly storeHost: string) {}

  /** How long later collectives may take (the start-up may need longer, e.g. while rank 0 prepares data). */
  setTimeout(timeoutMs: number): void { this.timeoutMs = timeoutMs; }

  get rank(): number { return this.gloo.rank; }
  get worldSize(): number { return this.gloo.worldSize; }
  /** Rank 0: the one that writes checkpoints, logs and plots. */
  get isMain(): boolean { return this.gloo.rank === 0; }

  /**
   * Joins the job described by torchrun's variables: rank 0 keeps the TCP store at MASTER_ADDR:MASTER_PORT,
   * the others connect to it; all meet in the Gloo rendezvous.
   * @throws NativeError when the store or the rendezvous is not reached within timeoutMs.
   */
  static fromEnv(layout: DistributedEnv, options: GroupOptions): DistributedGroup {
    const store = Store.tcp({ host: layout.masterAddr, port: layout.masterPort, worldSize: layout.worldSize,
      isServer: layout.rank === 0, timeoutMs: options.timeoutMs });
    return DistributedGroup.fromStore(store, layout.rank, layout.worldSize, options, `rank 0 at ${layout.masterAddr}:${layout.masterPort}`);
  }

  /** Joins through an existing store (FileStore in tests; `storeHost` says who keeps it, for errors). */
  static fromStore(store: Store, rank: number, worldSize: number, options: GroupOptions, storeHost = store.description): DistributedGroup {
    const gloo = ProcessGroupGloo.create(store, { rank, worldSize, timeoutMs: options.timeoutMs, device: options.device ?? glooDeviceFromEnv() });
    return new DistributedGroup(store, gloo, options.timeoutMs, storeHost);
  }

  /** Reduces a tensor over the ranks, in place. `what` names the collective in errors ("the gradients of step 12"). */
  allreduce(tensor: torch.Tensor, op: ReduceOp, what: string): Promise<void> {
    return this.run(what, () => [this.gloo.allreduce(tensor, op)]);
  }

  /** Copies rank `root`'s tensor into everyone's, in place. */
  broadcast(tensor: torch.Tensor, root: number, what: string): Promise<void> {
    return this.run(what, () => [this.gloo.broadcast(tensor, root)]);
  }

  /** outputs[r] receives rank r's input. */
  allgather(outputs: torch.Tensor[], input: torch.Tensor, what: string): Promise<void> {
    return this.run(what, () => [this.gloo.allgather(outputs, input)]);
  }

  barrier(what: string): Promise<void> {
    return this.run(what, () => [this.gloo.barrier()]);
  }

  /**
   * Starts several collectives as one step of progress (the buckets of one gradient sync) and waits for all.
   * `start` is called once; the Works it returns run concurrently on Gloo's threads.
   */
  async run(what: string, start: () => Work[]): Promise<void> {
    const collective = ++this.collectives;
    this.store.set(`${PROGRESS}${this.rank}`, `${collective} ${what}`);
    const started = Date.now();
    const works = start(); // bad arguments throw here, before anything is sent
    try {
      await Promise.all(works.map((work) => work.wait(this.timeoutMs)));
    } catch (error) {
      // Waits that are still pending settle on their own; their outcome no longer matters.
      throw this.diagnose(what, collective, (Date.now() - started) / 1000, error as Error);
    }
  }

  /** Sums numbers over the ranks (float64), e.g. validation loss sums and counts. */
  async sum(values: number[], what: string): Promise<number[]> {
    const tensor = torch.tensor(values, { dtype: 'float64' });
    try {
      await this.allreduce(tensor, 'sum', what);
      return Array.from(tensor.toArray() as Float64Array);
    } finally {
      tensor.dispose();
    }
  }

  /** For each flag, whether any rank raised it (agreeing to stop at the same step). */
  async any(flags: boolean[], what: string): Promise<boolean[]> {
    return (await this.sum(flags.map((f) => (f ? 1 : 0)), what)).map((count) => count > 0);
  }

  /** Tells the other ranks why this one is about to stop, so that their errors can say it. */
  reportFailure(message: string): void {
    try { this.store.set(`${FAILED}${this.rank}`, message.slice(0, 2000)); } catch { /* the store may be gone too */ }
  }

  private diagnose(what: string, collective: number, seconds: number, cause: Error): DistributedError {
    const head = `${what} failed on rank ${this.rank} of ${this.worldSize} after ${seconds.toFixed(1)} s`;
    const findings: string[] = [];
    const blamed: number[] = [];
    try {
      this.store.setTimeout(DIAGNOSIS_TIMEOUT_MS);
      for (let rank = 0; rank < this.worldSize; rank++) {
        if (rank === this.rank) continue;
        if (this.store.check([`${FAILED}${rank}`])) {
          findings.push(`rank ${rank} stopped with: ${this.store.get(`${FAILED}${rank}`)}`);
          blamed.push(rank);
          continue;
        }
        if (!this.store.check([`${PROGRESS}${rank}`])) {
          findings.push(`rank ${rank} never reached a collective`);
          blamed.push(rank);
          continue;
        }
        const progress = this.store.get(`${PROGRESS}${rank}`);
        const reached = Number.parseInt(progress, 10);
        if (reached < collective) {
          findings.push(`rank ${rank} has died or hung before it: its last collective was #${reached} (${progress.slice(progress.indexOf(' ') + 1)}), this one is #${collective}`);
          blamed.push(rank);
        }
      }
    } catch {
      return new DistributedError(`${head}: ${cause.message}. The job's store (kept by ${this.storeHost}) no longer answers: rank 0 has stopped`, [0]);
    }
    const diagnosis = findings.length > 0 ? findings.join('; ')
      : 'every rank had reached this collective: a rank died inside it, or the network between ranks failed';
    return new DistributedError(`${head}: ${cause.message}. ${diagnosis}`, blamed);
  }
}
