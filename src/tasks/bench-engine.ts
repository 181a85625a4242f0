/**
 * `medslip bench engine`: the libtorch binding against PyTorch on the same machine, in the same run.
 * Measures a 1024³ float32 matmul (GFLOP/s) and a ResNet-style conv2d forward+backward (ms), medians after
 * warm-up. PyTorch (when `python3 -c "import torch"` works, e.g. Debian's python3-torch) runs the same work
 * with the same thread count, and the ratio is printed. The kernels are the same; the ratio shows the binding's
 * overhead.
 */
import { spawnSync } from 'node:child_process';
import * as torch from '../torch/index.ts';
import { median } from '../util/stats.ts';
import { pythonWithTorch } from './bench-python.ts';
import { BENCH_ENGINE_DEFAULTS } from './tables.ts';

export interface EngineBenchResult {
  threads: number;
  matmulGflops: number;
  convForwardBackwardMs: number;
  pytorch?: { matmulGflops: number; convForwardBackwardMs: number; python: string };
  /** Why there is no PyTorch column. */
  baselineMissing?: 'disabled' | 'no python3 with torch';
}

/** One measurement of either side. */
interface EngineTimings {
  matmulGflops: number;
  convForwardBackwardMs: number;
}

const MATMUL_N = 1024;
const CONV = { batch: 8, channels: 64, size: 56 };


function timeMs(fn: () => void, warmup: number, runs: number): number {
  for (let i = 0; i < warmup; i++) fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    fn();
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return median(times);
}

const PYTHON_BASELINE = `
import json, sys, time, torch
torch.set_num_threads(int(sys.argv[1]))
N, B, C, S = ${MATMUL_N}, ${CONV.batch}, ${CONV.channels}, ${CONV.size}
def median_ms(fn, warmup, runs):
    for _ in range(warmup): fn()
    times = []
    for _ in range(runs):
        t = time.perf_counter(); fn(); times.append((time.perf_counter() - t) * 1e3)
    return sorted(times)[len(times) // 2]
torch.manual_seed(0)
a, b = torch.randn(N, N), torch.randn(N, N)
mm = median_ms(lambda: torch.matmul(a, b), 3, 10)
x = torch.randn(B, C, S, S)
w = torch.randn(C, C, 3, 3, requires_grad=True)
def conv():
    w.grad = None
    torch.nn.functional.conv2d(x, w, padding=1).sum().backward()
cv = median_ms(conv, 2, 7)
print(json.dumps({"matmulGflops": 2 * N ** 3 / (mm / 1e3) / 1e9, "convForwardBackwardMs": cv}))
`;

function pytorchBaseline(threads: number): EngineBenchResult['pytorch'] {
  const python = pythonWithTorch();
  if (python === undefined) return undefined;
  const run = spawnSync(python, ['-c', PYTHON_BASELINE, String(threads)], { encoding: 'utf8', timeout: 300_000 });
  if (run.status !== 0) return undefined;
  try {
    return { ...(JSON.parse(run.stdout.trim().split('\n').pop()!) as EngineTimings), python };
  } catch {
    return undefined; // unparsable output
  }
}

/**
 * Alternates medslip and PyTorch measurements for `rounds` rounds and reports the median of each side, so that
 * a transient load on the machine hits both sides alike.
 */
export interface EngineBenchOptions { threads?: number; baseline?: boolean; rounds?: number }

export function runEngineBench(options: EngineBenchOptions = {}): EngineBenchResult {
  if (options.threads) torch.setNumThreads(options.threads);
  const threads = torch.getNumThreads();
  const rounds = options.rounds ?? BENCH_ENGINE_DEFAULTS.rounds;
  const ours: EngineTimings[] = [];
  const theirs: NonNullable<EngineBenchResult['pytorch']>[] = [];
  for (let round = 0; round < rounds; round++) {
    ours.push(measureMedslip());
    if (options.baseline !== false) {
      const baseline = pytorchBaseline(threads);
      if (baseline) theirs.push(baseline);
    }
  }
  const pick = (runs: readonly EngineTimings[]): EngineTimings => ({
    matmulGflops: median(runs.map((r) => r.matmulGflops)),
    convForwardBackwardMs: median(runs.map((r) => r.convForwardBackwardMs)),
  });
  return {
    threads,
    ...pick(ours),
    pytorch: theirs.length > 0 ? { ...pick(theirs), python: theirs[0].python } : undefined,
    baselineMissing: options.baseline === false ? 'disabled' : theirs.length === 0 ? 'no python3 with torch' : undefined,
  };
}

function measureMedslip(): EngineTimings {
  torch.manualSeed(0);
  const a = torch.randn([MATMUL_N, MATMUL_N]).keep(), b = torch.randn([MATMUL_N, MATMUL_N]).keep();
  const matmulMs = timeMs(() => torch.scope(() => { a.matmul(b); }), 3, 10);
  const x = torch.randn([CONV.batch, CONV.channels, CONV.size, CONV.size]).keep();
  const w = torch.randn([CONV.channels, CONV.channels, 3, 3]).requiresGrad_().keep();
  const convMs = timeMs(() => torch.scope(() => {
    w.grad = null;
    torch.nnf.conv2d(x, w, null, { padding: 1 }).sum().backward();
  }), 2, 7);
  for (const t of [a, b, x, w]) t.dispose();
  return { matmulGflops: (2 * MATMUL_N ** 3) / (matmulMs / 1e3) / 1e9, convForwardBackwardMs: convMs };
}

export function formatEngineBench(result: EngineBenchResult): string {
  const conv = `conv2d ${CONV.batch}×${CONV.channels}×${CONV.size}² 3×3 fwd+bwd`;
  const lines = [`engine benchmark, ${result.threads} thread(s), medians after warm-up over alternating rounds`];
  if (result.pytorch) {
    const p = result.pytorch;
    lines.push(
      `                               medslip     PyTorch   medslip/PyTorch`,
      `matmul 1024³ (GFLOP/s)      ${result.matmulGflops.toFixed(1).padStart(9)}   ${p.matmulGflops.toFixed(1).padStart(9)}   ${(result.matmulGflops / p.matmulGflops).toFixed(3)} (higher is better)`,
      `${conv} (ms) ${result.convForwardBackwardMs.toFixed(1).padStart(6)}   ${p.convForwardBackwardMs.toFixed(1).padStart(9)}   ${(result.convForwardBackwardMs / p.convForwardBackwardMs).toFixed(3)} (lower is better)`,
    );
  } else {
    lines.push(`matmul 1024³: ${result.matmulGflops.toFixed(1)} GFLOP/s`, `${conv}: ${result.convForwardBackwardMs.toFixed(1)} ms`,
      result.baselineMissing === 'disabled' ? 'PyTorch baseline skipped (--no-baseline)'
        : 'PyTorch baseline skipped: no python3 with torch (Debian: apt-get install python3-torch)');
  }
  return lines.join('\n');
}
