/**
 * Memory soak: 2,000 MeDSLIP training steps (small model, random batches of the real shapes) must hold memory
 * flat. Prints RSS and live native tensors every 200 steps and the growth after warm-up (the first quarter of the
 * steps), and exits 1 when RSS grows by 5 % or more or live tensors grow at all. Like pre-training, it returns
 * the allocator's free pages to the system every 60 s (`torch.releaseFreeMemoryEvery`); `--no-release` measures
 * without. Run with --expose-gc so that each sample is taken after a full garbage collection. The loop is
 * `soak` in src/tasks/bench-memory.ts; `medslip bench memory` compares allocator settings with it.
 *   node --expose-gc --import tsx bench/soak.ts [steps] [--no-release]
 */
import { soak } from '../src/tasks/bench-memory.ts';

const args = process.argv.slice(2);
const steps = Number(args.find((a) => /^\d+$/.test(a)) ?? 2000);
if (!(globalThis as { gc?: unknown }).gc) console.warn('run with node --expose-gc for garbage-collected measurements');
const mib = (bytes: number): string => (bytes / 2 ** 20).toFixed(1);
const result = await soak({ steps, release: !args.includes('--no-release'), onSample: (line) => console.log(line) });
console.log(`after warm-up (${result.warmup} steps) → ${steps} steps: RSS ${mib(result.rssStart)} → ${mib(result.rssEnd)} MiB `
  + `(${(result.growth * 100).toFixed(2)} %), live tensors ${result.tensorsStart} → ${result.tensorsEnd}, ${result.msPerStep.toFixed(0)} ms/step`);
const ok = result.growth < 0.05 && result.tensorsEnd <= result.tensorsStart;
console.log(ok ? 'memory flat: ok' : 'memory grew: FAILED');
process.exitCode = ok ? 0 : 1;
