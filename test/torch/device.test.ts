// Devices: synchronisation, TF32 switches and asynchronous host-to-GPU copies. On a CPU-only libtorch the CUDA
// paths must refuse with a clear message; with a CUDA device (scripts/gpu-check.sh runs this file there) the
// pinned, non-blocking copy must deliver the same values.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as torch from '../../src/torch/index.ts';

const cuda = torch.libtorchInfo().cudaAvailable;

test('synchronize waits on a device: at once on the CPU, refused for a CUDA device this libtorch lacks', () => {
  torch.synchronize('cpu');
  if (cuda) {
    torch.scope(() => {
      const x = torch.ones([512, 512]).to('cuda');
      const sum = x.matmul(x).sum();
      torch.synchronize('cuda');
      assert.equal(sum.item(), 512 ** 3);
    });
  } else {
    assert.throws(() => torch.synchronize('cuda'), {
      name: 'RangeError', message: 'Device cuda requested but this libtorch has no CUDA device (use a CUDA build of libtorch via LIBTORCH)',
    });
  }
});

test('TF32 switches read back what was set, and start at libtorch\'s (PyTorch\'s) defaults', () => {
  const initial = torch.tf32();
  assert.deepEqual(initial, { cudnn: true, cublas: false });
  try {
    torch.setTf32({ cudnn: false, cublas: true });
    assert.deepEqual(torch.tf32(), { cudnn: false, cublas: true });
  } finally {
    torch.setTf32(initial);
  }
  assert.deepEqual(torch.tf32(), initial);
});

test('a non-blocking cast gives the same values as a blocking one', () => {
  torch.scope(() => {
    const x = torch.tensor([1.5, -2.25, 3e-3]);
    const viaAsync = x.to('float64', { nonBlocking: true }).toArray();
    assert.deepEqual([...viaAsync], [...x.to('float64').toArray()]);
    assert.equal(x.isPinned, false);
  });
});

test('toDeviceAsync: the same tensor on the CPU; on a GPU a pinned, non-blocking copy with the same values', () => {
  torch.scope(() => {
    const batch = torch.arange(24).float().reshape(2, 3, 4);
    assert.equal(torch.toDeviceAsync(batch, 'cpu'), batch);
    if (cuda) {
      assert.equal(batch.pinMemory().isPinned, true);
      const moved = torch.toDeviceAsync(batch, 'cuda');
      assert.equal(moved.device, 'cuda:0');
      assert.deepEqual([...moved.cpu().toArray()], [...batch.toArray()]); // .cpu() waits for the copy
    } else {
      assert.throws(() => batch.pinMemory(), { message: 'pinMemory: pinned host memory needs a CUDA device (this libtorch has none)' });
    }
  });
});
