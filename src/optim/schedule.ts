/**
 * Learning-rate schedules: warm-up then cosine decay.
 *
 * Provenance: `cosineSchedule` mirrors the reference's timm `CosineLRScheduler` (t_in_epochs, warm-up prefix,
 * no noise): for t < warmupT, lr = warmupLrInit + t·(base − warmupLrInit)/warmupT; after it, with
 * t' = t − warmupT, lr = lrMin + ½(base − lrMin)(1 + cos(π·t'/tInitial)), and lrMin once the cycle limit is
 * passed. The arithmetic is written in timm's order so that the values equal the reference's bit for bit.
 *
 * `referenceLrAt` reproduces what the reference pre-training loop actually applies, which is not lrAt(epoch):
 * in epoch 0 it steps the scheduler every 100 iterations (so the "5 warm-up epochs" are 500 iterations), and at
 * the start of epoch e ≥ 1 it calls step(e + 5). medslip's own trainer uses `cosineWithWarmup` per optimizer
 * step instead.
 */
import { checkFinite, checkInteger } from '../util/check.ts';

export interface CosineScheduleOptions {
  /** Peak learning rate reached after warm-up (timm: the optimizer's lr). */
  baseLr: number;
  /** Length of one cosine cycle, in scheduler steps (timm t_initial; the reference: 100 epochs). */
  tInitial: number;
  /** Floor of the cosine (timm lr_min). Default 0. */
  lrMin?: number;
  /** Warm-up steps (timm warmup_t). Default 0. */
  warmupT?: number;
  /** Learning rate at step 0 of the warm-up (timm warmup_lr_init). Default 0. */
  warmupLrInit?: number;
  /** Cycle length multiplier (timm t_mul). Default 1. */
  tMul?: number;
  /** Peak decay per cycle (timm decay_rate). Default 1. */
  decayRate?: number;
  /** Number of cycles before the lr stays at lrMin; 0 = unlimited (timm cycle_limit). Default 1. */
  cycleLimit?: number;
  /** Whether the cosine starts after the warm-up (t − warmupT) rather than at t = 0. Default true (the reference). */
  warmupPrefix?: boolean;
  /** Iterations between scheduler steps during the reference's epoch-0 warm-up. Default 100. */
  warmupStepIterations?: number;
}

export interface CosineSchedule {
  /** The learning rate after `step(t)` (t in scheduler steps, epochs in the reference). */
  lrAt(t: number): number;
  /** The learning rate the reference pre-training loop applies at `iteration` of `epoch`. */
  referenceLrAt(epoch: number, iteration: number): number;
}

/** The reference pre-training configuration (Pretrain_MeDSLIP.yaml: cosine, 100 epochs, warm-up 5 from 1e-5, 1e-4 → 1e-5). */
export const REFERENCE_PRETRAIN_SCHEDULE: Readonly<CosineScheduleOptions> = Object.freeze({
  baseLr: 1e-4,
  tInitial: 100,
  lrMin: 1e-5,
  warmupT: 5,
  warmupLrInit: 1e-5,
  tMul: 1,
  decayRate: 1,
  cycleLimit: 1,
  warmupPrefix: true,
  warmupStepIterations: 100,
});

/**
 * timm's cosine schedule with warm-up.
 *
 * @example cosineSchedule(REFERENCE_PRETRAIN_SCHEDULE).lrAt(55) // 5.5e-5
 * @throws {TypeError|RangeError} for a missing or out-of-range option.
 */
export function cosineSchedule(options: CosineScheduleOptions): CosineSchedule {
  const baseLr = checkFinite('baseLr', options.baseLr, 0);
  const tInitial = checkFinite('tInitial', options.tInitial, 0, Infinity, '()');
  const lrMin = checkFinite('lrMin', options.lrMin ?? 0, 0);
  const warmupT = checkFinite('warmupT', options.warmupT ?? 0, 0);
  const warmupLrInit = checkFinite('warmupLrInit', options.warmupLrInit ?? 0, 0);
  const tMul = checkFinite('tMul', options.tMul ?? 1, 0, Infinity, '()');
  const decayRate = checkFinite('decayRate', options.decayRate ?? 1, 0);
  const cycleLimit = checkInteger('cycleLimit', options.cycleLimit ?? 1, 0);
  const warmupPrefix = options.warmupPrefix ?? true;
  const warmupStepIterations = checkInteger('warmupStepIterations', options.warmupStepIterations ?? 100, 1);
  const warmupStep = warmupT > 0 ? (baseLr - warmupLrInit) / warmupT : 0;

  function lrAt(t: number): number {
    checkFinite('t', t, 0);
    if (t < warmupT) return warmupLrInit + t * warmupStep;
    const tc = warmupPrefix ? t - warmupT : t;
    let cycle: number;
    let cycleLength: number;
    let tInCycle: number;
    if (tMul !== 1) {
      cycle = Math.floor(Math.log(1 - (tc / tInitial) * (1 - tMul)) / Math.log(tMul));
      cycleLength = tMul ** cycle * tInitial;
      tInCycle = tc - ((1 - tMul ** cycle) / (1 - tMul)) * tInitial;
    } else {
      cycle = Math.floor(tc / tInitial);
      cycleLength = tInitial;
      tInCycle = tc - tInitial * cycle;
    }
    if (cycleLimit !== 0 && cycle >= cycleLimit) return lrMin;
    const gamma = decayRate ** cycle;
    const cycleMin = lrMin * gamma;
    const cycleMax = baseLr * gamma;
    return cycleMin + 0.5 * (cycleMax - cycleMin) * (1 + Math.cos((Math.PI * tInCycle) / cycleLength));
  }

  function referenceLrAt(epoch: number, iteration: number): number {
    checkInteger('epoch', epoch, 0);
    checkInteger('iteration', iteration, 0);
    if (epoch >= 1) return lrAt(epoch + warmupT);
    // The loop calls step(i / 100) after the optimizer step of iterations 0, 100, …, 100·warmupT, so
    // iteration i (1-based after the first step) runs with the lr of the last such call.
    const stepsTaken = Math.max(0, Math.ceil(iteration / warmupStepIterations) - 1);
    return lrAt(Math.min(stepsTaken, warmupT));
  }

  return { lrAt, referenceLrAt };
}

/** Options of the per-optimizer-step schedule used by medslip's trainer. */
export interface CosineWithWarmupOptions {
  baseLr: number;
  minLr: number;
  /** Learning rate at step 0. */
  warmupLr: number;
  /** Steps of linear warm-up from warmupLr to baseLr (0 = start at baseLr). */
  warmupSteps: number;
  /** Total optimizer steps: the cosine runs from baseLr at warmupSteps to minLr at totalSteps, then stays. */
  totalSteps: number;
}

/**
 * Linear warm-up then cosine decay, per optimizer step.
 *
 * @example const lrAt = cosineWithWarmup({ baseLr: 1e-4, minLr: 1e-5, warmupLr: 1e-5, warmupSteps: 500, totalSteps: 10_000 });
 *          lrAt(0) // 1e-5; lrAt(500) // 1e-4; lrAt(10_000) // 1e-5
 * @throws {RangeError} for negative rates or steps, or warmupSteps > totalSteps.
 */
export function cosineWithWarmup(options: CosineWithWarmupOptions): (step: number) => number {
  const baseLr = checkFinite('baseLr', options.baseLr, 0);
  const minLr = checkFinite('minLr', options.minLr, 0);
  const warmupLr = checkFinite('warmupLr', options.warmupLr, 0);
  const warmupSteps = checkInteger('warmupSteps', options.warmupSteps, 0);
  const totalSteps = checkInteger('totalSteps', options.totalSteps, 1);
  if (warmupSteps > totalSteps) {
    throw new RangeError(`Expected warmupSteps ≤ totalSteps (${totalSteps}) but received ${warmupSteps}`);
  }
  const decaySteps = totalSteps - warmupSteps;
  return (step: number): number => {
    checkFinite('step', step, 0);
    if (step < warmupSteps) return warmupLr + ((baseLr - warmupLr) * step) / warmupSteps;
    if (decaySteps === 0 || step >= totalSteps) return minLr;
    const progress = (step - warmupSteps) / decaySteps;
    return minLr + 0.5 * (baseLr - minLr) * (1 + Math.cos(Math.PI * progress));
  };
}
