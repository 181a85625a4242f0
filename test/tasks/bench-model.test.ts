// The model benchmark's plumbing at toy size (its numbers come from `medslip bench`): the device reaches the
// model and the timings, images/s follow from the median step time, and a missing GPU is refused by name.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as torch from '../../src/torch/index.ts';
import { MODEL_BENCH_CONFIGS, runModelBench, type ModelBenchConfig } from '../../src/tasks/bench-model.ts';
import { runBenchCommand } from '../../src/tasks/bench.ts';
import type { BenchModelConfig } from '../../src/tasks/tables.ts';

const toy: ModelBenchConfig = { ...MODEL_BENCH_CONFIGS.demo, name: 'toy', model: { ...MODEL_BENCH_CONFIGS.demo.model, layers: 1 }, batch: 2, imageSize: 32 };

test('bench model on the CPU: medians, images/s from the step time, no tensors left behind', async () => {
  const before = torch.counters().tensors;
  const lines: string[] = [];
  const result = await runModelBench({ config: toy, runs: 2, device: 'cpu', baseline: false, onnx: false, log: (line) => lines.push(line) });
  assert.equal(result.device, 'cpu');
  assert.equal(result.config.batch, 2);
  assert.ok(result.train.wallMs > 0 && result.infer.wallMs > 0);
  assert.ok(Math.abs(result.trainImagesPerSec - 2000 / result.train.wallMs) < 1e-9);
  assert.ok(Math.abs(result.inferImagesPerSec - 2000 / result.infer.wallMs) < 1e-9);
  assert.equal(result.pytorch, undefined);
  assert.equal(lines.filter((l) => l.startsWith('toy train')).length, 3, 'one warm-up and two timed training steps');
  assert.equal(torch.counters().tensors, before);
});

test('bench model runs where --device says: on a GPU when this libtorch has one, else refused by name', async () => {
  if (torch.libtorchInfo().cudaAvailable) {
    const result = await runModelBench({ config: toy, runs: 1, device: 'cuda', baseline: false, onnx: false });
    assert.equal(result.device, 'cuda');
    assert.ok(Math.abs(result.trainImagesPerSec - 2000 / result.train.wallMs) < 1e-9);
  } else {
    await assert.rejects(runModelBench({ config: toy, runs: 1, device: 'cuda', baseline: false, onnx: false }),
      { name: 'RangeError', message: 'Device cuda requested but this libtorch has no CUDA device (use a CUDA build of libtorch via LIBTORCH)' });
  }
});

test('medslip bench model\'s task checks --config, --device and --runs before it benchmarks anything', async () => {
  await assert.rejects(runBenchCommand({ config: 'large' as BenchModelConfig }), { name: 'RangeError', message: 'Expected one of full, demo, all for config but received large (string)' });
  await assert.rejects(runBenchCommand({ device: 'tpu' }), { name: 'RangeError', message: 'Expected a device (one of cpu, cuda, cuda:N) but received "tpu"' });
  await assert.rejects(runBenchCommand({ runs: 0 }), { name: 'RangeError', message: /runs/ });
});
