/**
 * A loader worker: opens its own copy of the source from `workerData` (class instances cannot cross threads),
 * then answers load requests (up to two at a time, see pool.ts) with the item's buffers transferred, not copied.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { transferListOf } from './items.ts';
import type { LoadRequest, WorkerInit, WorkerReply } from './protocol.ts';
import { openSource, type SampleSource } from './sources.ts';

const port = parentPort;
if (port === null) throw new Error('src/data/loader/worker.ts runs inside a worker thread started by BatchLoader');
const init = workerData as WorkerInit;

const reply = (message: WorkerReply, transfer: ArrayBuffer[] = []): void => port.postMessage(message, transfer);

let source: SampleSource | undefined;
try {
  // The main thread already checked that the files exist.
  source = await openSource(init.source, init.transform, { seed: init.seed, checkFiles: false });
  if (source.length !== init.length) {
    // The data changed on disk after the main thread opened it: positions would name other samples.
    throw new Error(`${source.name} has ${source.length} samples here but had ${init.length} when the loader opened it`);
  }
  reply({ type: 'ready' });
} catch (error) {
  source = undefined;
  // The pool terminates this worker on receipt; with no message listener it would end by itself anyway.
  reply({ type: 'init-error', message: (error as Error).message ?? String(error) });
}

if (source !== undefined) {
  const opened = source;
  port.on('message', (request: LoadRequest) => {
    opened.load(request.index, request.epoch).then(
      (item) => reply({ type: 'item', task: request.task, item }, transferListOf(item)),
      (error: unknown) => reply({ type: 'error', task: request.task, message: (error as Error).message ?? String(error) }),
    );
  });
}
