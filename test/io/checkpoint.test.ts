// Checkpoints as one set: what a save writes, what a load checks (sizes, hashes), leftovers of interrupted saves,
// a full disk mid-save, generator states, the medslip-checkpoint-1 triple, and the reference .pth.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, existsSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as torch from '../../src/torch/index.ts';
import { Linear, LayerNorm, Module } from '../../src/nn/index.ts';
import { AdamW, referenceParamGroups } from '../../src/optim/adamw.ts';
import { readCheckpoint, readModelWeights, saveCheckpoint } from '../../src/io/checkpoint.ts';
import { removeCheckpointLeftovers, type SetFileEntry } from '../../src/io/checkpoint-set.ts';
import { writeSafetensors } from '../../src/io/safetensors.ts';
import { fixturesDir } from '../helpers.ts';
import { simulateFullDisk } from '../full-disk.ts';

class Tiny extends Module {
  readonly fc = this.registerModule('fc', new Linear(4, 3));
  readonly norm = this.registerModule('norm', new LayerNorm(3));
  forward(x: torch.Tensor): torch.Tensor { return this.norm.forward(this.fc.forward(x)); }
}

function trainSteps(model: Tiny, optimizer: AdamW, steps: number): void {
  for (let i = 0; i < steps; i++) {
    torch.scope(() => {
      optimizer.zeroGrad();
      // dropout draws from the global generator: a resumed run must draw the same masks
      torch.nnf.dropout(model.forward(torch.arange(8).reshape(2, 4).div(8).add(i)), 0.5, true).pow(2).sum().backward();
      optimizer.step();
    });
  }
}

function withDir(body: (dir: string) => void | Promise<void>): () => Promise<void> {
  return async () => {
    const dir = mkdtempSync(join(tmpdir(), 'medslip-ckpt-'));
    try {
      await body(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

function trained(steps: number): { model: Tiny; optimizer: AdamW } {
  torch.manualSeed(1);
  const model = new Tiny();
  const optimizer = new AdamW(referenceParamGroups(model.namedParameters()), { lr: 0.01 });
  trainSteps(model, optimizer, steps);
  return { model, optimizer };
}

const setFiles = (dir: string): string[] => readdirSync(dir).filter((n) => n.includes('.set-')).sort();

/** The manifest fields these tests read. */
interface Manifest {
  format: string;
  imageSize?: number;
  files: Record<string, SetFileEntry>;
  generators: Record<string, string>;
}
const readManifest = (path: string): Manifest => JSON.parse(readFileSync(path, 'utf8')) as Manifest;

test('a save is one set: data files under new names, then the manifest with their sizes and hashes', withDir((dir) => {
  const { model, optimizer } = trained(3);
  saveCheckpoint(join(dir, 'last'), { model, modelConfig: { kind: 'tiny' }, optimizer, imageSize: 64, state: { epoch: 2, step: 3 } });
  const files = readdirSync(dir).sort();
  assert.equal(files.length, 3);
  assert.match(files.join(' '), /^last\.json last\.set-([0-9a-f]{8})\.optimizer\.safetensors last\.set-\1\.safetensors$/);
  const manifest = readManifest(join(dir, 'last.json'));
  assert.equal(manifest.format, 'medslip-checkpoint-2');
  assert.equal(manifest.imageSize, 64);
  for (const role of ['model', 'optimizer']) {
    const entry = manifest.files[role];
    const bytes = readFileSync(join(dir, entry.name));
    assert.equal(entry.bytes, bytes.length);
    assert.equal(entry.sha256, createHash('sha256').update(bytes).digest('hex'));
  }
  assert.equal(typeof manifest.generators.cpu, 'string');

  // the next save switches to a new set and removes the previous one
  const first = setFiles(dir);
  trainSteps(model, optimizer, 1);
  const stages: string[] = [];
  saveCheckpoint(join(dir, 'last'), { model, modelConfig: { kind: 'tiny' }, optimizer, state: { epoch: 3 }, onStage: (s) => stages.push(s) });
  assert.deepEqual(stages, ['model', 'optimizer', 'manifest', 'previous removed']);
  const second = setFiles(dir);
  assert.equal(second.length, 2);
  assert.ok(second.every((name) => !first.includes(name)), 'new names');
  assert.equal(readCheckpoint(join(dir, 'last')).state.epoch, 3);
  model.dispose();
  optimizer.dispose();
}));

test('a loaded checkpoint restores model, optimizer and generators: training continues bit for bit, dropout included', withDir((dir) => {
  const { model, optimizer } = trained(3);
  saveCheckpoint(join(dir, 'last'), { model, modelConfig: { kind: 'tiny' }, optimizer, state: { epoch: 2, step: 3 } });
  trainSteps(model, optimizer, 2);

  torch.manualSeed(99);
  const resumed = new Tiny();
  const loaded = readCheckpoint(join(dir, 'last.json'));
  assert.equal(loaded.state.epoch, 2);
  assert.deepEqual(loaded.state.modelConfig, { kind: 'tiny' });
  resumed.loadStateDict(loaded.weights);
  const resumedOptimizer = new AdamW(referenceParamGroups(resumed.namedParameters()), { lr: 0.01 });
  loaded.restoreOptimizer(resumedOptimizer);
  assert.equal(loaded.restoreGenerators(), true);
  trainSteps(resumed, resumedOptimizer, 2);
  for (const [name, tensor] of model.stateDict()) {
    assert.deepEqual([...resumed.stateDict().get(name)!.toArray()], [...tensor.toArray()], name);
  }
  assert.equal(readModelWeights(join(dir, 'last')).source, 'medslip');
  for (const m of [model, resumed]) m.dispose();
  for (const o of [optimizer, resumedOptimizer]) o.dispose();
}));

test('a load checks the set: missing, resized and damaged files are errors naming them', withDir((dir) => {
  const { model, optimizer } = trained(1);
  saveCheckpoint(join(dir, 'last'), { model, modelConfig: { kind: 'tiny' }, optimizer });
  const manifest = readManifest(join(dir, 'last.json'));
  const modelFile = join(dir, manifest.files.model.name), optimizerFile = join(dir, manifest.files.optimizer.name);
  const modelBytes = readFileSync(modelFile);

  truncateSync(optimizerFile, 100);
  rmSync(modelFile);
  assert.throws(() => readCheckpoint(join(dir, 'last')), new Error(`${join(dir, 'last.json')}: the checkpoint's files do not match its manifest: `
    + `${modelFile} is missing; ${optimizerFile} has 100 bytes, the manifest says ${manifest.files.optimizer.bytes}`));

  const damaged = Buffer.from(modelBytes);
  damaged[damaged.length - 1] ^= 0xff; // same size, one bit pattern changed
  writeFileSync(modelFile, damaged);
  saveCheckpoint(join(dir, 'other'), { model, modelConfig: { kind: 'tiny' } }); // unrelated, must not matter
  truncateSync(optimizerFile, manifest.files.optimizer.bytes);
  assert.throws(() => readCheckpoint(join(dir, 'last')),
    new Error(`${modelFile}: its SHA-256 differs from the one recorded in ${join(dir, 'last.json')}; the file is damaged`));
  assert.throws(() => readCheckpoint(join(dir, 'missing')), new Error(`${join(dir, 'missing.json')} does not exist: not a complete medslip checkpoint`));
  model.dispose();
  optimizer.dispose();
}));

test('a full disk mid-save names the file and leaves the previous checkpoint whole, with no stray file', withDir((dir) => {
  const { model, optimizer } = trained(2);
  saveCheckpoint(join(dir, 'best'), { model, modelConfig: { kind: 'tiny' }, optimizer, state: { step: 2 } });
  const before = readdirSync(dir).sort();
  trainSteps(model, optimizer, 1);
  for (const [pattern, failing] of [[/\.optimizer\.safetensors/, /best\.set-[0-9a-f]{8}\.optimizer\.safetensors/], [/best\.json/, /best\.json/]] as const) {
    const restore = simulateFullDisk(pattern);
    try {
      assert.throws(() => saveCheckpoint(join(dir, 'best'), { model, modelConfig: { kind: 'tiny' }, optimizer, state: { step: 3 } }), (error: Error & { code?: string }) => {
        const match = new RegExp(`^${dir}/(.+): cannot write the file \\(ENOSPC: no space left on device, write\\)$`).exec(error.message);
        assert.ok(match && failing.test(match[1]), error.message);
        assert.equal(error.code, 'ENOSPC');
        return true;
      });
    } finally {
      restore();
    }
    assert.deepEqual(readdirSync(dir).sort(), before, 'only the previous set remains');
    assert.equal(readCheckpoint(join(dir, 'best')).state.step, 2);
  }
  model.dispose();
  optimizer.dispose();
}));

test('leftovers of killed saves are removed on the next start; live writes and other files are kept', withDir((dir) => {
  const { model, optimizer } = trained(1);
  saveCheckpoint(join(dir, 'last'), { model, modelConfig: { kind: 'tiny' }, optimizer });
  const current = readdirSync(dir).sort();
  const leftovers = [
    'last.set-0badf00d.safetensors', // written, never switched in
    'best.set-12345678.safetensors', // a set whose manifest never appeared
    '.last.set-0badf00d.optimizer.safetensors.99999999.abcdef01.tmp', // a write killed mid-way
  ];
  const kept = [`.last.json.${process.pid}.0123abcd.tmp`, 'notes.txt', 'last.set-nothex.safetensors'];
  for (const name of [...leftovers, ...kept]) writeFileSync(join(dir, name), 'x');
  assert.deepEqual(removeCheckpointLeftovers(dir).sort(), [...leftovers].sort());
  assert.deepEqual(readdirSync(dir).sort(), [...current, ...kept].sort());
  model.dispose();
  optimizer.dispose();
}));

test('a medslip-checkpoint-1 triple still loads (no generator state), and the next save replaces its files', withDir((dir) => {
  const { model, optimizer } = trained(2);
  const toRaw = (t: torch.Tensor) => torch.toRaw(t) as Parameters<typeof writeSafetensors>[1] extends Map<string, infer R> ? R : never;
  writeSafetensors(join(dir, 'last.safetensors'), new Map([...model.stateDict()].map(([k, t]) => [k, toRaw(t)])), { medslip: JSON.stringify({ kind: 'tiny' }) });
  const moments = new Map(), steps: Record<string, number> = {};
  for (const [name, s] of optimizer.stateByName()) {
    moments.set(`${name}.exp_avg`, toRaw(s.expAvg));
    moments.set(`${name}.exp_avg_sq`, toRaw(s.expAvgSq));
    steps[name] = s.step;
  }
  writeSafetensors(join(dir, 'last.optimizer.safetensors'), moments);
  writeFileSync(join(dir, 'last.json'), JSON.stringify({ format: 'medslip-checkpoint-1', modelConfig: { kind: 'tiny' }, runConfig: { imageSize: 96 },
    optimizer: { lr: 0.01, steps }, epoch: 4 }));

  const loaded = readCheckpoint(join(dir, 'last'));
  assert.equal(loaded.state.epoch, 4);
  assert.equal(loaded.imageSize, 96, 'the run config of an old checkpoint gives its image size');
  assert.equal(loaded.restoreGenerators(), false);
  const copy = new Tiny();
  copy.loadStateDict(loaded.weights);
  const copyOptimizer = new AdamW(referenceParamGroups(copy.namedParameters()), { lr: 0.01 });
  loaded.restoreOptimizer(copyOptimizer);
  assert.deepEqual([...copyOptimizer.stateByName().get('fc.weight')!.expAvg.toArray()], [...optimizer.stateByName().get('fc.weight')!.expAvg.toArray()]);
  assert.equal(readModelWeights(dir).imageSize, 96);

  saveCheckpoint(join(dir, 'last'), { model, modelConfig: { kind: 'tiny' }, optimizer });
  assert.equal(existsSync(join(dir, 'last.safetensors')), false);
  assert.equal(existsSync(join(dir, 'last.optimizer.safetensors')), false);
  assert.equal(setFiles(dir).length, 2);
  for (const m of [model, copy]) m.dispose();
  for (const o of [optimizer, copyOptimizer]) o.dispose();
}));

test('readModelWeights reads the reference PyTorch checkpoint with its config', () => {
  const { weights, modelConfig, source } = readModelWeights(join(fixturesDir, 'medslip-r50-checkpoint', 'checkpoint.pth'));
  assert.equal(source, 'pytorch');
  assert.equal(weights.size, 426);
  assert.equal(modelConfig?.res_base_model, 'resnet50');
});
