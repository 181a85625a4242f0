/**
 * `medslip bench distributed`: data-parallel pre-training with 1 and with 2 processes side by side, each process
 * one libtorch thread and the same per-rank batch — steps per second, images per second, and the time per step
 * that rank 0 spends averaging gradients (packing, Gloo allreduce, unpacking). The numbers come from the runs'
 * own step logs (log.jsonl: step times, `syncMs`); the first steps (warm-up) are left out.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median } from '../util/stats.ts';
import { BENCH_DISTRIBUTED_DEFAULTS } from './tables.ts';

export interface DistributedBenchRow {
  processes: number;
  secondsPerStep: number;
  stepsPerSec: number;
  imagesPerSec: number;
  /** Median ms of rank 0's gradient averaging per step (0 for one process). */
  syncMs: number;
  steps: number;
}

const medslipBin = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bin', 'medslip.js');
const WARM_UP_STEPS = 2;

function runPretrain(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [medslipBin, 'pretrain', ...args], {
      stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, MEDSLIP_THREADS: '1', OMP_NUM_THREADS: '1' },
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`medslip pretrain ${args.join(' ')} failed (exit ${code}): ${stderr}`))));
  });
}

/** Runs one configuration with 1 and 2 processes. `imageSize`, `batchSize` are per rank. */
export interface DistributedBenchOptions { imageSize?: number; batchSize?: number; images?: number; log?: (line: string) => void }

export async function runDistributedBench(options: DistributedBenchOptions = {}): Promise<DistributedBenchRow[]> {
  const defaults = BENCH_DISTRIBUTED_DEFAULTS;
  const imageSize = options.imageSize ?? defaults.imageSize, batchSize = options.batchSize ?? defaults.batchSize, images = options.images ?? defaults.images;
  const work = mkdtempSync(join(tmpdir(), 'medslip-bench-ddp-'));
  try {
    const settings = ['backbone=resnet18', 'dModel=64', `imageSize=${imageSize}`, `syntheticSize=${imageSize}`, `syntheticCount=${images}`,
      `batchSize=${batchSize}`, 'epochs=1', 'logInterval=1', 'workers=1', `syntheticDir=${join(work, 'data')}`];
    const rows: DistributedBenchRow[] = [];
    for (const processes of [1, 2]) {
      const out = join(work, `p${processes}`);
      options.log?.(`pre-training with ${processes} process(es) …`);
      await runPretrain(['--nproc-per-node', String(processes), '--quiet', '--out', out, ...settings]);
      const steps = readFileSync(join(out, 'log.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as Record<string, number | string>)
        .filter((entry) => entry.type === 'step');
      const times = steps.map((entry) => Date.parse(String(entry.time)));
      const intervals = times.slice(WARM_UP_STEPS + 1).map((t, i) => (t - times[WARM_UP_STEPS + i]) / 1000);
      if (intervals.length < 3) throw new Error(`only ${steps.length} steps with ${processes} process(es): raise --images`);
      const secondsPerStep = median(intervals);
      rows.push({ processes, secondsPerStep, stepsPerSec: 1 / secondsPerStep, imagesPerSec: (batchSize * processes) / secondsPerStep,
        syncMs: processes > 1 ? median(steps.slice(WARM_UP_STEPS).map((entry) => Number(entry.syncMs))) : 0, steps: steps.length });
    }
    return rows;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

export function formatDistributedBench(rows: DistributedBenchRow[]): string {
  const [one, two] = rows;
  return [
    'MeDSLIP pre-training, ResNet-18, d 64, one libtorch thread per process, the same per-process batch; medians after 2 warm-up steps',
    ...rows.map((r) => `${r.processes} process(es): ${r.stepsPerSec.toFixed(2)} steps/s, ${r.imagesPerSec.toFixed(1)} images/s`
      + (r.processes > 1 ? `, gradient averaging ${r.syncMs.toFixed(1)} ms/step (${((r.syncMs / 1000 / r.secondsPerStep) * 100).toFixed(1)} % of a step)` : '')
      + ` (${r.steps} steps)`),
    `images/s with 2 processes vs 1: ${(two.imagesPerSec / one.imagesPerSec).toFixed(2)}×`,
  ].join('\n');
}
