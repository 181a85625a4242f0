/**
 * A pre-training process for the tests that stop runs from outside: it runs `runPretrain` with the settings in
 * argv[2] (JSON) and, when `killAt` names one of the run's events ("step 7", "save last at step 10: model", …),
 * ends itself there with SIGKILL — no cleanup, no handler, as a crash or `kill -9` would. `signalAt` sends itself
 * a signal instead (SIGINT, SIGTERM), which medslip handles; the exit code is then the CLI's.
 */
import { loadPretrainConfig } from '../../src/tasks/pretrain/config.ts';
import { runPretrain } from '../../src/tasks/pretrain.ts';
import { signalExitCode } from '../../src/tasks/stop-signals.ts';

interface ChildArgs {
  overrides: string[];
  out?: string;
  resume?: string;
  overwrite?: boolean;
  killAt?: string;
  signalAt?: { event: string; signal: 'SIGINT' | 'SIGTERM' };
}

const args = JSON.parse(process.argv[2]) as ChildArgs;
try {
  const result = await runPretrain({
    config: loadPretrainConfig({ overrides: args.overrides }), out: args.out, resume: args.resume, overwrite: args.overwrite,
    quiet: true, log: (line) => console.log(line),
    onEvent: (event) => {
      if (event === args.killAt) process.kill(process.pid, 'SIGKILL');
      if (event === args.signalAt?.event) process.kill(process.pid, args.signalAt.signal);
    },
  });
  if (result.signal) process.exitCode = signalExitCode(result.signal);
} catch (error) {
  console.error(`medslip: ${(error as Error).message}`);
  process.exitCode = 1;
}
