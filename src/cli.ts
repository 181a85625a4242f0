/** The `medslip` command line: commander wiring only; each command calls one task. */
import { Command } from 'commander';

export async function main(argv: string[]): Promise<void> {
  const program = new Command()
    .name('medslip')
    .description('MeDSLIP — dual-stream (pathology + anatomy) vision-language pre-training for chest X-rays, on libtorch')
    .showHelpAfterError();

  program.command('info')
    .description('print versions, where libtorch came from, the BLAS in use, threads and devices')
    .option('--json', 'print one JSON object')
    .action(async (options: { json?: boolean }) => {
      const { collectInfo, formatInfo } = await import('./tasks/info.ts');
      const info = await collectInfo();
      console.log(options.json ? JSON.stringify(info, null, 2) : formatInfo(info));
    });

  program.command('smoke')
    .description('seconds-long check that libtorch trains through medslip: a small MLP must cut its loss 10×')
    .action(async () => {
      const { runSmoke } = await import('./tasks/smoke.ts');
      const { firstLoss, lastLoss } = runSmoke();
      const ok = lastLoss < firstLoss / 10;
      console.log(`loss ${firstLoss.toFixed(4)} → ${lastLoss.toFixed(5)}: ${ok ? 'ok' : 'FAILED'}`);
      if (!ok) process.exitCode = 1;
    });

  const bench = program.command('bench').description('benchmarks, each with a baseline measured in the same run');
  bench.command('engine')
    .description('matmul 1024³ and conv2d forward+backward against PyTorch on this machine (when python3-torch is installed)')
    .option('--threads <n>', 'intra-op threads (default: all cores)', (v) => Number.parseInt(v, 10))
    .option('--rounds <n>', 'alternating medslip/PyTorch rounds (median reported)', (v) => Number.parseInt(v, 10), 3)
    .option('--no-baseline', 'skip the PyTorch baseline')
    .option('--json', 'print one JSON object')
    .action(async (options: { threads?: number; rounds: number; baseline: boolean; json?: boolean }) => {
      const { runEngineBench, formatEngineBench } = await import('./tasks/bench-engine.ts');
      const result = runEngineBench(options);
      console.log(options.json ? JSON.stringify(result, null, 2) : formatEngineBench(result));
    });

  await program.parseAsync(argv);
}
