// The demo's epoch budget: the epochs that fit, priced by hand; the planner's phases (alone, the stand-in's start,
// beside) and its answer within the deadline, also for a first epoch too short to time both speeds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { demoEpochPlanner, fitEpochs, DEMO_EPOCHS, type EpochPlan } from '../../src/tasks/demo-budget.ts';
import type { CeilingProcess } from '../../src/tasks/ceiling-process.ts';

test('fitEpochs: the most epochs whose predicted pre-training fits the budget', () => {
  // 27 steps per epoch, 22 done in 35 s; the ceiling beside for 0.46 of the run's steps at 2.5 s, the rest at 1.4 s,
  // 4 s per epoch: 9 epochs → 35 + 111.78·2.5 + 109.22·1.4 + 36 = 503.358 s;
  // 10 epochs → 35 + 124.2·2.5 + 123.8·1.4 + 40 = 558.82 s; 11 epochs → 35 + 136.62·2.5 + 138.38·1.4 + 44 = 614.282 s
  const options = { budgetSeconds: 560, elapsedSeconds: 35, stepsDone: 22, stepsPerEpoch: 27, alone: 1.4, beside: 2.5 };
  const plan = fitEpochs(options);
  assert.equal(plan.epochs, 10);
  assert.ok(Math.abs(plan.predicted - 558.82) < 1e-9, String(plan.predicted));
  assert.equal(fitEpochs({ ...options, budgetSeconds: 558.8 }).epochs, 9);
  assert.equal(fitEpochs({ ...options, budgetSeconds: 614.3 }).epochs, 11);
  assert.equal(fitEpochs({ ...options, alone: 100, beside: 100 }).epochs, DEMO_EPOCHS.min, 'a slow machine gets the fewest');
  assert.equal(fitEpochs({ ...options, alone: 100, beside: 100, minEpochs: 5 }).epochs, 5, 'and never fewer than the warm-up needs');
  assert.equal(fitEpochs({ ...options, alone: 0.01, beside: 0.01 }).epochs, DEMO_EPOCHS.max, 'a fast one the most');
});

/** A fake stand-in that records its start and stop. */
function standIns(): { start: () => CeilingProcess; events: string[] } {
  const events: string[] = [];
  return {
    events,
    start: () => {
      events.push('start');
      return { result: new Promise(() => {}), stop: () => { events.push('stop'); } } as unknown as CeilingProcess;
    },
  };
}

test('the planner times 6 steps alone, starts the stand-in, leaves 3 steps to its start, times 12 beside, stops it and answers', () => {
  const fake = standIns();
  const plans: EpochPlan[] = [];
  const planner = demoEpochPlanner({ budgetSeconds: 560, elapsedSeconds: () => 35, startStandIn: fake.start, onPlan: (plan) => plans.push(plan) });
  const seconds: number[] = [];
  const answers: (number | undefined)[] = [];
  // alone: 1.3–1.5 s (median 1.4); the stand-in's start: 9, 1, 1 s (not used); beside: 2.4–2.6 s (median 2.5)
  for (const s of [1.5, 1.3, 1.4, 1.4, 1.45, 1.35, 9, 1, 1, 2.5, 2.4, 2.6, 2.5, 2.5, 2.45, 2.55, 2.5, 2.5, 2.5, 2.6, 2.4]) {
    seconds.push(s);
    answers.push(planner({ stepSeconds: seconds, stepsPerEpoch: 27, deadline: 27, minEpochs: 2 }));
    if (seconds.length === 6) assert.deepEqual(fake.events, ['start'], 'the stand-in starts after the 6th timed step');
  }
  assert.deepEqual(answers.slice(0, -1), new Array(20).fill(undefined));
  assert.equal(answers.at(-1), 10, 'at step 22, within the deadline');
  assert.deepEqual(fake.events, ['start', 'stop']);
  assert.deepEqual([plans[0].alone, plans[0].beside, plans[0].steps], [1.4, 2.5, 270]);
});

test('a first epoch of 3 steps: the planner times the 2 it has alone and prices a step beside at 1.8× alone', () => {
  const fake = standIns();
  const planner = demoEpochPlanner({ budgetSeconds: 100, elapsedSeconds: () => 5, startStandIn: fake.start, onPlan: () => {} });
  const planning = { stepsPerEpoch: 3, deadline: 3, minEpochs: 10 };
  assert.equal(planner({ ...planning, stepSeconds: [1] }), undefined);
  const epochs = planner({ ...planning, stepSeconds: [1, 1] });
  // 3 steps done; per epoch 3 steps + 4 s; 0.46 of the steps at 1.8 s, the rest at 1 s: E epochs cost
  // 5 + 1.38E·1.8 + (3E − 3 − 1.38E) + 4E = 2 + 8.104E ≤ 100 → E = 12 (99.25 s; 13: 107.35 s)
  assert.equal(epochs, 12);
  assert.deepEqual(fake.events, [], 'no stand-in when there is no room to time steps beside it');
});
