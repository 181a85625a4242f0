/**
 * Data parallelism as PyTorch's DistributedDataParallel does it: every rank holds a full copy of the model,
 * parameters and buffers are copied from rank 0 at the start, each rank runs its own shard of the batch, and
 * the gradients are averaged over ranks before the optimizer step, so every rank takes the same step.
 *
 * Gradients travel in buckets of about `bucketBytes` (DDP's 25 MiB), in reverse parameter order (the order in
 * which backward produces them): each bucket is packed into one flat tensor and its allreduce starts while the
 * next bucket is packed; Gloo runs them on its own threads.
 *
 * Deliberate differences from DDP:
 * - the allreduces start after backward rather than from autograd hooks during it: libtorch's CPU autograd runs
 *   on the JS thread, and calling JS from its hooks is not part of the addon's contract;
 * - a parameter that got no gradient on a rank counts as a zero gradient there (DDP needs
 *   find_unused_parameters=True for that case) and keeps no gradient if it had none.
 * BatchNorm buffers: `broadcastBuffers()` copies rank 0's running statistics to every rank before a forward
 * pass, as DDP's broadcast_buffers=True does (SyncBatchNorm is not provided).
 */
import * as torch from '../torch/index.ts';
import type { Module } from '../nn/module.ts';
import type { Work } from '../torch/c10d.ts';
import { TYPED_ARRAY } from '../torch/dtype.ts';
import type { DistributedGroup } from './group.ts';

/** DDP's default bucket size. */
export const DEFAULT_BUCKET_BYTES = 25 * 1024 * 1024;

/** Groups tensors, in the given order, into runs of one dtype of at most ~bucketBytes each. */
export function bucketsOf(tensors: torch.Tensor[], bucketBytes: number): torch.Tensor[][] {
  const buckets: torch.Tensor[][] = [];
  let current: torch.Tensor[] = [];
  let bytes = 0;
  for (const tensor of tensors) {
    const size = tensor.numel * TYPED_ARRAY[tensor.dtype].BYTES_PER_ELEMENT;
    if (current.length > 0 && (bytes + size > bucketBytes || current[0].dtype !== tensor.dtype)) {
      buckets.push(current);
      current = [];
      bytes = 0;
    }
    current.push(tensor);
    bytes += size;
  }
  if (current.length > 0) buckets.push(current);
  return buckets;
}

/** Hands each tensor of `bucket` its slice of the flat tensor `flat`, shaped like it. */
function unpack(flat: torch.Tensor, bucket: torch.Tensor[], use: (tensor: torch.Tensor, values: torch.Tensor) => void): void {
  torch.scope(() => {
    let offset = 0;
    for (const tensor of bucket) {
      use(tensor, flat.narrow(0, offset, tensor.numel).view(...tensor.shape));
      offset += tensor.numel;
    }
  });
}

export class DataParallel {
  /** Parameters that train, in buckets (reverse order). */
  readonly buckets: torch.Tensor[][];
  /** Milliseconds the last averageGradients() spent packing, communicating and unpacking. */
  lastSyncMs = 0;

  private readonly bucketBytes: number;

  constructor(readonly group: DistributedGroup, readonly module: Module, options: { bucketBytes?: number } = {}) {
    this.bucketBytes = options.bucketBytes ?? DEFAULT_BUCKET_BYTES;
    const trainable = module.parameters().filter((p) => p.requiresGrad).reverse();
    this.buckets = bucketsOf(trainable, this.bucketBytes);
  }

  /** Copies rank 0's parameters and buffers to every rank (at the start, and after loading a checkpoint). */
  broadcastState(): Promise<void> {
    const tensors = [...this.module.parameters(), ...this.module.namedBuffers().map(([, b]) => b)];
    return this.broadcastFromMain(tensors, 'the start-up copy of rank 0\'s parameters and buffers');
  }

  /** Copies rank 0's buffers (BatchNorm running statistics) to every rank. */
  broadcastBuffers(what: string): Promise<void> {
    return this.broadcastFromMain(this.module.namedBuffers().map(([, b]) => b), what);
  }

  /** Copies rank 0's values of `tensors` into every rank's, packed in buckets. */
  private async broadcastFromMain(tensors: torch.Tensor[], what: string): Promise<void> {
    const buckets = bucketsOf(tensors, this.bucketBytes);
    const flats = buckets.map((bucket) => torch.scope(() => torch.cat(bucket.map((t) => t.detach().flatten()))));
    try {
      await this.group.run(what, () => flats.map((flat) => this.group.gloo.broadcast(flat, 0)));
      buckets.forEach((bucket, b) => unpack(flats[b], bucket, (tensor, values) => tensor.detach().copy_(values)));
    } finally {
      for (const flat of flats) flat.dispose();
    }
  }

  /** Replaces every rank's gradients by their mean over the ranks. `what` names the sync in errors. */
  async averageGradients(what: string): Promise<void> {
    const started = performance.now();
    const flats: torch.Tensor[] = [];
    try {
      await this.group.run(what, () => this.buckets.map((bucket): Work => {
        const flat = torch.scope(() => torch.cat(bucket.map((p) => p.grad?.flatten() ?? torch.zeros([p.numel], { dtype: p.dtype, device: p.device }))));
        flats.push(flat);
        return this.group.gloo.allreduce(flat, 'sum');
      }));
      this.buckets.forEach((bucket, b) => unpack(flats[b].mul_(1 / this.group.worldSize), bucket, (parameter, mean) => parameter.grad?.copy_(mean)));
    } finally {
      for (const flat of flats) flat.dispose();
      this.lastSyncMs = performance.now() - started;
    }
  }
}
