/**
 * Memory soak: 2,000 MeDSLIP training steps (small model, random batches of the real shapes) must hold memory
 * flat. Prints RSS and live native tensors every 200 steps and the growth after warm-up (the first quarter of the steps), and
 * exits 1 when RSS grows by 5 % or more or live tensors grow at all. Run with --expose-gc so that each sample is
 * taken after a full garbage collection (otherwise V8's lazily growing heap shows up as RSS growth).
 *   node --expose-gc --import tsx bench/soak.ts [steps]
 */
import * as torch from '../src/torch/index.ts';
import { MeDSLIP } from '../src/models/medslip.ts';
import { AdamW, referenceParamGroups } from '../src/optim/adamw.ts';
import { randomPretrainBatch } from '../src/tasks/bench-model.ts';

const steps = Number(process.argv[2] ?? 2000);
// Warm-up: the allocator and libtorch caches settle over the first few hundred steps (measured: RSS steps up
// until ~600 steps, then stays flat), so growth is measured from a quarter of the run on.
const warmup = Math.floor(steps / 4);
torch.manualSeed(0);
const generator = new torch.Generator(0);
const model = new MeDSLIP({ backbone: 'resnet18', dModel: 64, layers: 1, textDim: 64 }).train();
const books = { pathology: torch.randn([75, 64], { generator }).keep(), anatomy: torch.randn([51, 64], { generator }).keep() };
const optimizer = new AdamW(referenceParamGroups(model.namedParameters()), { lr: 1e-4 });
const mib = (bytes: number): string => (bytes / 2 ** 20).toFixed(1);
if (!globalThis.gc) console.warn('run with node --expose-gc for garbage-collected measurements');
let baseline = { rss: 0, tensors: 0 };
const started = Date.now();
for (let step = 1; step <= steps; step++) {
  torch.scope(() => {
    const batch = randomPretrainBatch(4, 64, generator); // fresh inputs every step, as a loader would give
    optimizer.zeroGrad();
    model.losses(batch, books).loss.backward();
    optimizer.step();
    for (const t of Object.values(batch)) t.dispose();
  });
  if (step === warmup) {
    globalThis.gc?.();
    baseline = { rss: process.memoryUsage().rss, tensors: torch.counters().tensors };
  }
  if (step % 200 === 0 || step === steps) {
    globalThis.gc?.();
    const { rss, heapUsed } = process.memoryUsage();
    console.log(`step ${step}: RSS ${mib(rss)} MiB (JS heap ${mib(heapUsed)} MiB), live tensors ${torch.counters().tensors}, ${((Date.now() - started) / step).toFixed(0)} ms/step`);
    // yield to the event loop, as a real run does while it awaits data
    await new Promise((resolve) => setImmediate(resolve));
  }
}
globalThis.gc?.();
const end = { rss: process.memoryUsage().rss, tensors: torch.counters().tensors };
const growth = (end.rss - baseline.rss) / baseline.rss;
console.log(`after warm-up (${warmup} steps) → ${steps} steps: RSS ${mib(baseline.rss)} → ${mib(end.rss)} MiB (${(growth * 100).toFixed(2)} %), live tensors ${baseline.tensors} → ${end.tensors}`);
const ok = growth < 0.05 && end.tensors <= baseline.tensors;
console.log(ok ? 'memory flat: ok' : 'memory grew: FAILED');
process.exitCode = ok ? 0 : 1;
