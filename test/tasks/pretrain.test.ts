// Pre-training end to end on a tiny synthetic set: two epochs, an interrupted run resumed (dropout on) to
// bit-identical weights, checkpoints/log/plot written; run folders that are never reused by accident; errors before
// work (model settings on resume, books of another width, a NaN loss naming a checkpoint that exists); and the
// config parser (reference YAML keys, typed overrides, unknown keys, the --help table).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadPretrainConfig, settingsHelp, PRETRAIN_DEFAULTS } from '../../src/tasks/pretrain/config.ts';
import { runPretrain, type PretrainOptions } from '../../src/tasks/pretrain.ts';
import { readCheckpoint } from '../../src/io/checkpoint.ts';
import { writeSafetensors } from '../../src/io/safetensors.ts';

const work = mkdtempSync(join(tmpdir(), 'medslip-pretrain-'));
process.on('exit', () => rmSync(work, { recursive: true, force: true }));

const tiny = [
  'backbone=resnet18', 'dModel=32', 'heads=4', 'layers=1', 'dropout=0.1', 'imageSize=32', 'syntheticSize=32',
  'syntheticCount=40', 'batchSize=8', 'epochs=2', 'warmupSteps=2', 'logInterval=1', 'workers=0',
  `syntheticDir=${join(work, 'data')}`,
];
const quiet = { quiet: true, log: () => {} };
const run = (options: Omit<PretrainOptions, 'config'> & { overrides?: string[] }) =>
  runPretrain({ config: loadPretrainConfig({ overrides: [...tiny, ...(options.overrides ?? [])] }), ...quiet, ...options });

test('two epochs write checkpoints, log, loss curve and books; an interrupted run resumes in its folder to bit-identical weights, dropout on', async () => {
  const full = await run({ out: join(work, 'full') });
  assert.equal(full.epochsDone, 2);
  assert.equal(full.interrupted, false);
  const stepsPerEpoch = full.steps / 2;
  assert.ok(stepsPerEpoch >= 3, `steps per epoch ${stepsPerEpoch}`);
  for (const file of ['last.json', 'best.json', 'log.jsonl', 'loss.png', 'history.json', 'books.safetensors', 'config.json']) {
    assert.ok(existsSync(join(work, 'full', file)), `${file} written`);
  }
  const log = readFileSync(join(work, 'full', 'log.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { type: string; loss: number });
  assert.equal(log.filter((l) => l.type === 'epoch').length, 2);
  assert.ok(log.filter((l) => l.type === 'step').every((l) => Number.isFinite(l.loss) && l.loss > 0));
  assert.ok(Number.isFinite(full.bestValLoss));
  assert.equal(readCheckpoint(join(work, 'full', 'last')).imageSize, 32);

  // interrupted after 2 steps of epoch 1, then resumed with only --resume (the run's folder)
  const partial = await run({ out: join(work, 'resumed'), maxSteps: 2 });
  assert.equal(partial.interrupted, true);
  assert.equal(partial.steps, 2);
  const saved = readCheckpoint(join(work, 'resumed', 'last')).state.run as { epoch: number; batchInEpoch: number };
  assert.deepEqual([saved.epoch, saved.batchInEpoch], [0, 2]);
  const resumed = await run({ resume: join(work, 'resumed') });
  assert.equal(resumed.out, join(work, 'resumed'));
  assert.equal(resumed.steps, full.steps);
  const a = readCheckpoint(join(work, 'full', 'last')), b = readCheckpoint(join(work, 'resumed', 'last'));
  for (const [name, tensor] of a.weights) assert.deepEqual(b.weights.get(name)!.data, tensor.data, name);
  assert.deepEqual(b.state.generators, a.state.generators);
  const fields = (dir: string) => readFileSync(join(work, dir, 'log.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>)
    .map(({ type, step, epoch, loss, trainLoss, valLoss }) => ({ type, step, epoch, loss, trainLoss, valLoss }));
  assert.deepEqual(fields('resumed'), fields('full'), 'the resumed run logs the same steps, once');
});

test('planEpochs: a run whose epochs are planned in its warm-up is the run those epochs give from the start, bit for bit', async () => {
  const calls: number[] = [];
  const planned = await run({ out: join(work, 'planned'), overrides: ['epochs=6'],
    planEpochs: ({ stepSeconds, stepsPerEpoch, deadline, minEpochs }) => {
      // 40 images: 32 pre-training, 29 trained on, 3 batches of 8; the warm-up of 2 steps ends first
      assert.deepEqual([stepsPerEpoch, deadline, minEpochs], [3, 2, 1]);
      calls.push(stepSeconds.length);
      return stepSeconds.length === 1 ? 2 : undefined;
    } });
  assert.deepEqual(calls, [0, 1], 'asked after each step until it answers (the first step is not timed)');
  assert.equal(planned.epochsDone, 2);
  const a = readCheckpoint(join(work, 'full', 'last')), b = readCheckpoint(join(work, 'planned', 'last'));
  assert.equal((b.state.run as { step: number }).step, (a.state.run as { step: number }).step);
  for (const [name, tensor] of a.weights) assert.deepEqual(b.weights.get(name)!.data, tensor.data, name);
  assert.equal((JSON.parse(readFileSync(join(work, 'planned', 'config.json'), 'utf8')) as { epochs: number }).epochs, 2, 'config.json holds the planned epochs');
  assert.equal((b.state.runConfig as { epochs: number }).epochs, 2);

  // no answer within the warm-up (2 steps here), an answer too short for the warm-up, a resumed run: errors
  await assert.rejects(run({ out: join(work, 'unplanned'), planEpochs: () => undefined }),
    new Error('planEpochs gave no epochs within the first 2 steps (the warm-up, in the first epoch)'));
  await assert.rejects(run({ out: join(work, 'short'), overrides: ['warmupSteps=3'], planEpochs: () => 0 }),
    /planEpochs gave 0 epochs: expected a whole number whose \d+ steps each hold the 3 warm-up steps/);
  await assert.rejects(run({ resume: join(work, 'planned'), planEpochs: () => 3 }), /planEpochs needs a new single-process run/);
});

test('run folders: a new run refuses an earlier run or other files; --overwrite replaces only a run; --resume continues in its own folder', async () => {
  const dir = join(work, 'full');
  await assert.rejects(run({ out: dir }), new Error(`${dir}: already holds a pre-training run; continue it with --resume ${dir}, or replace it with --overwrite`));
  const other = join(work, 'other');
  mkdirSync(other);
  writeFileSync(join(other, 'notes.txt'), 'mine');
  for (const overwrite of [false, true]) {
    await assert.rejects(run({ out: other, overwrite }),
      new Error(`${other}: exists and holds other files (notes.txt); choose another --out (--overwrite only replaces an earlier run)`));
  }
  assert.deepEqual(readdirSync(other), ['notes.txt']);
  writeFileSync(join(work, 'a-file'), '');
  await assert.rejects(run({ out: join(work, 'a-file') }), new Error(`${join(work, 'a-file')}: exists and is not a folder; choose another --out`));
  await assert.rejects(run({ resume: dir, overwrite: true }),
    new Error(`--resume and --overwrite exclude each other: --resume continues the run in ${dir}, --overwrite starts one again`));
  await assert.rejects(run({ resume: dir, out: other }),
    new Error(`--out ${other} is not the folder of the resumed run (${dir}): a resumed run continues in its own folder; leave --out out`));

  // --overwrite: the earlier run's files go, other files stay
  const replaced = join(work, 'replaced');
  await run({ out: replaced, maxSteps: 1 });
  writeFileSync(join(replaced, 'notes.txt'), 'mine');
  const lines: string[] = [];
  const again = await runPretrain({ config: loadPretrainConfig({ overrides: tiny }), out: replaced, overwrite: true, maxSteps: 2, quiet: true, log: (l) => lines.push(l) });
  assert.equal(again.steps, 2, 'started from step 0');
  assert.match(lines[0], new RegExp(`^${replaced}: removed .*config\\.json.*last\\.json.*log\\.jsonl.* \\(the replaced run\\)$`));
  assert.equal(readFileSync(join(replaced, 'notes.txt'), 'utf8'), 'mine');
  assert.equal(readFileSync(join(replaced, 'log.jsonl'), 'utf8').trim().split('\n').length, 2, 'a fresh log');
});

test('resume: the model\'s settings cannot change; books of another width name the books file', async () => {
  const dir = join(work, 'full');
  await assert.rejects(run({ resume: dir, resumeOverrides: { dModel: 64 } }),
    new Error(`${join(dir, 'last.json')}: setting "dModel" is 32 in the resumed run and cannot change (it defines the model); leave it out, or start a new run`));
  await assert.rejects(run({ resume: dir, resumeOverrides: { backbone: 'resnet50' } }), /setting "backbone" is "resnet18" in the resumed run and cannot change/);
  // the same value, or a run setting such as epochs, is fine: the run is complete and stays so
  const same = await run({ resume: dir, resumeOverrides: { dModel: 32, epochs: 2 } });
  assert.equal(same.interrupted, false);

  const narrow = join(work, 'narrow');
  await run({ out: narrow, maxSteps: 1 });
  const zeros = (rows: number) => ({ dtype: 'float32' as const, shape: [rows, 16], data: new Float32Array(rows * 16) });
  writeSafetensors(join(narrow, 'books.safetensors'), { pathology: zeros(75), anatomy: zeros(51) }, { encoder: 'medslip-hash-v1' });
  await assert.rejects(run({ resume: narrow }), new RangeError(`${join(narrow, 'books.safetensors')}: the pathology book is (75, 16) but the model expects (75, 768); use the books the model was trained with (its run folder's books.safetensors)`));
});

test('a NaN loss stops the run naming a checkpoint that exists (or none yet), and prints NaN as NaN', async () => {
  const fresh = join(work, 'nan-fresh');
  await assert.rejects(run({ out: fresh, overrides: ['lr=1e30', 'warmupSteps=0'] }), (error: Error) => {
    assert.match(error.message, /^loss became NaN at epoch 1, batch (\d+) \(step \1\): loss NaN, lossCePathology \S+, lossClPathology \S+, lossCeAnatomy \S+, lossClAnatomy \S+, lossAp \S+; training stopped: no checkpoint was saved yet \(the first is saved at the end of epoch 1\); start again with --overwrite and a lower lr \(now \S+\) or clipGradNorm$/);
    return true;
  });
  const resumable = join(work, 'nan-resumed');
  await run({ out: resumable, overrides: ['epochs=1'] });
  const last = readCheckpoint(join(resumable, 'last')).state.run as { step: number };
  await assert.rejects(run({ resume: resumable, resumeOverrides: { epochs: 2, lr: 1e30, warmupSteps: 0 } }), (error: Error) => {
    const match = /the last checkpoint is (\S+) \(step (\d+)\); resume it with a lower lr \(now \S+\) or clipGradNorm$/.exec(error.message);
    assert.ok(match, error.message);
    assert.match(error.message, /^loss became NaN at epoch 2, batch \d+ \(step \d+\): loss NaN, /);
    assert.equal(match[1], join(resumable, 'last'));
    assert.equal(Number(match[2]), last.step);
    assert.ok(existsSync(`${match[1]}.json`), 'the named checkpoint exists');
    return true;
  });
});

test('config: reference YAML keys are read as they are; overrides are typed; unknown keys and bad values are errors', () => {
  const yaml = join(work, 'Pretrain_MeDSLIP.yaml');
  writeFileSync(yaml, [
    'train_file: data/train.json', 'valid_file: data/valid.json', 'label_file: data/labels.npy', 'batch_size: 64',
    'res_base_model: resnet50', 'd_model: 256', 'N: 4', 'H: 4', 'dropout: 0.1', 'attribute_set_size: 2', 'no_cl: False',
    'text_encoder: emilyalsentzer/Bio_ClinicalBERT', 'image_res: 224', 'queue_size: 8192',
    'optimizer: {opt: adamW, lr: 1e-4, weight_decay: 0.02}',
    'schedular: {sched: cosine, lr: 1e-4, epochs: 100, min_lr: 1e-5, decay_rate: 1, warmup_lr: 1e-5, warmup_epochs: 5, cooldown_epochs: 0}',
  ].join('\n'));
  const config = loadPretrainConfig({ file: yaml, overrides: ['epochs=3', 'cropScale=0.5,1'] });
  assert.equal(config.data, 'files');
  assert.equal(config.trainFile, 'data/train.json');
  assert.equal(config.batchSize, 64);
  assert.equal(config.layers, 4);
  assert.equal(config.textEncoder, 'emilyalsentzer/Bio_ClinicalBERT');
  assert.equal(config.weightDecay, 0.02);
  assert.equal(config.warmupEpochs, 5);
  assert.equal(config.epochs, 3, 'override wins over the YAML');
  assert.deepEqual(config.cropScale, [0.5, 1]);
  assert.throws(() => loadPretrainConfig({ overrides: ['epochz=3'] }), /command-line override: unknown setting "epochz"/);
  assert.throws(() => loadPretrainConfig({ overrides: ['epochs=three'] }), /"epochs" must be an integer but is "three"/);
  assert.throws(() => loadPretrainConfig({ overrides: ['backbone=vgg'] }), /"backbone" must be one of resnet18, resnet34, resnet50, resnet101/);
  assert.throws(() => loadPretrainConfig({ overrides: ['data=files'] }), /"trainFile" is required when data is "files"/);
  assert.throws(() => loadPretrainConfig({ overrides: ['dModel=30', 'heads=4'] }), /must be divisible by "heads"/);
  assert.deepEqual(config.lossWeights, [1, 1, 1, 1, 1], 'the reference weighs the five losses equally');
  assert.deepEqual(loadPretrainConfig({ overrides: ['lossWeights=1,0.01,1,0.01,0.01'] }).lossWeights, [1, 0.01, 1, 0.01, 0.01]);
  assert.throws(() => loadPretrainConfig({ overrides: ['lossWeights=1,0.5'] }), /"lossWeights" must be five numbers, e\.g\. \[1, 0\.01, 1, 0\.01, 0\.01\]/);
  assert.throws(() => loadPretrainConfig({ overrides: ['lossWeights=1,-1,1,1,1'] }), /setting "lossWeights" must be five numbers ≥ 0, not all 0, but is \[1, -1, 1, 1, 1\]/);
});

test('missing input files are errors before any work, naming the file and the setting', async () => {
  const missing = join(work, 'missing-books.safetensors');
  await assert.rejects(run({ out: join(work, 'no-books'), overrides: [`books=${missing}`] }), new Error(`${missing}: no such file or folder (setting "books")`));
  assert.equal(existsSync(join(work, 'no-books', 'log.jsonl')), false, 'nothing trained');
});

test('the --help table lists every setting with its default', () => {
  const help = settingsHelp().split('\n');
  assert.match(help[0], /^ {2}setting +default +meaning$/);
  for (const [key, value] of Object.entries({ ...PRETRAIN_DEFAULTS, trainFile: undefined })) {
    const shown = value === undefined ? '—' : Array.isArray(value) ? value.join(',') : String(value);
    assert.ok(help.some((line) => new RegExp(`^ {2}${key} +${shown.replace(/[.+]/g, '\\$&')} +\\S`).test(line)), `${key} with default ${shown}`);
  }
  assert.equal(help.length - 1, Object.keys(loadPretrainConfig()).length + ['trainFile', 'validFile', 'labelFile', 'imageRoot', 'syntheticDir', 'books', 'pathologyBook'].length);
});
