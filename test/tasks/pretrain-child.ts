/**
 * A pre-training process for the tests that stop runs from outside: it runs `runPretrain` with the settings in
 * argv[2] (JSON) and, when `killAt` names one of the run's events ("step 7", "save last at step 10: model", …),
 * ends itself there with SIGKILL — no cleanup, no handler, as a crash or `kill -9` would.
 */
import { loadPretrainConfig } from '../../src/tasks/pretrain/config.ts';
import { runPretrain } from '../../src/tasks/pretrain.ts';

interface ChildArgs {
  overrides: string[];
  out?: string;
  resume?: string;
  overwrite?: boolean;
  killAt?: string;
}

const args = JSON.parse(process.argv[2]) as ChildArgs;
try {
  await runPretrain({
    config: loadPretrainConfig({ overrides: args.overrides }), out: args.out, resume: args.resume, overwrite: args.overwrite,
    quiet: true, log: (line) => console.log(line),
    onEvent: (event) => {
      if (event === args.killAt) process.kill(process.pid, 'SIGKILL');
    },
  });
} catch (error) {
  console.error(`medslip: ${(error as Error).message}`);
  process.exitCode = 1;
}
