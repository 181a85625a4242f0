/**
 * `medslip bench memory`: does a long training run hold its memory, and what does the allocator cost? The soak
 * loop (MeDSLIP training steps on random batches of the real shapes) runs in child processes, one allocator
 * setting each, alternating in rounds so that every setting sees the same machine:
 *  - glibc defaults: the C library's malloc as it comes (MEDSLIP_MALLOC_DEFAULTS=1; the baseline);
 *  - glibc tuned: medslip's mallopt settings, which the addon makes at load (native/addon.cc: larger blocks kept
 *    in the heap, trimming late, padded heap growth), so that a step's large activations reuse memory instead
 *    of faulting in fresh pages;
 *  - glibc tuned + release: the same, with `torch.releaseFreeMemory()` (malloc_trim) at most every 60 s, as
 *    pre-training does (`torch.releaseFreeMemoryEvery`);
 *  - jemalloc: Debian's libjemalloc2 through LD_PRELOAD, when it is installed (glibc's settings do not apply).
 * `--size` picks the loop's shapes: soak (a small model, so that the default 1,000 steps take minutes) or demo
 * (the demo's pre-training step, where the allocator's cost is what `medslip demo` pays).
 * Each prints its milliseconds per step and its RSS growth after warm-up (the first quarter of the steps); the
 * table gives each setting's time as a ratio to glibc defaults', medians over the rounds.
 * `npm run soak` (bench/soak.ts) is the same loop at soak size as a pass/fail check: growth < 5 %, no live
 * tensors gained.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as torch from '../torch/index.ts';
import { MeDSLIP, type MedslipConfig } from '../models/medslip.ts';
import { AdamW, referenceParamGroups } from '../optim/adamw.ts';
import { MODEL_BENCH_CONFIGS, batchTensors, randomPretrainBatch } from './bench-model.ts';
import { checkInteger, checkOneOf } from '../util/check.ts';
import { median } from '../util/stats.ts';
import { BENCH_MEMORY_DEFAULTS, BENCH_MEMORY_SIZES, type MemoryBenchSize } from './tables.ts';

/** The loop's model and batch per `--size`. */
const SOAK_SHAPES: Readonly<Record<MemoryBenchSize, { model: Partial<MedslipConfig>; batch: number; imageSize: number }>> = Object.freeze({
  soak: { model: { backbone: 'resnet18', dModel: 64, layers: 1, textDim: 64 }, batch: 4, imageSize: 64 },
  // the demo's training step (MODEL_BENCH_CONFIGS.demo is src/tasks/demo.ts's), with the default 4 heads and 768-wide books
  demo: MODEL_BENCH_CONFIGS.demo,
});

export interface SoakResult {
  steps: number;
  warmup: number;
  msPerStep: number;
  rssStart: number;
  rssEnd: number;
  /** (RSS at the end − RSS after warm-up) / RSS after warm-up. */
  growth: number;
  tensorsStart: number;
  tensorsEnd: number;
}

/**
 * The soak loop in this process. Samples are taken after a full garbage collection when node runs with
 * --expose-gc (otherwise V8's lazily growing heap shows up as growth). `onSample` sees RSS every 200 steps.
 */
export async function soak(options: { steps?: number; size?: MemoryBenchSize; release: boolean; onSample?: (line: string) => void }): Promise<SoakResult> {
  const steps = checkInteger('steps', options.steps ?? BENCH_MEMORY_DEFAULTS.steps, 8);
  const shapes = SOAK_SHAPES[checkOneOf('size', options.size ?? BENCH_MEMORY_DEFAULTS.size, BENCH_MEMORY_SIZES)];
  // The allocator and libtorch's caches settle over the first few hundred steps (RSS steps up until ~600 of
  // 2,000, then stays flat), so growth is measured from a quarter of the run on.
  const warmup = Math.floor(steps / 4);
  torch.manualSeed(0);
  const generator = new torch.Generator(0);
  const model = new MeDSLIP(shapes.model).train();
  const { textDim } = model.config;
  const books = { pathology: torch.randn([75, textDim], { generator }).keep(), anatomy: torch.randn([51, textDim], { generator }).keep() };
  const optimizer = new AdamW(referenceParamGroups(model.namedParameters()), { lr: 1e-4 });
  const releaseMemory = options.release ? torch.releaseFreeMemoryEvery() : () => {};
  const gc = (globalThis as { gc?: () => void }).gc;
  const mib = (bytes: number): string => (bytes / 2 ** 20).toFixed(1);
  let start = { rss: 0, tensors: 0, time: 0 };
  for (let step = 1; step <= steps; step++) {
    torch.scope(() => {
      const batch = randomPretrainBatch(shapes.batch, shapes.imageSize, generator); // fresh inputs every step, as a loader would give
      optimizer.zeroGrad();
      model.losses(batch, books).loss.backward();
      optimizer.step();
      for (const t of batchTensors(batch)) t.dispose();
    });
    releaseMemory();
    if (step === warmup) {
      gc?.();
      start = { rss: process.memoryUsage().rss, tensors: torch.counters().tensors, time: performance.now() };
    }
    if (step % 200 === 0 || step === steps) {
      gc?.();
      options.onSample?.(`step ${step}: RSS ${mib(process.memoryUsage().rss)} MiB, live tensors ${torch.counters().tensors}`);
      await new Promise((resolve) => setImmediate(resolve)); // as a real run does while it awaits data
    }
  }
  const msPerStep = (performance.now() - start.time) / (steps - warmup);
  gc?.();
  const end = { rss: process.memoryUsage().rss, tensors: torch.counters().tensors };
  optimizer.dispose();
  model.dispose();
  books.pathology.dispose();
  books.anatomy.dispose();
  return { steps, warmup, msPerStep, rssStart: start.rss, rssEnd: end.rss, growth: (end.rss - start.rss) / start.rss,
    tensorsStart: start.tensors, tensorsEnd: end.tensors };
}

export type AllocatorSetting = 'glibc defaults' | 'glibc tuned' | 'glibc tuned + release' | 'jemalloc';

export interface MemoryBenchRow {
  setting: AllocatorSetting;
  msPerStep: number;
  /** Median ms per step over the baseline's. */
  ratio: number;
  /** Median RSS growth after warm-up, and the largest over the rounds. */
  growth: number;
  worstGrowth: number;
  rounds: number;
}

const medslipBin = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bin', 'medslip.js');
const JEMALLOC_PATHS = ['/usr/lib/x86_64-linux-gnu/libjemalloc.so.2', '/usr/lib/aarch64-linux-gnu/libjemalloc.so.2', '/usr/lib64/libjemalloc.so.2'];

/** The variables that make the addon leave glibc's malloc as it comes (native/addon.cc, TuneAllocator). */
const MALLOC_DEFAULTS_ENV = ['MEDSLIP_MALLOC_DEFAULTS', 'MALLOC_MMAP_THRESHOLD_', 'MALLOC_TRIM_THRESHOLD_', 'MALLOC_TOP_PAD_'];

function runChild(setting: AllocatorSetting, steps: number, size: MemoryBenchSize, jemalloc: string | undefined): Promise<SoakResult> {
  // one of these inherited from the caller would make the tuned settings glibc's defaults, or change the baseline
  const inherited = Object.entries(process.env).filter(([name]) => !MALLOC_DEFAULTS_ENV.includes(name));
  const env: NodeJS.ProcessEnv = { ...Object.fromEntries(inherited), MEDSLIP_THREADS: '1', OMP_NUM_THREADS: '1' };
  if (setting === 'glibc defaults') env.MEDSLIP_MALLOC_DEFAULTS = '1';
  if (setting === 'jemalloc') env.LD_PRELOAD = jemalloc;
  const mode = setting === 'glibc tuned + release' ? 'release' : 'plain';
  const args = ['--expose-gc', medslipBin, 'bench', 'memory', '--child', mode, '--steps', String(steps), '--size', size];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
    let stdout = '', stderr = '';
    child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString(); });
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
    child.on('exit', (code) => {
      if (code !== 0) { reject(new Error(`the ${setting} soak failed (exit ${code}): ${stderr.trim()}`)); return; }
      resolve(JSON.parse(stdout.trim().split('\n').pop()!) as SoakResult);
    });
  });
}

/** Runs every available setting `rounds` times, alternating, `steps` soak steps each. */
export interface MemoryBenchOptions { steps?: number; rounds?: number; size?: MemoryBenchSize; log?: (line: string) => void }

export async function runMemoryBench(options: MemoryBenchOptions = {}): Promise<MemoryBenchRow[]> {
  const steps = checkInteger('steps', options.steps ?? BENCH_MEMORY_DEFAULTS.steps, 8);
  const rounds = checkInteger('rounds', options.rounds ?? BENCH_MEMORY_DEFAULTS.rounds, 1, 100);
  const size = checkOneOf('size', options.size ?? BENCH_MEMORY_DEFAULTS.size, BENCH_MEMORY_SIZES);
  const jemalloc = JEMALLOC_PATHS.find((path) => existsSync(path));
  if (jemalloc === undefined) options.log?.('jemalloc not found (Debian: apt-get install libjemalloc2): measuring glibc only');
  const settings: AllocatorSetting[] = ['glibc defaults', 'glibc tuned', 'glibc tuned + release', ...(jemalloc ? ['jemalloc' as const] : [])];
  const results = new Map<AllocatorSetting, SoakResult[]>(settings.map((s) => [s, []]));
  for (let round = 1; round <= rounds; round++) {
    for (const setting of settings) {
      options.log?.(`round ${round}/${rounds}: ${setting}, ${steps} ${size}-size steps …`);
      results.get(setting)!.push(await runChild(setting, steps, size, jemalloc));
    }
  }
  const baseline = median(results.get('glibc defaults')!.map((r) => r.msPerStep));
  return settings.map((setting) => {
    const runs = results.get(setting)!;
    const msPerStep = median(runs.map((r) => r.msPerStep));
    return { setting, msPerStep, ratio: msPerStep / baseline, growth: median(runs.map((r) => r.growth)),
      worstGrowth: Math.max(...runs.map((r) => r.growth)), rounds: runs.length };
  });
}

export function formatMemoryBench(rows: readonly MemoryBenchRow[]): string {
  const line = (setting: string, ms: string, ratio: string, growth: string): string => `${setting.padEnd(21)} ${ms.padStart(9)}   ${ratio.padStart(16)}   ${growth}`;
  const lines = [line('allocator', 'ms/step', '× glibc defaults', 'RSS growth after warm-up (median, worst)')];
  for (const r of rows) {
    lines.push(line(r.setting, r.msPerStep.toFixed(1), r.ratio.toFixed(3), `${(r.growth * 100).toFixed(2)} %, ${(r.worstGrowth * 100).toFixed(2)} %`));
  }
  return lines.join('\n');
}
