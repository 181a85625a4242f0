import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadCheckpoint, loadStateDict, readTorchFile } from '../../src/io/pth.ts';
import { readSafetensors } from '../../src/io/safetensors.ts';
import { toFloat32, type RawTensor } from '../../src/io/raw-tensor.ts';
import { compare, fixturesDir, repoRoot } from '../helpers.ts';

const fixtures = join(repoRoot, 'test', 'io', 'fixtures');
interface Expected { dtype: string; shape: number[]; values: (number | string)[] }
const expected = JSON.parse(readFileSync(join(fixtures, 'expected.json'), 'utf8')) as Record<string, Expected> & {
  dataparallel: Record<string, { shape: number[]; values: number[] }>;
};
const viewNames = ['transposed', 'offset_slice', 'step_slice', 'expanded', 'permuted3d', 'scalar', 'empty', 'half', 'bfloat', 'int64_big',
  'int32', 'int16', 'int8', 'uint8', 'bool', 'float64', 'parameter'];

function checkTensor(name: string, actual: unknown): void {
  const want = expected[name];
  const tensor = actual as RawTensor;
  assert.equal(tensor.dtype, want.dtype, `${name} dtype`);
  assert.deepEqual(tensor.shape, want.shape, `${name} shape`);
  if (tensor.dtype === 'int64') {
    assert.deepEqual([...(tensor.data as BigInt64Array)], want.values.map((v) => BigInt(v)), `${name} values`);
  } else if (tensor.dtype === 'float16' || tensor.dtype === 'bfloat16') {
    // expected.json holds torch's float32 widening of the same bits: the decode must be exact.
    compare(toFloat32(tensor).data, want.values as number[], 0, 0, `${name} values`);
  } else {
    compare(tensor.data, want.values as number[], 0, 0, `${name} values`);
  }
}

for (const format of ['zip', 'legacy', 'deflated']) {
  test(`${format} format: strided views, offsets, every dtype and nested values match torch`, () => {
    const top = readTorchFile(join(fixtures, `views-${format}.pth`)) as Map<string, unknown>;
    const tensors = top.get('tensors') as Map<string, unknown>;
    assert.deepEqual([...tensors.keys()], viewNames);
    for (const name of viewNames) checkTensor(name, tensors.get(name));
    assert.equal(top.get('epoch'), 12);
    const config = top.get('config') as Map<string, unknown>;
    assert.deepEqual(Object.fromEntries(config), {
      lr: 1e-4, name: 'medslip', sizes: [1, 2, 3], pair: [4, 'x'], flag: true, none: null, big: 2n ** 70n, neg: -123456789012,
    });
  });
}

test('loadCheckpoint: {"state_dict"} layout with a DataParallel "module." prefix', () => {
  const checkpoint = loadCheckpoint(join(fixtures, 'dataparallel.pth'));
  assert.equal(checkpoint.stateDictKey, 'state_dict');
  assert.equal(checkpoint.strippedModulePrefix, true);
  assert.deepEqual(checkpoint.entries, { epoch: 3 });
  assert.deepEqual([...checkpoint.stateDict.keys()], Object.keys(expected.dataparallel));
  for (const [name, want] of Object.entries(expected.dataparallel)) {
    const tensor = checkpoint.stateDict.get(name)!;
    assert.deepEqual(tensor.shape, want.shape, name);
    compare(tensor.data, want.values.map(Number), 0, 0, name);
  }
});

test('the reference checkpoint (zip, ResNet-50 + decoders): names, shapes and values checked against torch', () => {
  const started = performance.now();
  const checkpoint = loadCheckpoint(join(fixturesDir, 'medslip-r50-checkpoint', 'checkpoint.pth'));
  const ms = performance.now() - started;
  const { stateDict } = checkpoint;
  assert.equal(checkpoint.stateDictKey, 'model');
  assert.equal(checkpoint.strippedModulePrefix, false);
  assert.equal(stateDict.size, 426);
  assert.deepEqual(checkpoint.entries, {
    epoch: 0,
    config: { d_model: 256, res_base_model: 'resnet50', H: 4, N: 4, dropout: 0.1, attribute_set_size: 2, num_queries: 75,
      text_encoder: 'emilyalsentzer/Bio_ClinicalBERT', image_res: 224 },
  });
  let parameters = 0;
  for (const tensor of stateDict.values()) parameters += tensor.data.length;
  assert.equal(parameters, 21268719, 'total element count as torch counts it');
  const dtypes = [...stateDict.values()].map((t) => t.dtype);
  assert.equal(dtypes.filter((d) => d === 'float32').length, 383);
  assert.equal(dtypes.filter((d) => d === 'int64').length, 43);
  // Sums and first values computed by torch 1.13 from the same file.
  const checks: [string, number[], number, number[]][] = [
    ['res_features.0.weight', [64, 3, 7, 7], -1.5528142663360995, [-0.020053714513778687, 0.009366165846586227, 0.0041719162836670876]],
    ['res_features.6.5.bn3.running_var', [1024], 1032.2848499417305, [1.0402190685272217, 0.6328232884407043, 1.3743391036987305]],
    ['decoder_pathology.layers.0.multihead_attn.in_proj_weight', [768, 256], 21.91504357280556, [0.004999468103051186, -0.00609253766015172, -0.00833121221512556]],
    ['decoder_anatomy.layers.3.linear2.weight', [256, 1024], -7.423990934559173, [0.014697540551424026, -0.005555616691708565, 0.007411578670144081]],
    ['classifier_pathology.bias', [2], -0.08323978632688522, [-0.05865225940942764, -0.02458752691745758]],
  ];
  for (const [name, shape, sum, head] of checks) {
    const tensor = stateDict.get(name)!;
    assert.deepEqual(tensor.shape, shape, name);
    let total = 0;
    for (const v of tensor.data as Float32Array) total += v;
    compare([total], [sum], 1e-9, 1e-12, `${name} sum`);
    compare((tensor.data as Float32Array).subarray(0, head.length), head, 0, 0, `${name} head`);
  }
  const scalar = stateDict.get('res_features.1.num_batches_tracked')!;
  assert.deepEqual([scalar.dtype, scalar.shape, [...scalar.data]], ['int64', [], [0n]]);
  // The reference passes one LayerNorm to both decoders: both names hold the same values.
  assert.deepEqual(stateDict.get('decoder_pathology.norm.weight')!.data, stateDict.get('decoder_anatomy.norm.weight')!.data);
  console.log(`read the 85 MB reference checkpoint in ${ms.toFixed(0)} ms`);
});

test('legacy bert-tiny pytorch_model.bin equals model.safetensors for every shared weight', () => {
  const legacy = loadStateDict(join(fixturesDir, 'bert-tiny', 'pytorch_model.bin'));
  const { tensors } = readSafetensors(join(fixturesDir, 'bert-tiny', 'model.safetensors'));
  const mapName = (name: string): string => name.replace(/^bert\./, '').replace(/LayerNorm\.gamma$/, 'LayerNorm.weight')
    .replace(/LayerNorm\.beta$/, 'LayerNorm.bias');
  const heads = [...legacy.keys()].filter((k) => k.startsWith('cls.'));
  assert.ok(heads.length > 0, 'the legacy file carries pre-training heads');
  let compared = 0;
  for (const [name, tensor] of legacy) {
    if (name.startsWith('cls.')) continue;
    const twin = tensors.get(mapName(name));
    assert.ok(twin, `${name} (${mapName(name)}) is in model.safetensors`);
    assert.equal(tensor.dtype, twin.dtype, name);
    assert.deepEqual(tensor.shape, twin.shape, name);
    assert.deepEqual(tensor.data, twin.data, name);
    compared++;
  }
  const unmatched = [...tensors.keys()].filter((k) => ![...legacy.keys()].some((l) => mapName(l) === k));
  assert.deepEqual(unmatched, [], 'every safetensors weight has a legacy twin');
  assert.equal(compared, tensors.size);
});

test('a malicious checkpoint is refused with the global named, and nothing runs', () => {
  assert.throws(() => readTorchFile(join(fixtures, 'malicious.pth')),
    (error: Error) => /malicious\.pth.*refused to load global os\.system/.test(error.message));
  assert.equal(existsSync('medslip-pwned'), false);
  assert.equal(existsSync(join(fixtures, 'medslip-pwned')), false);
});

test('files that are not torch checkpoints, and damaged ones, fail with the file named', () => {
  assert.throws(() => readTorchFile(join(fixtures, 'f4-v1.npy')), /f4-v1\.npy is not a PyTorch file/);
  const zip = readFileSync(join(fixtures, 'views-zip.pth'));
  assert.throws(() => readTorchFile(zip.subarray(0, zip.length - 30)), /<buffer> is not a valid zip archive: no end-of-central-directory record/);
  const legacy = readFileSync(join(fixtures, 'views-legacy.pth'));
  assert.throws(() => readTorchFile(legacy.subarray(0, legacy.length - 10)), /<buffer> is truncated: storage \S+ needs \d+ bytes/);
  assert.throws(() => loadCheckpoint(join(fixtures, 'views-zip.pth')),
    /views-zip\.pth: expected a state dict, or a dict with a "model" or "state_dict" entry; found keys tensors, epoch, config/);
  assert.throws(() => readTorchFile(42 as unknown as string), TypeError);
});

test('numpy scalars and arrays in a checkpoint load as numbers and RawTensors; object arrays are refused', () => {
  const checkpoint = loadCheckpoint(join(fixtures, 'numpy-values.pth'));
  const { cyclic, table, ids, ...scalars } = checkpoint.entries;
  assert.deepEqual(scalars, { best_auc: 0.9375, step: 2n ** 60n, done: true, f32: 0.5 });
  assert.deepEqual({ ...(table as RawTensor) }, { dtype: 'float32', shape: [2, 3], data: Float32Array.from([0, 1, 2, 3, 4, 5]) });
  assert.deepEqual({ ...(ids as RawTensor) }, { dtype: 'int64', shape: [2], data: BigInt64Array.from([3n, -1n]) });
  const list = cyclic as unknown[];
  assert.equal(list[0], 1);
  assert.equal(list[1], list, 'a self-referencing list stays self-referencing');
  assert.throws(() => readTorchFile(join(fixtures, 'numpy-object.pth')), /numpy arrays of dtype O8 \(objects\) are not supported/);
});
