/**
 * The demo's time budget: how many epochs of pre-training fit it, planned inside the run itself
 * (`runPretrain`'s `planEpochs`) from the speed of its own first steps, which are the warm-up's and the same
 * whatever the run's length. The demo's load changes during pre-training: the supervised ceiling trains in a second
 * process for the first part of it (both processes and their loaders share the cores), then pre-training runs
 * alone. So the first steps are timed alone, then beside a stand-in ceiling; the real ceiling starts once the
 * number of steps it must match is known.
 *
 * Measured (docs/learning.md, "More steps in the same budget"): a separate probe run before pre-training (10 steps
 * beside a stand-in, 6 alone, each with its own model, books and loaders) cost about 40 s of the demo's 600.
 */
import { median } from '../util/stats.ts';
import type { CeilingProcess } from './ceiling-process.ts';
import type { EpochPlanning } from './pretrain.ts';

/**
 * Steps timed alone (after the first, whose time holds the loaders' and the allocator's start), then beside the
 * stand-in, after 3 steps in which it starts up (timed from its start, steps beside it read 15 % faster than
 * beside the ceiling in its stride: 2.34 s against about 2.7 s): the plan takes 22 steps, within the demo's
 * 30-step warm-up and 27-step first epoch.
 */
const ALONE_STEPS = 6;
const STAND_IN_START_STEPS = 3;
const BESIDE_STEPS = 12;
/**
 * A step beside the ceiling as a multiple of a step alone, for a run too short to time both (a first epoch of
 * fewer than 6 steps: a demo on a few hundred images). Measured 1.5–1.8 on 2-core AMD EPYC machines.
 */
const BESIDE_FALLBACK_RATIO = 1.8;

/**
 * The supervised ceiling's run as a fraction of pre-training's steps, both beside each other on the same machine
 * (the same ResNet trunk; MeDSLIP adds the stream projections and the two decoders): about the ratio of their
 * steps' times beside each other. Measured in `medslip demo` on a 2-core AMD EPYC: the ceiling, started at step
 * 18 of 270 for 270 steps of its own, ended at about step 143 (318 s at 1.18 s per step, pre-training's steps
 * beside it about 2.7 s): 125 steps, 0.46 of the run. While the ceiling trains, pre-training runs at the speed
 * beside the stand-in; after it, at the speed alone.
 */
const CEILING_STEP_FRACTION = 0.46;
/** Validation and the two checkpoints of every epoch, in seconds (about 4 s measured at the demo's size). */
const EPOCH_OVERHEAD_SECONDS = 4;
/** The range of epochs the demo may choose. */
export const DEMO_EPOCHS = Object.freeze({ min: 3, max: 30 });

export interface EpochPlan {
  epochs: number;
  /** Optimizer steps of those epochs. */
  steps: number;
  /** Median seconds of a step alone and beside the stand-in. */
  alone: number;
  beside: number;
  /** Predicted seconds of the whole pre-training. */
  predicted: number;
}

/**
 * The most epochs whose pre-training fits `budgetSeconds`, given the time already spent, the speeds alone and
 * beside the ceiling, and that the ceiling starts now for CEILING_STEP_FRACTION of the run's steps; at least
 * `minEpochs` (default DEMO_EPOCHS.min), at most DEMO_EPOCHS.max.
 */
export function fitEpochs(options: { budgetSeconds: number; elapsedSeconds: number; stepsDone: number; stepsPerEpoch: number; alone: number; beside: number;
  minEpochs?: number }): EpochPlan {
  const { budgetSeconds, elapsedSeconds, stepsDone, stepsPerEpoch, alone, beside } = options;
  const predict = (epochs: number): number => {
    const remaining = Math.max(0, epochs * stepsPerEpoch - stepsDone);
    const besideSteps = Math.min(remaining, CEILING_STEP_FRACTION * epochs * stepsPerEpoch);
    return elapsedSeconds + besideSteps * beside + (remaining - besideSteps) * alone + epochs * EPOCH_OVERHEAD_SECONDS;
  };
  let epochs = Math.max(DEMO_EPOCHS.min, options.minEpochs ?? 0);
  while (epochs < DEMO_EPOCHS.max && predict(epochs + 1) <= budgetSeconds) epochs += 1;
  return { epochs, steps: epochs * stepsPerEpoch, alone, beside, predicted: predict(epochs) };
}

/**
 * `planEpochs` for the demo's pre-training: times steps alone, starts the stand-in ceiling, times steps beside it,
 * stops it and answers with the epochs that fit, by the run's deadline (the warm-up in the first epoch; fewer
 * timed steps when it is short) and at least the run's fewest epochs. `elapsedSeconds()` is the time since
 * pre-training started.
 */
export function demoEpochPlanner(options: { budgetSeconds: number; elapsedSeconds: () => number;
  startStandIn: () => CeilingProcess; onPlan: (plan: EpochPlan) => void }): (planning: EpochPlanning) => number | undefined {
  let standIn: CeilingProcess | undefined;
  return ({ stepSeconds, stepsPerEpoch, deadline, minEpochs }) => {
    // timed steps: the first step is never timed, and those of the stand-in's start are not used
    const timed = deadline - 1;
    const room = timed >= STAND_IN_START_STEPS + 2;
    const alone = room ? Math.min(ALONE_STEPS, Math.floor((timed - STAND_IN_START_STEPS) / 2)) : timed;
    const beside = room ? Math.min(BESIDE_STEPS, timed - STAND_IN_START_STEPS - alone) : 0;
    if (beside > 0 && stepSeconds.length === alone) {
      standIn = options.startStandIn();
      standIn.result.catch(() => {}); // stopped below: its end is expected
    }
    if (stepSeconds.length < (beside > 0 ? alone + STAND_IN_START_STEPS + beside : alone)) return undefined;
    standIn?.stop();
    const aloneSeconds = median(stepSeconds.slice(0, alone));
    const plan = fitEpochs({
      budgetSeconds: options.budgetSeconds, elapsedSeconds: options.elapsedSeconds(), stepsDone: stepSeconds.length + 1,
      stepsPerEpoch, minEpochs, alone: aloneSeconds,
      beside: beside > 0 ? median(stepSeconds.slice(alone + STAND_IN_START_STEPS)) : BESIDE_FALLBACK_RATIO * aloneSeconds,
    });
    options.onPlan(plan);
    return plan.epochs;
  };
}
