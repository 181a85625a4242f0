import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, existsSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as torch from '../../src/torch/index.ts';
import { Linear, LayerNorm, Module } from '../../src/nn/index.ts';
import { AdamW, referenceParamGroups } from '../../src/optim/adamw.ts';
import { readCheckpoint, readModelWeights, saveCheckpoint } from '../../src/io/checkpoint.ts';
import { fixturesDir } from '../helpers.ts';

class Tiny extends Module {
  readonly fc = this.registerModule('fc', new Linear(4, 3));
  readonly norm = this.registerModule('norm', new LayerNorm(3));
  forward(x: torch.Tensor): torch.Tensor { return this.norm.forward(this.fc.forward(x)); }
}

function trainSteps(model: Tiny, optimizer: AdamW, steps: number): void {
  for (let i = 0; i < steps; i++) {
    torch.scope(() => {
      optimizer.zeroGrad();
      model.forward(torch.arange(8).reshape(2, 4).div(8).add(i)).pow(2).sum().backward();
      optimizer.step();
    });
  }
}

test('a saved checkpoint restores model, optimizer and state; training continues identically', () => {
  const dir = mkdtempSync(join(tmpdir(), 'medslip-ckpt-'));
  try {
    torch.manualSeed(1);
    const model = new Tiny();
    const optimizer = new AdamW(referenceParamGroups(model.namedParameters()), { lr: 0.01 });
    trainSteps(model, optimizer, 3);
    saveCheckpoint(join(dir, 'last'), { model, modelConfig: { kind: 'tiny' }, optimizer, state: { epoch: 2, step: 3 } });
    assert.deepEqual(readdirSync(dir).sort(), ['last.json', 'last.optimizer.safetensors', 'last.safetensors']);

    torch.manualSeed(99);
    const resumed = new Tiny();
    const loaded = readCheckpoint(join(dir, 'last.json'));
    assert.equal(loaded.state.epoch, 2);
    assert.deepEqual(loaded.state.modelConfig, { kind: 'tiny' });
    resumed.loadStateDict(loaded.weights);
    const resumedOptimizer = new AdamW(referenceParamGroups(resumed.namedParameters()), { lr: 0.01 });
    loaded.restoreOptimizer(resumedOptimizer);
    trainSteps(model, optimizer, 2);
    trainSteps(resumed, resumedOptimizer, 2);
    for (const [name, tensor] of model.stateDict()) {
      assert.deepEqual([...resumed.stateDict().get(name)!.toArray()], [...tensor.toArray()], name);
    }
    assert.equal(readModelWeights(join(dir, 'last')).source, 'medslip');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('an incomplete checkpoint (no JSON) is refused, naming the file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'medslip-ckpt-'));
  try {
    assert.throws(() => readCheckpoint(join(dir, 'missing')), new RegExp(`${join(dir, 'missing.json')} does not exist`));
    assert.equal(existsSync(join(dir, 'missing.json')), false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('readModelWeights reads the reference PyTorch checkpoint with its config', () => {
  const { weights, modelConfig, source } = readModelWeights(join(fixturesDir, 'medslip-r50-checkpoint', 'checkpoint.pth'));
  assert.equal(source, 'pytorch');
  assert.equal(weights.size, 426);
  assert.equal(modelConfig?.res_base_model, 'resnet50');
});
