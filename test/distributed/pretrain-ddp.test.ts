// `medslip pretrain --nproc-per-node 2` on Gloo, against one process:
// - two ranks with batch 4 end with the weights (within 1e-5 after 5 steps) of one process that runs the same
//   8 samples per step as two gradient-accumulated micro-batches of 4 (dropout 0, no RandAugment; the crop and
//   flip of a sample are functions of (seed, epoch, index), so both see the same images). The workers run with
//   this process's thread counts (libtorch and OpenBLAS): OpenBLAS splits its sums by thread count, and Adam turns
//   the round-off of gradients that are ≈ 0 into steps of ±lr — with 2 OpenBLAS threads here and 1 in the
//   workers the weights differed by 1.1e-3 after 5 steps at lr 1e-3; with equal counts they are bitwise equal.
// - only rank 0 prints (and writes), and its validation loss is the mean over both ranks' validation batches;
// - a killed rank fails the job within the timeout, naming the rank; Ctrl-C stops both ranks and saves once, and
//   the run resumes in one process.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import * as torch from '../../src/torch/index.ts';
import { repoRoot } from '../helpers.ts';
import { loadPretrainConfig, lossWeightsOf } from '../../src/tasks/pretrain/config.ts';
import { openPretrainLoaders } from '../../src/tasks/pretrain/data.ts';
import { MeDSLIP } from '../../src/models/medslip.ts';
import { medslipConfigFrom } from '../../src/models/load.ts';
import { AdamW, referenceParamGroups } from '../../src/optim/adamw.ts';
import { loadBooks } from '../../src/text/encode-books.ts';
import { readCheckpoint } from '../../src/io/checkpoint.ts';
import { disposeBatch } from '../../src/data/loader/index.ts';

const work = mkdtempSync(join(tmpdir(), 'medslip-ddp-'));
process.on('exit', () => rmSync(work, { recursive: true, force: true }));

// 56 images: 11 held out, 5 validation, 40 training → 20 per rank → 5 steps of 4 per rank in one epoch.
// Constant lr (minLr = lr, no warm-up), no clipping: the only difference between the two runs is where the
// gradients are summed.
const settings = [
  'backbone=resnet18', 'dModel=32', 'heads=4', 'layers=1', 'dropout=0', 'imageSize=32', 'syntheticSize=32',
  'syntheticCount=56', 'batchSize=4', 'epochs=1', 'randAugment=false', 'lr=1e-3', 'minLr=1e-3', 'warmupSteps=0',
  'logInterval=1', 'workers=0', `syntheticDir=${join(work, 'data')}`,
];

// The workers' thread counts are this process's (see above). OpenBLAS reads OMP_NUM_THREADS when it loads and
// otherwise uses every core.
const sameThreads = { ...process.env, MEDSLIP_THREADS: String(torch.getNumThreads()),
  OMP_NUM_THREADS: process.env.OMP_NUM_THREADS ?? String(availableParallelism()) };

interface Finished { code: number | null; stdout: string; stderr: string; seconds: number }

let child: ReturnType<typeof spawn> | undefined;

/** Runs the medslip command (the latest one is `child`); `onStderr` sees stderr so far as it arrives. */
function medslip(args: string[], onStderr?: (text: string) => void): Promise<Finished> {
  const started = Date.now();
  return new Promise((resolve) => {
    child = spawn(process.execPath, [join(repoRoot, 'bin', 'medslip.js'), ...args], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'], env: sameThreads });
    let stdout = '', stderr = '';
    child.stdout!.on('data', (chunk: Buffer) => { stdout += chunk.toString(); });
    child.stderr!.on('data', (chunk: Buffer) => { stderr += chunk.toString(); onStderr?.(stderr); });
    child.on('exit', (code) => resolve({ code, stdout, stderr, seconds: (Date.now() - started) / 1000 }));
  });
}

test('2 ranks × batch 4 = 1 process with 2 accumulated micro-batches of 4: weights within 1e-5 after 5 steps', async () => {
  const out = join(work, 'ddp');
  const run = await medslip(['pretrain', '--nproc-per-node', '2', '--out', out, '--quiet', '--dist-timeout', '300', ...settings]);
  assert.equal(run.code, 0, run.stderr);
  // only rank 0 prints: one epoch line, one closing line
  assert.equal(run.stdout.match(/^epoch 1\/1: /gm)?.length, 1, run.stdout);
  assert.equal(run.stdout.match(/^done: 1 epoch\(s\), 5 steps/gm)?.length, 1, run.stdout);
  // one writer: one checkpoint set each for best and last (data files named by the set), nothing else
  assert.deepEqual(readdirSync(out).map((name) => name.replace(/\.set-[0-9a-f]{8}/, '.set')).sort(), ['best.json', 'best.set.optimizer.safetensors',
    'best.set.safetensors', 'books.safetensors', 'config.json', 'history.json', 'last.json', 'last.set.optimizer.safetensors', 'last.set.safetensors',
    'log.jsonl', 'loss.png']);
  const steps = readFileSync(join(out, 'log.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { type: string; step?: number })
    .filter((e) => e.type === 'step');
  assert.deepEqual(steps.map((e) => e.step), [1, 2, 3, 4, 5]);

  // The same 5 steps in this process: rank r's batch b as micro-batch r, each loss halved (DDP averages).
  const config = loadPretrainConfig({ overrides: settings });
  torch.manualSeed(config.seed);
  const books = loadBooks(join(out, 'books.safetensors'));
  const modelConfig = medslipConfigFrom({ backbone: config.backbone, dModel: config.dModel, heads: config.heads, layers: config.layers,
    dropout: config.dropout, textDim: books.pathology.shape[1], init: config.init });
  const model = new MeDSLIP(modelConfig);
  const optimizer = new AdamW(referenceParamGroups(model.namedParameters(), config.weightDecay), { lr: config.lr });
  const shards = await Promise.all([0, 1].map((rank) => openPretrainLoaders(config, () => {}, { rank, worldSize: 2 })));
  const trainBatches = await Promise.all(shards.map(async ({ train }) => { const all = []; for await (const b of train.epoch(0)) all.push(b); return all; }));
  assert.deepEqual(trainBatches.map((b) => b.length), [5, 5]);
  const weights = lossWeightsOf(config);
  const bookTensors = { pathology: books.pathology, anatomy: books.anatomy };
  for (let step = 0; step < 5; step++) {
    optimizer.setLr(config.lr);
    optimizer.zeroGrad();
    for (const rank of [0, 1]) torch.scope(() => model.losses(trainBatches[rank][step], bookTensors, weights).loss.mul(0.5).backward());
    optimizer.step();
  }
  const saved = new MeDSLIP(modelConfig);
  saved.loadStateDict(readCheckpoint(join(out, 'last')).weights);
  let maxDiff = 0;
  const savedParameters = new Map(saved.namedParameters());
  for (const [name, parameter] of model.namedParameters()) {
    const other = savedParameters.get(name)!;
    maxDiff = Math.max(maxDiff, torch.scope(() => parameter.sub(other).abs().max().item()));
  }
  const moved = torch.scope(() => {
    const fresh = new MeDSLIP(modelConfig); // how far 5 steps moved the weights: the comparison is not trivial
    return Math.max(...fresh.namedParameters().map(([name, p]) => p.sub(savedParameters.get(name)!).abs().max().item()));
  });
  console.log(`max |Δ| between 2 ranks and 1 process after 5 steps: ${maxDiff.toExponential(2)} (weights moved up to ${moved.toExponential(2)})`);
  assert.ok(maxDiff <= 1e-5, `max |Δ| ${maxDiff}`);
  assert.ok(moved > 1e-3, `training moved the weights by ${moved}`);

  // Validation: the mean of both ranks' validation batches, on rank 0's model (the one saved).
  saved.eval();
  const validLosses: number[] = [];
  for (const { valid } of shards) {
    for await (const batch of valid.epoch(0)) {
      validLosses.push(torch.scope(() => torch.noGrad(() => saved.losses(batch, bookTensors, weights).loss.item())));
      disposeBatch(batch);
    }
  }
  const history = JSON.parse(readFileSync(join(out, 'history.json'), 'utf8')) as { valLoss: number }[];
  const expected = validLosses.reduce((a, b) => a + b, 0) / validLosses.length;
  assert.equal(validLosses.length, 2, 'one validation batch per rank (3 and 2 images)');
  assert.ok(Math.abs(history[0].valLoss - expected) < 1e-5, `validation loss ${history[0].valLoss}, expected ${expected}`);
  for (const batch of trainBatches.flat()) disposeBatch(batch);
  for (const shard of shards) { await shard.train.close(); await shard.valid.close(); }
});

test('a killed rank fails the job within the timeout, naming the rank', async () => {
  const out = join(work, 'killed');
  let stderr = '', killed: number | undefined, killedAt = 0;
  const finished = medslip(['pretrain', '--nproc-per-node', '2', '--out', out, '--quiet', '--dist-timeout', '300', ...settings, 'epochs=50'],
    (text) => { stderr = text; });
  const poll = setInterval(() => {
    const pid = stderr.match(/rank 1 of 2 started \(pid (\d+)\)/)?.[1];
    if (pid && killed === undefined && existsSync(join(out, 'log.jsonl'))) { // training has begun
      killed = Number(pid);
      killedAt = Date.now();
      process.kill(killed, 'SIGKILL');
    }
  }, 100);
  const run = await finished;
  clearInterval(poll);
  assert.ok(killed !== undefined, `rank 1 was never killed: ${run.stderr}`);
  const seconds = (Date.now() - killedAt) / 1000;
  assert.equal(run.code, 1, run.stderr);
  assert.match(run.stderr, new RegExp(`medslip: the job failed: rank 1 \\(local rank 1, pid ${killed}\\) was killed by SIGKILL`));
  assert.ok(seconds < 30, `the job ended ${seconds} s after the kill (timeout 300 s)`);
});

test('Ctrl-C stops both ranks at the same step and rank 0 saves once; one process resumes the run', async () => {
  const out = join(work, 'interrupted');
  let stderr = '', interrupted = false;
  const finished = medslip(['pretrain', '--nproc-per-node', '2', '--out', out, '--quiet', '--dist-timeout', '300', ...settings, 'epochs=50'],
    (text) => { stderr = text; });
  const poll = setInterval(() => {
    const launcher = stderr.includes('rank 1 of 2 started');
    if (launcher && !interrupted && existsSync(join(out, 'log.jsonl'))) {
      interrupted = true;
      child?.kill('SIGINT');
    }
  }, 100);
  const run = await finished;
  clearInterval(poll);
  assert.equal(run.code, 130, run.stderr); // stopped by SIGINT, like one process
  assert.equal(run.stdout.match(/^saved .*last at epoch \d+, batch \d+; continue with --resume/gm)?.length, 1, run.stdout);
  assert.match(run.stdout, /^stopped: \d+ epoch\(s\), \d+ steps/m);
  const saved = readCheckpoint(join(out, 'last')).state.run as { step: number; epoch: number; batchInEpoch: number };
  assert.ok(saved.step >= 1);

  // the same run continues in one process: the interrupted epoch from the same fraction (2 ranks' batch b is
  // one process's batch 2b), then its validation and checkpoints
  const resumed = await medslip(['pretrain', '--resume', out, '--out', out, '--quiet', `epochs=${saved.epoch + 1}`]);
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.match(resumed.stdout, new RegExp(`the run was saved with 2 process\\(es\\), continues with 1: from batch ${saved.batchInEpoch * 2} of the epoch`));
  const end = readCheckpoint(join(out, 'last')).state.run as { step: number; epoch: number };
  assert.equal(end.epoch, saved.epoch + 1);
  assert.equal(end.step, saved.step + (10 - saved.batchInEpoch * 2), 'one process runs 10 batches of 4 per epoch');
});
