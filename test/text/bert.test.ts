// The BERT encoder against transformers' BertModel outputs for the bert-tiny fixture (2 layers, hidden 32,
// 4 heads; 6 sentences at max_length 32), loaded from model.safetensors and from the 2019 legacy torch.save
// layout, and its errors for broken folders.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as torch from '../../src/torch/index.ts';
import { loadBertEncoder, readBertConfig, type BertEncoder } from '../../src/text/bert-loader.ts';
import { readSafetensors } from '../../src/io/safetensors.ts';
import { compare, fixturesDir } from '../helpers.ts';

const fixture = join(fixturesDir, 'bert-tiny');
const tokenized = JSON.parse(readFileSync(join(fixture, 'tokenized.json'), 'utf8')) as {
  max_length: number; sentences: string[]; input_ids: number[][]; attention_mask: number[][];
};
const expected = readSafetensors(join(fixture, 'expected.safetensors')).tensors;
const expectedHidden = expected.get('last_hidden_state')!;
const expectedCls = expected.get('cls')!;

/** A temporary copy of the fixture folder with some files left out or replaced. */
function withFolder(files: Record<string, string | Uint8Array | null>, body: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'medslip-bert-'));
  try {
    for (const name of ['config.json', 'vocab.txt', 'model.safetensors', 'pytorch_model.bin']) {
      const replacement = files[name];
      if (replacement === null) continue;
      if (replacement === undefined) copyFileSync(join(fixture, name), join(dir, name));
      else writeFileSync(join(dir, name), replacement);
    }
    body(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs the fixture's ids and masks through the model; checks last_hidden_state and cls within 1e-4. */
function checkAgainstFixture(bert: BertEncoder, what: string): void {
  torch.scope(() => {
    const ids = torch.tensor(tokenized.input_ids.map((row) => row.map(BigInt)));
    const mask = torch.tensor(tokenized.attention_mask.map((row) => row.map(BigInt)));
    const hidden = bert.model.encode(ids, mask, { batchSize: 4 }); // two batches: 4 + 2
    assert.deepEqual(hidden.shape, expectedHidden.shape);
    const hiddenError = compare(hidden.toFloat32Array(), expectedHidden.data, 1e-4, 0, `${what} last_hidden_state`);
    const cls = bert.encodeTexts(tokenized.sentences, { maxLength: tokenized.max_length, batchSize: 4 });
    assert.equal(cls.count, 6);
    assert.equal(cls.dim, 32);
    const clsError = compare(cls.cls, expectedCls.data, 1e-4, 0, `${what} cls`);
    console.log(`${what}: max |Δ| last_hidden_state ${hiddenError.toExponential(2)}, cls from text ${clsError.toExponential(2)}`);
  });
}

test('model.safetensors: last_hidden_state and [CLS] match transformers within 1e-4', () => {
  const bert = loadBertEncoder(fixture);
  try {
    assert.equal(bert.weightsFile, join(fixture, 'model.safetensors'));
    assert.match(bert.name, /^bert:bert-tiny@[0-9a-f]{16}$/);
    assert.equal(bert.config.hiddenSize, 32);
    assert.equal(bert.config.hiddenAct, 'gelu');
    assert.ok(bert.model.pooler !== null, 'the weights have a pooler, so the model gets one');
    checkAgainstFixture(bert, 'model.safetensors');
  } finally {
    bert.dispose();
  }
});

test('legacy pytorch_model.bin (bert. prefix, gamma/beta, cls heads) loads to the same outputs', () => {
  withFolder({ 'model.safetensors': null }, (dir) => {
    const bert = loadBertEncoder(dir);
    try {
      assert.equal(bert.weightsFile, join(dir, 'pytorch_model.bin'));
      checkAgainstFixture(bert, 'pytorch_model.bin');
      // Same tensors as the safetensors copy, key for key (gamma → weight, beta → bias).
      const reference = readSafetensors(join(fixture, 'model.safetensors')).tensors;
      const state = bert.model.stateDict();
      assert.deepEqual([...state.keys()].sort(), [...reference.keys()].sort());
      for (const [key, tensor] of state) compare(tensor.toFloat32Array(), reference.get(key)!.data, 0, 0, key);
    } finally {
      bert.dispose();
    }
  });
});

test('padding is masked out: a short text gets the same [CLS] at any max_length and batch size', () => {
  const bert = loadBertEncoder(fixture, { pooler: false });
  try {
    assert.equal(bert.model.pooler, null);
    assert.ok(![...bert.model.stateDict().keys()].some((k) => k.startsWith('pooler.')));
    const texts = tokenized.sentences.slice(0, 3); // 13, 12 and 22 tokens
    const long = bert.encodeTexts(texts, { maxLength: 64, batchSize: 3 });
    const short = bert.encodeTexts(texts, { maxLength: 22, batchSize: 1 });
    const error = compare(long.cls, short.cls, 1e-5, 0, 'cls at max_length 64 vs 22');
    compare(long.cls, (expectedCls.data as Float32Array).subarray(0, 3 * 32), 1e-4, 0, 'cls at max_length 64 vs fixture');
    console.log(`padding invariance: max |Δ| ${error.toExponential(2)}`);
    // Masking matters: without it the padded keys would change the result.
    torch.scope(() => {
      const ids = torch.tensor([tokenized.input_ids[0].map(BigInt)]);
      const ones = torch.onesLike(ids);
      const unmasked = bert.model.encode(ids, ones).select(1, 0).toFloat32Array();
      assert.ok(Math.abs(unmasked[0] - long.cls[0]) + Math.abs(unmasked[1] - long.cls[1]) > 1e-3, 'padding must change the unmasked result');
    });
    assert.throws(() => bert.encodeTexts(texts, { maxLength: 65 }), RangeError);
    assert.throws(() => bert.encodeTexts(texts, { batchSize: 0 }), RangeError);
  } finally {
    bert.dispose();
  }
});

test('encodeTexts releases every intermediate tensor', () => {
  const bert = loadBertEncoder(fixture);
  try {
    bert.encodeTexts(tokenized.sentences, { maxLength: 32 }); // warm-up
    const before = torch.counters().tensors;
    bert.encodeTexts(tokenized.sentences, { maxLength: 32, batchSize: 2 });
    assert.equal(torch.counters().tensors, before);
  } finally {
    bert.dispose();
  }
});

test('a truncated weights file is an error naming it', () => {
  const safetensors = readFileSync(join(fixture, 'model.safetensors'));
  withFolder({ 'model.safetensors': safetensors.subarray(0, safetensors.length - 1000) }, (dir) => {
    assert.throws(() => loadBertEncoder(dir), (error: Error) => {
      assert.ok(error.message.includes(join(dir, 'model.safetensors')), error.message);
      assert.match(error.message, /truncated/);
      return true;
    });
  });
  const legacy = readFileSync(join(fixture, 'pytorch_model.bin'));
  withFolder({ 'model.safetensors': null, 'pytorch_model.bin': legacy.subarray(0, legacy.length - 1000) }, (dir) => {
    assert.throws(() => loadBertEncoder(dir), (error: Error) => {
      assert.ok(error.message.includes(join(dir, 'pytorch_model.bin')), error.message);
      return true;
    });
  });
  withFolder({ 'model.safetensors': null, 'pytorch_model.bin': 'not a torch file at all' }, (dir) => {
    assert.throws(() => loadBertEncoder(dir), (error: Error) => error.message.includes(join(dir, 'pytorch_model.bin')));
  });
});

test('a config that does not match the weights names the key and both shapes', () => {
  const config = JSON.parse(readFileSync(join(fixture, 'config.json'), 'utf8')) as Record<string, unknown>;
  withFolder({ 'config.json': JSON.stringify({ ...config, hidden_size: 64 }) }, (dir) => {
    assert.throws(() => loadBertEncoder(dir), {
      message: `${join(dir, 'model.safetensors')} does not match ${join(dir, 'config.json')}: `
        + 'embeddings.word_embeddings.weight has shape [30522, 32] in the weights but [30522, 64] from the config',
    });
  });
  withFolder({ 'config.json': JSON.stringify({ ...config, num_hidden_layers: 1 }) }, (dir) => {
    assert.throws(() => loadBertEncoder(dir), /config has no place for encoder\.layer\.1\.attention/);
  });
  withFolder({ 'config.json': JSON.stringify({ ...config, num_hidden_layers: 3 }) }, (dir) => {
    assert.throws(() => loadBertEncoder(dir), /the weights lack encoder\.layer\.2\./);
  });
  withFolder({ 'config.json': JSON.stringify({ ...config, vocab_size: 100 }) }, (dir) => {
    assert.throws(() => loadBertEncoder(dir), { message: `${join(dir, 'vocab.txt')} has 30522 tokens but ${join(dir, 'config.json')} gives vocab_size 100` });
  });
});

test('missing files and bad config fields are errors naming the file', () => {
  withFolder({ 'config.json': null }, (dir) => {
    assert.throws(() => loadBertEncoder(dir), { message: `${join(dir, 'config.json')}: no such file; a BERT folder needs config.json (hidden_size, num_hidden_layers, …)` });
  });
  withFolder({ 'vocab.txt': null }, (dir) => {
    assert.throws(() => loadBertEncoder(dir), (error: Error) => error.message.startsWith(`${join(dir, 'vocab.txt')}: no such file`));
  });
  withFolder({ 'model.safetensors': null, 'pytorch_model.bin': null }, (dir) => {
    assert.throws(() => loadBertEncoder(dir), { message: `${dir}: no BERT weights; expected model.safetensors or pytorch_model.bin` });
  });
  const config = JSON.parse(readFileSync(join(fixture, 'config.json'), 'utf8')) as Record<string, unknown>;
  const cases: [Record<string, unknown>, string][] = [
    [{ ...config, hidden_size: '32' }, 'field "hidden_size" must be a positive integer but is "32"'],
    [{ ...config, num_attention_heads: 5 }, 'hidden_size 32 is not a multiple of num_attention_heads 5'],
    [{ ...config, hidden_act: 'swish' }, 'field "hidden_act" is "swish"; expected one of gelu, gelu_new, gelu_pytorch_tanh, relu'],
    [{ ...config, model_type: 'roberta' }, 'field "model_type" is "roberta"; only "bert" checkpoints are supported'],
    [{ ...config, intermediate_size: undefined }, 'field "intermediate_size" is missing; expected a positive integer'],
  ];
  for (const [fields, problem] of cases) {
    withFolder({ 'config.json': JSON.stringify(fields) }, (dir) => {
      assert.throws(() => readBertConfig(join(dir, 'config.json')), { message: `${join(dir, 'config.json')}: ${problem}` });
    });
  }
  withFolder({ 'config.json': '{ "hidden_size": 32,' }, (dir) => {
    assert.throws(() => loadBertEncoder(dir), /config\.json: not a valid model config/);
  });
});
