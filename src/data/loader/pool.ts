/**
 * A fixed pool of loader worker threads with one FIFO queue of load tasks. Each worker holds at most
 * TASKS_PER_WORKER tasks: two, so that one sample's file read and decode (asynchronous, off the worker's
 * thread) overlap another's augmentation, while a slow sample queues little behind it when another worker is idle.
 *
 * Workers are `unref`'d whenever no task is queued or running: an idle pool never keeps the process alive,
 * so a program that forgets `close()` still exits. A worker that dies, or cannot open its source, fails every
 * queued and running task and the pool with it (later tasks reject at once); `terminate()` ends all workers.
 */
import { Worker } from 'node:worker_threads';
import type { LoaderItem } from './items.ts';
import type { LoadRequest, WorkerInit, WorkerReply } from './protocol.ts';
import { checkInteger } from '../../util/check.ts';

interface Task {
  id: number;
  index: number;
  epoch: number;
  resolve: (item: LoaderItem) => void;
  reject: (error: Error) => void;
}

interface Slot {
  worker: Worker;
  ready: boolean;
  running: Map<number, Task>;
}

const TASKS_PER_WORKER = 2;

const WORKER_ENTRY = new URL('./worker-entry.mjs', import.meta.url);

export class WorkerPool {
  private readonly slots: Slot[];
  private readonly queue: Task[] = [];
  private nextTask = 0;
  private failure: Error | undefined;
  private terminating = false;

  constructor(readonly size: number, init: WorkerInit) {
    checkInteger('workers', size, 1);
    this.slots = Array.from({ length: size }, (_, k) => this.spawn(k, init));
    this.updateRefs();
  }

  /** Loads sample `index` of `epoch` in the next free worker. */
  run(index: number, epoch: number): Promise<LoaderItem> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    if (this.terminating) return Promise.reject(new Error('the loader\'s workers were closed'));
    return new Promise<LoaderItem>((resolve, reject) => {
      this.queue.push({ id: this.nextTask++, index, epoch, resolve, reject });
      this.dispatch();
    });
  }

  /** Ends every worker; queued and running tasks reject. Safe to call more than once. */
  async terminate(): Promise<void> {
    if (!this.terminating) {
      this.terminating = true;
      this.failAll(new Error('the loader\'s workers were closed before the sample was loaded'));
    }
    // Referenced while they stop: an awaited terminate() of unreferenced workers can leave the event loop
    // empty before their exit arrives, and Node then ends the process with the await unsettled (exit code 13).
    for (const slot of this.slots) slot.worker.ref();
    await Promise.all(this.slots.map((slot) => slot.worker.terminate()));
  }

  private spawn(k: number, init: WorkerInit): Slot {
    // execArgv: [] keeps the parent's flags (--test, --import …) out of the worker; worker-entry.mjs loads tsx.
    const worker = new Worker(WORKER_ENTRY, { workerData: init, execArgv: [], name: `medslip-loader-${k}` });
    const slot: Slot = { worker, ready: false, running: new Map() };
    worker.on('message', (reply: WorkerReply) => this.onReply(slot, reply));
    worker.on('error', (error: Error) => this.fail(new Error(`loader worker ${k} failed: ${error.message}`, { cause: error })));
    worker.on('exit', (code) => {
      if (!this.terminating) this.fail(new Error(`loader worker ${k} exited unexpectedly (exit code ${code})`));
    });
    return slot;
  }

  private onReply(slot: Slot, reply: WorkerReply): void {
    switch (reply.type) {
      case 'ready':
        slot.ready = true;
        break;
      case 'init-error':
        this.fail(new Error(`a loader worker cannot open the source: ${reply.message}`));
        return;
      case 'item':
      case 'error': {
        const task = slot.running.get(reply.task);
        if (task === undefined) break;
        slot.running.delete(reply.task);
        if (reply.type === 'item') task.resolve(reply.item);
        else task.reject(new Error(reply.message));
        break;
      }
    }
    this.dispatch();
  }

  private dispatch(): void {
    // Round by round, so that tasks spread over the workers before any worker takes a second one.
    for (let round = 0; round < TASKS_PER_WORKER; round++) {
      for (const slot of this.slots) {
        if (this.queue.length === 0) break;
        if (!slot.ready || slot.running.size > round) continue;
        const task = this.queue.shift()!;
        slot.running.set(task.id, task);
        const request: LoadRequest = { type: 'load', task: task.id, index: task.index, epoch: task.epoch };
        slot.worker.postMessage(request);
      }
    }
    this.updateRefs();
  }

  // Busy workers keep the process alive (an epoch is being awaited); idle ones must not.
  private updateRefs(): void {
    if (this.terminating) return; // terminate() keeps them referenced until they have exited
    const busy = this.queue.length > 0 || this.slots.some((slot) => slot.running.size > 0);
    for (const slot of this.slots) {
      if (busy) slot.worker.ref();
      else slot.worker.unref();
    }
  }

  private fail(error: Error): void {
    if (this.terminating) return;
    this.failure ??= error;
    this.failAll(this.failure);
    this.terminating = true;
    for (const slot of this.slots) void slot.worker.terminate();
  }

  private failAll(error: Error): void {
    const tasks = [...this.queue.splice(0), ...this.slots.flatMap((slot) => [...slot.running.values()])];
    for (const slot of this.slots) slot.running.clear();
    for (const task of tasks) task.reject(error);
    this.updateRefs();
  }
}
