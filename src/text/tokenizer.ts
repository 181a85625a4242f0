/**
 * BERT WordPiece tokenisation from a Hugging Face model folder (`vocab.txt`, optionally `tokenizer_config.json`).
 *
 * Mirrors the reference's use of transformers' `BertTokenizer` (Shef-AIRE/MeDSLIP `models/model_MeDSLIP.py`):
 * `tokenizer(texts, padding='max_length', truncation=True, max_length=…)`, lower-casing and accent stripping on
 * unless the folder's tokenizer_config says otherwise. Bio_ClinicalBERT ships no tokenizer_config, so its cased
 * vocabulary is used lower-cased, exactly as the reference does.
 *
 * The pipeline runs on `@huggingface/tokenizers` (BertNormalizer → BertPreTokenizer → WordPiece → `[CLS] $A [SEP]`),
 * configured in memory from the vocabulary. Two gaps between that package and BERT's basic tokenizer are closed
 * here before the text reaches it (see `alignWithBertBasicTokenizer`).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';
import { checkInteger, isArray } from '../util/check.ts';

/**
 * The part of `@huggingface/tokenizers`' Tokenizer used here. Its declarations import extension-less paths that
 * NodeNext resolution does not follow, so TypeScript cannot see the class's own types.
 */
interface WordPieceEngine {
  encode(text: string): { ids: number[] };
  tokenize(text: string): string[];
}
const WordPieceTokenizer = Tokenizer as new (tokenizerJson: object, config: object) => WordPieceEngine;

export interface LoadTokenizerOptions {
  /** Lower-case (and, unless the config disables it, strip accents). Default: the folder's `do_lower_case`, else true. */
  lowerCase?: boolean;
}

export type TokenIdType = 'int64' | 'int32';

export interface EncodeOptions<D extends TokenIdType = 'int64'> {
  /** Sequence length L including [CLS] and [SEP]; longer texts are truncated. Default 128 (the reference's pre-training). */
  maxLength?: number;
  /** 'max_length' pads every row to maxLength (the reference); 'longest' pads to the longest row of this batch. */
  padding?: 'max_length' | 'longest';
  /** Element type of the returned arrays: 'int64' (BigInt64Array, what an embedding lookup takes) or 'int32'. */
  dtype?: D;
}

type IdArray<D extends TokenIdType> = D extends 'int32' ? Int32Array : BigInt64Array;

export interface EncodedBatch<D extends TokenIdType = 'int64'> {
  /** Row-major (N, L) token ids, [PAD] after [SEP]. */
  inputIds: IdArray<D>;
  /** Row-major (N, L): 1 for real tokens (including [CLS] and [SEP]), 0 for padding. */
  attentionMask: IdArray<D>;
  /** N, the number of texts. */
  count: number;
  /** L, the padded sequence length. */
  length: number;
}

export interface BertTokenizer {
  /** Tokenises a batch of texts into fixed-length rows of ids and attention masks. */
  encode<D extends TokenIdType = 'int64'>(texts: readonly string[], options?: EncodeOptions<D>): EncodedBatch<D>;
  /** Token strings of one text, without special tokens and without truncation (for inspection). */
  tokenize(text: string): string[];
  /** Number of rows of the embedding matrix this vocabulary needs (largest id + 1). */
  readonly vocabSize: number;
  /** The longest sequence the model accepts (tokenizer_config's model_max_length; Infinity when absent). */
  readonly modelMaxLength: number;
  readonly lowerCase: boolean;
  readonly stripAccents: boolean;
  readonly specialTokenIds: { readonly cls: number; readonly sep: number; readonly pad: number; readonly unk: number };
}

interface TokenizerSettings {
  lowerCase: boolean;
  /** null: follow lowerCase, as BERT does. */
  stripAccents: boolean | null;
  tokenizeChineseChars: boolean;
  modelMaxLength: number;
  unk: string;
  cls: string;
  sep: string;
  pad: string;
  mask: string;
}

/**
 * Loads the WordPiece tokenizer of a Hugging Face BERT folder.
 *
 * @example
 *   const tokenizer = loadTokenizer('models/Bio_ClinicalBERT');
 *   const { inputIds, attentionMask, length } = tokenizer.encode(['It is located at trachea. '], { maxLength: 64 });
 * @throws Error naming the file when vocab.txt is missing, empty or lacks a special token, or when
 *   tokenizer_config.json is not valid JSON or has a field of the wrong type.
 * @throws TypeError when dir is not a string or lowerCase not a boolean.
 */
export function loadTokenizer(dir: string, options: LoadTokenizerOptions = {}): BertTokenizer {
  if (typeof dir !== 'string') throw new TypeError(`Expected a folder path (string) for dir but received ${typeof dir}`);
  if (options.lowerCase !== undefined && typeof options.lowerCase !== 'boolean') {
    throw new TypeError(`Expected boolean for lowerCase but received ${String(options.lowerCase)} (${typeof options.lowerCase})`);
  }
  const vocabFile = join(dir, 'vocab.txt');
  const vocab = readVocabulary(vocabFile);
  const settings = readSettings(join(dir, 'tokenizer_config.json'));
  if (options.lowerCase !== undefined) settings.lowerCase = options.lowerCase;
  return createBertTokenizer(vocab, settings, vocabFile);
}

/**
 * Reads `vocab.txt`: one token per line, the id is the line number (as transformers' `load_vocab`, which keeps
 * the last id of a duplicated token). A trailing "\r" is dropped so that a file saved with Windows line ends
 * still loads.
 */
function readVocabulary(file: string): Map<string, number> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new Error(`${file}: no such file; a BERT folder needs vocab.txt (one WordPiece token per line)`);
    throw new Error(`${file}: cannot be read (${(error as Error).message})`);
  }
  const lines = text.split('\n');
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  if (lines.length === 0) throw new Error(`${file}: the vocabulary is empty; expected one WordPiece token per line`);
  const vocab = new Map<string, number>();
  lines.forEach((line, id) => vocab.set(line.endsWith('\r') ? line.slice(0, -1) : line, id));
  return vocab;
}

/** Reads the optional tokenizer_config.json; absent means BERT's defaults (lower-case on). */
function readSettings(file: string): TokenizerSettings {
  const settings: TokenizerSettings = {
    lowerCase: true, stripAccents: null, tokenizeChineseChars: true, modelMaxLength: Infinity,
    unk: '[UNK]', cls: '[CLS]', sep: '[SEP]', pad: '[PAD]', mask: '[MASK]',
  };
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return settings;
    throw new Error(`${file}: cannot be read (${(error as Error).message})`);
  }
  let config: unknown;
  try {
    config = JSON.parse(text);
  } catch (error) {
    throw new Error(`${file}: not valid JSON (${(error as Error).message})`);
  }
  if (config === null || typeof config !== 'object' || Array.isArray(config)) {
    throw new Error(`${file}: expected a JSON object of tokenizer settings`);
  }
  const fields = config as Record<string, unknown>;
  const bool = (key: string): boolean | undefined => {
    const value = fields[key];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'boolean') throw new Error(`${file}: field "${key}" must be true or false but is ${JSON.stringify(value)}`);
    return value;
  };
  const token = (key: string): string | undefined => {
    const value = fields[key];
    if (value === undefined || value === null) return undefined;
    if (typeof value === 'string') return value;
    // Newer configs store special tokens as AddedToken objects: { content: "[UNK]", ... }.
    if (typeof value === 'object' && typeof (value as { content?: unknown }).content === 'string') {
      return (value as { content: string }).content;
    }
    throw new Error(`${file}: field "${key}" must be a token string but is ${JSON.stringify(value)}`);
  };
  settings.lowerCase = bool('do_lower_case') ?? settings.lowerCase;
  settings.stripAccents = bool('strip_accents') ?? null;
  settings.tokenizeChineseChars = bool('tokenize_chinese_chars') ?? true;
  const maxLength = fields.model_max_length;
  if (maxLength !== undefined && maxLength !== null) {
    if (typeof maxLength !== 'number' || !(maxLength > 0)) {
      throw new Error(`${file}: field "model_max_length" must be a positive number but is ${JSON.stringify(maxLength)}`);
    }
    // transformers writes int(1e30) for "no limit".
    settings.modelMaxLength = maxLength >= 1e18 ? Infinity : Math.floor(maxLength);
  }
  settings.unk = token('unk_token') ?? settings.unk;
  settings.cls = token('cls_token') ?? settings.cls;
  settings.sep = token('sep_token') ?? settings.sep;
  settings.pad = token('pad_token') ?? settings.pad;
  settings.mask = token('mask_token') ?? settings.mask;
  return settings;
}

// CJK ideographs outside the Basic Multilingual Plane (the ranges of BERT's `_is_chinese_char`). The package
// tests one UTF-16 unit at a time, so it misses these; they are spaced here as BERT does.
const SUPPLEMENTARY_CJK = /[\u{20000}-\u{2A6DF}\u{2A700}-\u{2B73F}\u{2B740}-\u{2B81F}\u{2B820}-\u{2CEAF}\u{2F800}-\u{2FA1F}]/gu;
// Unassigned code points: BERT's `_is_control` drops every category starting with "C"; the package drops
// Cc, Cf, Co and Cs but keeps Cn.
const UNASSIGNED = /\p{Cn}/gu;

/** Closes the two gaps between the package's BertNormalizer and BERT's basic tokenizer (cheap when unused). */
function alignWithBertBasicTokenizer(text: string, tokenizeChineseChars: boolean): string {
  let aligned = text.replace(UNASSIGNED, '');
  if (tokenizeChineseChars) aligned = aligned.replace(SUPPLEMENTARY_CJK, ' $& ');
  return aligned;
}

function createBertTokenizer(vocab: Map<string, number>, settings: TokenizerSettings, vocabFile: string): BertTokenizer {
  const idOf = (token: string, role: string): number => {
    const id = vocab.get(token);
    if (id === undefined) throw new Error(`${vocabFile}: the ${role} token "${token}" is not in the vocabulary`);
    return id;
  };
  const ids = {
    unk: idOf(settings.unk, 'unknown'), cls: idOf(settings.cls, 'classification'),
    sep: idOf(settings.sep, 'separator'), pad: idOf(settings.pad, 'padding'),
  };
  let vocabSize = 0;
  const vocabObject: Record<string, number> = Object.create(null) as Record<string, number>;
  for (const [token, id] of vocab) {
    vocabObject[token] = id;
    if (id + 1 > vocabSize) vocabSize = id + 1;
  }
  // Special tokens present in the vocabulary are matched whole in the raw text, as transformers does.
  const addedTokens = [settings.pad, settings.unk, settings.cls, settings.sep, settings.mask]
    .filter((token, i, all) => vocab.has(token) && all.indexOf(token) === i)
    .map((token) => ({ id: vocab.get(token)!, content: token, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true }));
  const tokenizerJson = {
    version: '1.0',
    added_tokens: addedTokens,
    normalizer: {
      type: 'BertNormalizer', clean_text: true, handle_chinese_chars: settings.tokenizeChineseChars,
      strip_accents: settings.stripAccents, lowercase: settings.lowerCase,
    },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    model: {
      type: 'WordPiece', vocab: vocabObject, unk_token: settings.unk, continuing_subword_prefix: '##',
      max_input_chars_per_word: 100,
    },
    post_processor: {
      type: 'TemplateProcessing',
      single: [{ SpecialToken: { id: settings.cls, type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: settings.sep, type_id: 0 } }],
      pair: [
        { SpecialToken: { id: settings.cls, type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } },
        { SpecialToken: { id: settings.sep, type_id: 0 } }, { Sequence: { id: 'B', type_id: 1 } },
        { SpecialToken: { id: settings.sep, type_id: 1 } },
      ],
      special_tokens: {},
    },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
  };
  const engine = new WordPieceTokenizer(tokenizerJson, { do_lower_case: settings.lowerCase, strip_accents: settings.stripAccents });
  const stripAccents = settings.stripAccents ?? settings.lowerCase;

  /** Ids of one text framed by the template as [CLS] … [SEP], not truncated. */
  const encodeOne = (text: string): number[] =>
    engine.encode(alignWithBertBasicTokenizer(text, settings.tokenizeChineseChars)).ids;

  function encode<D extends TokenIdType = 'int64'>(texts: readonly string[], options: EncodeOptions<D> = {}): EncodedBatch<D> {
    if (!isArray(texts)) throw new TypeError(`Expected an array of strings for texts but received ${typeof texts}`);
    texts.forEach((text, i) => {
      if (typeof text !== 'string') throw new TypeError(`Expected a string for texts[${i}] but received ${typeof text}`);
    });
    const maxLength = options.maxLength ?? 128;
    checkInteger('maxLength', maxLength, 2, settings.modelMaxLength);
    const padding = options.padding ?? 'max_length';
    if (padding !== 'max_length' && padding !== 'longest') {
      throw new RangeError(`Expected 'max_length' or 'longest' for padding but received ${String(padding)}`);
    }
    const dtype = options.dtype ?? 'int64';
    if (dtype !== 'int64' && dtype !== 'int32') throw new RangeError(`Expected 'int64' or 'int32' for dtype but received ${String(dtype)}`);

    // Truncation keeps the first maxLength − 2 pieces, then [SEP]: transformers' truncation=True for one sequence.
    const rows = texts.map((text) => {
      const framed = encodeOne(text);
      return framed.length <= maxLength ? framed : [...framed.slice(0, maxLength - 1), ids.sep];
    });
    const length = padding === 'max_length' ? maxLength : rows.reduce((longest, row) => Math.max(longest, row.length), 2);
    const count = rows.length;
    const flatIds = new Array<number>(count * length).fill(ids.pad);
    const flatMask = new Array<number>(count * length).fill(0);
    rows.forEach((row, r) => {
      for (let t = 0; t < row.length; t++) {
        flatIds[r * length + t] = row[t];
        flatMask[r * length + t] = 1;
      }
    });
    const pack = (values: number[]): IdArray<D> =>
      (dtype === 'int32' ? Int32Array.from(values) : BigInt64Array.from(values, (v) => BigInt(v))) as IdArray<D>;
    return { inputIds: pack(flatIds), attentionMask: pack(flatMask), count, length };
  }

  return {
    encode,
    tokenize: (text: string) => {
      if (typeof text !== 'string') throw new TypeError(`Expected a string for text but received ${typeof text}`);
      return engine.tokenize(alignWithBertBasicTokenizer(text, settings.tokenizeChineseChars));
    },
    vocabSize,
    modelMaxLength: settings.modelMaxLength,
    lowerCase: settings.lowerCase,
    stripAccents,
    specialTokenIds: Object.freeze(ids),
  };
}
