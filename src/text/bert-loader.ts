/**
 * Loading a Hugging Face BERT folder (config.json, model.safetensors or pytorch_model.bin, the tokenizer) into
 * the BERT modules of ./bert.ts, key for key, and encoding texts to their final-layer [CLS] vectors — the book
 * vectors MeDSLIP's queries are made from (REFERENCE.md §3.1).
 */
import { createHash } from 'node:crypto';
import { closeSync, existsSync, openSync, readFileSync, readSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import * as torch from '../torch/index.ts';
import { readSafetensors } from '../io/safetensors.ts';
import { loadStateDict } from '../io/pth.ts';
import type { RawTensor } from '../io/raw-tensor.ts';
import { loadTokenizer, type BertTokenizer } from './tokenizer.ts';
import { checkInteger } from '../util/check.ts';
import { ACTIVATIONS, BertModel, type BertConfig } from './bert.ts';

// ---- config.json -------------------------------------------------------------------------------------------

/**
 * Reads a Hugging Face BERT `config.json`. The five size fields are required; the others default as in
 * transformers' BertConfig (type_vocab_size 2, max_position_embeddings 512, layer_norm_eps 1e-12, gelu).
 * @throws Error naming the file and the field: missing file, bad JSON, a missing or non-positive size, heads
 *   that do not divide hidden_size, an unsupported model_type, position_embedding_type or hidden_act.
 */
export function readBertConfig(file: string): BertConfig {
  if (!existsSync(file)) throw new Error(`${file}: no such file; a BERT folder needs config.json (hidden_size, num_hidden_layers, …)`);
  let fields: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('expected a JSON object');
    fields = parsed as Record<string, unknown>;
  } catch (error) {
    throw new Error(`${file}: not a valid model config (${(error as Error).message})`);
  }
  const size = (key: string, fallback?: number): number => {
    const value = fields[key] ?? fallback;
    if (value === undefined) throw new Error(`${file}: field "${key}" is missing; expected a positive integer`);
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
      throw new Error(`${file}: field "${key}" must be a positive integer but is ${JSON.stringify(value)}`);
    }
    return value;
  };
  const modelType = fields.model_type;
  if (modelType !== undefined && modelType !== 'bert') {
    throw new Error(`${file}: field "model_type" is ${JSON.stringify(modelType)}; only "bert" checkpoints are supported`);
  }
  const positions = fields.position_embedding_type;
  if (positions !== undefined && positions !== 'absolute') {
    throw new Error(`${file}: field "position_embedding_type" is ${JSON.stringify(positions)}; only "absolute" is supported`);
  }
  const act = fields.hidden_act ?? 'gelu';
  const hiddenAct = typeof act === 'string' ? ACTIVATIONS[act] : undefined;
  if (hiddenAct === undefined) {
    throw new Error(`${file}: field "hidden_act" is ${JSON.stringify(act)}; expected one of ${Object.keys(ACTIVATIONS).join(', ')}`);
  }
  const eps = fields.layer_norm_eps ?? 1e-12;
  if (typeof eps !== 'number' || !(eps > 0)) throw new Error(`${file}: field "layer_norm_eps" must be a positive number but is ${JSON.stringify(eps)}`);
  const config: BertConfig = {
    vocabSize: size('vocab_size'), hiddenSize: size('hidden_size'), numHiddenLayers: size('num_hidden_layers'),
    numAttentionHeads: size('num_attention_heads'), intermediateSize: size('intermediate_size'),
    maxPositionEmbeddings: size('max_position_embeddings', 512), typeVocabSize: size('type_vocab_size', 2),
    layerNormEps: eps, hiddenAct,
  };
  if (config.hiddenSize % config.numAttentionHeads !== 0) {
    throw new Error(`${file}: hidden_size ${config.hiddenSize} is not a multiple of num_attention_heads ${config.numAttentionHeads}`);
  }
  return config;
}

// ---- weights -----------------------------------------------------------------------------------------------

/** The weights file a folder provides: model.safetensors first, else pytorch_model.bin. */
export function findBertWeights(dir: string): string {
  for (const name of ['model.safetensors', 'pytorch_model.bin']) {
    const file = join(dir, name);
    if (existsSync(file)) return file;
  }
  throw new Error(`${dir}: no BERT weights; expected model.safetensors or pytorch_model.bin`);
}

/** Reads a weights file (safetensors, or torch.save zip/legacy) into raw tensors; errors name the file. */
function readWeights(file: string): Map<string, RawTensor> {
  try {
    return file.endsWith('.safetensors') ? readSafetensors(file).tensors : loadStateDict(file);
  } catch (error) {
    const message = (error as Error).message;
    throw new Error(message.includes(file) ? message : `${file}: cannot be read as BERT weights (${message})`);
  }
}

/**
 * Hugging Face key conventions → this model's names: a `bert.` prefix (BertForPreTraining and friends) is
 * dropped, 2019-era `LayerNorm.gamma/beta` become `weight/bias` (as transformers renames them on load), and
 * pre-training heads (`cls.*`), `position_ids`/`token_type_ids` buffers and a pooler the model lacks are skipped.
 */
export function normaliseBertKeys(weights: ReadonlyMap<string, RawTensor>, options: { pooler: boolean }): Map<string, RawTensor> {
  const keys = [...weights.keys()];
  const hasPrefix = keys.some((k) => k.startsWith('bert.'));
  const result = new Map<string, RawTensor>();
  for (const [key, tensor] of weights) {
    let name = hasPrefix ? (key.startsWith('bert.') ? key.slice('bert.'.length) : null) : key;
    if (name === null || name.startsWith('cls.')) continue; // heads outside the encoder
    if (name.endsWith('.position_ids') || name.endsWith('.token_type_ids')) continue; // constant buffers
    if (!options.pooler && name.startsWith('pooler.')) continue;
    name = name.replace(/\.gamma$/, '.weight').replace(/\.beta$/, '.bias');
    result.set(name, tensor);
  }
  return result;
}

/** Checks keys and shapes against the model before copying, so that a mismatch names both files. */
function checkAgainstModel(model: BertModel, weights: ReadonlyMap<string, RawTensor>, weightsFile: string, configFile: string): void {
  const own = model.stateDict();
  const list = (keys: string[]): string => keys.slice(0, 8).join(', ') + (keys.length > 8 ? `, … (${keys.length} in all)` : '');
  const missing = [...own.keys()].filter((k) => !weights.has(k));
  const unexpected = [...weights.keys()].filter((k) => !own.has(k));
  if (missing.length > 0 || unexpected.length > 0) {
    const parts = [missing.length ? `the weights lack ${list(missing)}` : '', unexpected.length ? `the config has no place for ${list(unexpected)}` : ''];
    throw new Error(`${weightsFile} does not match ${configFile}: ${parts.filter(Boolean).join('; ')}`);
  }
  for (const [key, target] of own) {
    const source = weights.get(key)!;
    if (source.shape.join(',') !== target.shape.join(',')) {
      throw new Error(`${weightsFile} does not match ${configFile}: ${key} has shape [${source.shape.join(', ')}] in the weights but [${target.shape.join(', ')}] from the config`);
    }
  }
}

/** SHA-256 of a file, read in 16 MiB chunks (the weights of BERT-base are 440 MB). */
function fileSha256(file: string): string {
  const hash = createHash('sha256');
  const chunk = Buffer.allocUnsafe(16 << 20);
  const fd = openSync(file, 'r');
  try {
    for (let n = readSync(fd, chunk); n > 0; n = readSync(fd, chunk)) hash.update(chunk.subarray(0, n));
  } finally {
    closeSync(fd);
  }
  return hash.digest('hex');
}

// ---- the encoder ---------------------------------------------------------------------------------------------

export interface EncodeTextsOptions {
  /** Tokens per text including [CLS] and [SEP]; longer texts are truncated (128: the reference's pre-training). */
  maxLength?: number;
  /** Texts per forward pass (memory ∝ batchSize · maxLength²). */
  batchSize?: number;
}

export interface EncodedTexts {
  /** Row-major (count, dim): the final-layer [CLS] vector of each text, last_hidden_state[:, 0, :]. */
  cls: Float32Array;
  count: number;
  dim: number;
}

/**
 * [CLS] vectors of texts with a given model and tokenizer (what `BertEncoder.encodeTexts` runs; the benchmark
 * calls it with a randomly initialised model). Runs in inference mode, `batchSize` texts per pass.
 * @throws RangeError when maxLength exceeds the model's max_position_embeddings or batchSize < 1.
 */
export function encodeTextsWith(model: BertModel, tokenizer: BertTokenizer, texts: readonly string[],
  options: EncodeTextsOptions = {}): EncodedTexts {
  const { config } = model;
  const maxLength = options.maxLength ?? 128;
  const batchSize = checkInteger('batchSize', options.batchSize ?? 16, 1);
  if (Number.isInteger(maxLength) && maxLength > config.maxPositionEmbeddings) {
    throw new RangeError(`Expected integer in [2, ${config.maxPositionEmbeddings}] for maxLength but received ${maxLength} (max_position_embeddings)`);
  }
  const { inputIds, attentionMask, count, length } = tokenizer.encode(texts, { maxLength });
  const dim = config.hiddenSize;
  const cls = new Float32Array(count * dim);
  torch.inferenceMode(() => {
    for (let start = 0; start < count; start += batchSize) {
      const rows = Math.min(batchSize, count - start);
      torch.scope(() => {
        const ids = torch.fromTypedArray(inputIds.subarray(start * length, (start + rows) * length), [rows, length]);
        const mask = torch.fromTypedArray(attentionMask.subarray(start * length, (start + rows) * length), [rows, length]);
        cls.set(model.forward(ids, mask).select(1, 0).contiguous().toFloat32Array(), start * dim); // (rows, H)
      });
    }
  });
  return { cls, count, dim };
}

export interface BertEncoder {
  readonly model: BertModel;
  readonly config: BertConfig;
  readonly tokenizer: BertTokenizer;
  /** The weights file that was loaded. */
  readonly weightsFile: string;
  /**
   * Identifies these weights for cache metadata: `bert:<folder name>@<first 16 hex of the weights' SHA-256>`,
   * so books cached from one checkpoint are never reused with another of the same folder name.
   */
  readonly name: string;
  /** [CLS] vectors of texts, tokenised as the reference does (max_length padding, truncation). */
  encodeTexts(texts: readonly string[], options?: EncodeTextsOptions): EncodedTexts;
  /** Releases the model's native memory. */
  dispose(): void;
}

export interface LoadBertOptions {
  /** Build and load the pooler; default: when the weights have one. */
  pooler?: boolean;
}

/**
 * Loads a Hugging Face BERT folder: config.json, vocab.txt (and optional tokenizer_config.json), and
 * model.safetensors or pytorch_model.bin (zip or legacy torch.save).
 *
 * @example
 *   const bert = loadBertEncoder('models/Bio_ClinicalBERT');
 *   const { cls, dim } = bert.encodeTexts(ANATOMY_BOOK, { maxLength: 128 }); // 51 · 768 values
 *   bert.dispose();
 * @throws Error naming the file: a missing config, vocabulary or weights file; a corrupt or truncated weights
 *   file; weights whose keys or shapes do not match the config (naming the key and both shapes); a vocabulary
 *   larger than vocab_size.
 */
export function loadBertEncoder(dir: string, options: LoadBertOptions = {}): BertEncoder {
  if (typeof dir !== 'string' || dir === '') throw new TypeError(`Expected a folder path (string) for dir but received ${typeof dir}`);
  const configFile = join(dir, 'config.json');
  const config = readBertConfig(configFile);
  const tokenizer = loadTokenizer(dir);
  if (tokenizer.vocabSize > config.vocabSize) {
    throw new Error(`${join(dir, 'vocab.txt')} has ${tokenizer.vocabSize} tokens but ${configFile} gives vocab_size ${config.vocabSize}`);
  }
  const weightsFile = findBertWeights(dir);
  const raw = readWeights(weightsFile);
  const pooler = options.pooler ?? [...raw.keys()].some((k) => k.replace(/^bert\./, '').startsWith('pooler.'));
  const weights = normaliseBertKeys(raw, { pooler });
  const model = new BertModel(config, { pooler });
  try {
    checkAgainstModel(model, weights, weightsFile, configFile);
    model.loadStateDict(weights);
  } catch (error) {
    model.dispose();
    throw error;
  }
  const name = `bert:${basename(resolve(dir))}@${fileSha256(weightsFile).slice(0, 16)}`;
  return {
    model, config, tokenizer, weightsFile, name, dispose: () => model.dispose(),
    encodeTexts: (texts, encodeOptions) => encodeTextsWith(model, tokenizer, texts, encodeOptions),
  };
}
