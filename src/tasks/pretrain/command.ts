/**
 * `medslip pretrain` as a command: the launcher decision (start the data-parallel workers, or run as this process's
 * rank), the setting shortcuts (--epochs, --device, …) merged into the key=value overrides, the settings given
 * explicitly (which win over a resumed run's), and the closing line and exit code. src/cli.ts builds the command from
 * PRETRAIN_OPTIONS (../tables.ts) and prints what this returns.
 */
import { applySettings, loadPretrainConfig, parseOverrides, PRETRAIN_DEFAULTS, type PretrainConfig } from './config.ts';
import { exitFailedRank, pretrainSyncFromEnv, rankDevice, SINGLE_PROCESS } from './distributed.ts';
import { runPretrain } from '../pretrain.ts';
import { PRETRAIN_COMMAND_DEFAULTS } from '../tables.ts';
import { signalExitCode } from '../../util/stop-signals.ts';
import { checkNumber } from '../../util/check.ts';

/** `medslip pretrain`'s options (the settings themselves arrive as key=value overrides). */
export interface PretrainCommandOptions {
  /** A YAML config: medslip keys or the reference's Pretrain_MeDSLIP.yaml keys. */
  config?: string;
  /** The run folder (default runs/pretrain, or the resumed run's). */
  out?: string;
  resume?: string;
  overwrite?: boolean;
  quiet?: boolean;
  /** Shortcuts for settings, passed on as key=value overrides after the positional ones. */
  device?: string;
  epochs?: number;
  batchSize?: number;
  workers?: number;
  seed?: number;
  textEncoder?: string;
  books?: string;
  /** Data-parallel launcher (ignored in a process started with torchrun's variables set). */
  nprocPerNode?: number;
  nnodes?: number;
  nodeRank?: number;
  masterAddr?: string;
  /** Default: a free port on one machine, 29500 on several (src/distributed/launch.ts). */
  masterPort?: number;
  /** Seconds a rank waits for the others before the job fails. */
  distTimeout?: number;
  /** The command line each launched worker runs again (default: this process's, process.argv). */
  argv?: readonly string[];
}

/** What the command prints and how it exits. */
export interface PretrainCommandResult {
  /** The closing line (rank 0 of a job, or the single process; none from the launcher or other ranks). */
  summary?: string;
  /** Set when the run or the job was stopped by a signal: 130 (SIGINT) or 143 (SIGTERM). */
  exitCode?: number;
}

/** The setting shortcuts, in the order their overrides follow the positional ones. */
const SETTING_FLAGS = ['device', 'epochs', 'batchSize', 'workers', 'seed', 'textEncoder', 'books'] as const;

/**
 * Runs `medslip pretrain [overrides...]`: with torchrun's variables unset and more than one process asked for
 * (--nproc-per-node or --nnodes above 1) it starts this machine's workers, each running `argv` again as one rank;
 * otherwise it pre-trains in this process (a rank of a job when those variables are set).
 */
export async function runPretrainCommand(overrides: readonly string[], options: PretrainCommandOptions = {}): Promise<PretrainCommandResult> {
  const nprocPerNode = options.nprocPerNode ?? PRETRAIN_COMMAND_DEFAULTS.nprocPerNode;
  const nnodes = options.nnodes ?? PRETRAIN_COMMAND_DEFAULTS.nnodes;
  const launching = process.env.WORLD_SIZE === undefined && (nprocPerNode > 1 || nnodes > 1);
  if (launching) {
    const argv = options.argv ?? process.argv;
    const { launchWorkers } = await import('../../distributed/launch.ts');
    const job = await launchWorkers({ nprocPerNode, nnodes, nodeRank: options.nodeRank ?? PRETRAIN_COMMAND_DEFAULTS.nodeRank,
      masterAddr: options.masterAddr ?? PRETRAIN_COMMAND_DEFAULTS.masterAddr, masterPort: options.masterPort, script: argv[1], args: argv.slice(2) });
    return job.stoppedBy ? { exitCode: signalExitCode(job.stoppedBy) } : {};
  }
  const sync = pretrainSyncFromEnv(Math.round(checkNumber('distTimeout', options.distTimeout ?? PRETRAIN_COMMAND_DEFAULTS.distTimeout, 0, Infinity, '(]') * 1000));
  const flagOverrides = SETTING_FLAGS.flatMap((key) => (options[key] === undefined ? [] : [`${key}=${options[key]}`]));
  const allOverrides = [...overrides, ...flagOverrides];
  const loaded = loadPretrainConfig({ file: options.config, overrides: allOverrides });
  const config = { ...loaded, device: rankDevice(loaded.device, sync) };
  const resume = options.resume;
  const result = await runPretrain({ config, out: options.out ?? (resume ? undefined : 'runs/pretrain'), resume,
    overwrite: options.overwrite === true, resumeOverrides: explicitSettings(allOverrides), quiet: options.quiet === true, sync })
    .catch((error: unknown) => {
      if (sync === SINGLE_PROCESS) throw error;
      return exitFailedRank(sync, error);
    });
  return {
    summary: sync.isMain
      ? `${result.interrupted ? 'stopped' : 'done'}: ${result.epochsDone} epoch(s), ${result.steps} steps in ${result.seconds.toFixed(0)} s; best validation loss ${result.bestValLoss.toFixed(4)}; run folder ${result.out}`
      : undefined,
    exitCode: result.signal ? signalExitCode(result.signal) : undefined,
  };
}

/** The settings the overrides give, typed (they win over a resumed run's). */
function explicitSettings(overrides: readonly string[]): Partial<PretrainConfig> {
  const given = parseOverrides(overrides);
  const typed = new Map(Object.entries(applySettings({ ...PRETRAIN_DEFAULTS }, given, 'command-line override')));
  return Object.fromEntries(Object.keys(given).map((key) => [key, typed.get(key)]));
}
