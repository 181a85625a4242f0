/**
 * The two books as text-encoder vectors, computed once and cached in a safetensors file.
 *
 * The reference recomputes the books in every script (`last_hidden_state[:, 0, :]` of Bio_ClinicalBERT over the 75
 * pathology descriptions and the 51 anatomy prompts, Shef-AIRE/MeDSLIP `models/model_MeDSLIP.py`); medslip encodes
 * them once and stores them with what produced them, so a cached file is only reused with the same texts,
 * encoder and max_length. File layout: tensors `pathology` (75, E) and `anatomy` (51, E), float32; metadata
 * `encoder`, `max_length`, `dim`, `pathology_hash` and `anatomy_hash` (`bookHash` of each book's texts).
 */
import * as torch from '../torch/index.ts';
import { dirname } from 'node:path';
import { readSafetensors, writeSafetensors } from '../io/safetensors.ts';
import { prepareOutputFolder } from '../io/output-folder.ts';
import { toFloat32, type RawTensor } from '../io/raw-tensor.ts';
import { NUM_LANDMARKS, NUM_OBSERVATIONS } from '../vocabulary.ts';
import { ANATOMY_BOOK, BOOK_MAX_LENGTH, PATHOLOGY_BOOK, bookHash, loadPathologyBook } from './books.ts';
import { encodeOffline, OFFLINE_ENCODER_NAME } from './hash-encoder.ts';
import { loadBertEncoder, type BertEncoder } from './bert-loader.ts';

export interface EncodeBooksOptions {
  /** A BERT folder, an encoder already loaded, or omitted for the offline hash encoder (768-d, no weights). */
  textEncoder?: string | BertEncoder;
  /** The 75 pathology descriptions (default: medslip's PATHOLOGY_BOOK). */
  pathologyBook?: readonly string[];
  /** BERT tokens per text, [CLS] and [SEP] included (128, as the reference's pre-training). */
  maxLength?: number;
  /** Texts per BERT forward pass. */
  batchSize?: number;
}

/** Both books as row-major float32 vectors, with what produced them. */
export interface EncodedBooks {
  pathology: Float32Array; // (75, dim)
  anatomy: Float32Array; // (51, dim)
  dim: number;
  /** The encoder's name: OFFLINE_ENCODER_NAME, or `bert:<folder>@<weights hash>`. */
  encoder: string;
  maxLength: number;
  pathologyHash: string;
  anatomyHash: string;
}

/**
 * Encodes the pathology book (75 texts) and the anatomy book (51 prompts) with one text encoder.
 * @example const books = encodeBooks({ textEncoder: 'models/Bio_ClinicalBERT' }); books.pathology.length // 75 · 768
 * @throws RangeError when the pathology book does not have 75 entries; the loader's errors for a BERT folder.
 */
export function encodeBooks(options: EncodeBooksOptions = {}): EncodedBooks {
  const pathologyTexts = options.pathologyBook ?? PATHOLOGY_BOOK;
  if (!Array.isArray(pathologyTexts) || pathologyTexts.length !== NUM_OBSERVATIONS) {
    throw new RangeError(`Expected ${NUM_OBSERVATIONS} texts for pathologyBook but received ${Array.isArray(pathologyTexts) ? pathologyTexts.length : typeof pathologyTexts}`);
  }
  const maxLength = options.maxLength ?? BOOK_MAX_LENGTH;
  if (!Number.isInteger(maxLength)) throw new TypeError(`Expected integer for maxLength but received ${String(maxLength)} (${typeof maxLength})`);
  if (maxLength < 2) throw new RangeError(`Expected integer in [2, ∞) for maxLength but received ${maxLength}`);
  const source = options.textEncoder;
  if (source === undefined) {
    const pathology = encodeOffline(pathologyTexts);
    const anatomy = encodeOffline(ANATOMY_BOOK);
    return finish(pathology, anatomy, pathology.length / NUM_OBSERVATIONS, OFFLINE_ENCODER_NAME, maxLength, pathologyTexts);
  }
  const bert = typeof source === 'string' ? loadBertEncoder(source) : source;
  try {
    const encodeOptions = { maxLength, batchSize: options.batchSize };
    const pathology = bert.encodeTexts(pathologyTexts, encodeOptions);
    const anatomy = bert.encodeTexts(ANATOMY_BOOK, encodeOptions);
    return finish(pathology.cls, anatomy.cls, pathology.dim, bert.name, maxLength, pathologyTexts);
  } finally {
    if (typeof source === 'string') bert.dispose(); // an encoder the caller passed stays theirs
  }
}

function finish(pathology: Float32Array, anatomy: Float32Array, dim: number, encoder: string, maxLength: number,
  pathologyTexts: readonly string[]): EncodedBooks {
  return {
    pathology, anatomy, dim, encoder, maxLength,
    pathologyHash: bookHash(pathologyTexts, encoder, maxLength),
    anatomyHash: bookHash(ANATOMY_BOOK, encoder, maxLength),
  };
}

/**
 * Writes encoded books as a safetensors file (atomically: a crash never leaves half a file).
 * @throws RangeError when the arrays do not hold 75 and 51 rows of `dim` values.
 */
export function saveBooks(file: string, books: EncodedBooks): void {
  const { pathology, anatomy, dim } = books;
  if (!Number.isInteger(dim) || dim < 1 || pathology.length !== NUM_OBSERVATIONS * dim || anatomy.length !== NUM_LANDMARKS * dim) {
    throw new RangeError(`Expected ${NUM_OBSERVATIONS}·dim pathology and ${NUM_LANDMARKS}·dim anatomy values for dim ${dim} but received ${pathology.length} and ${anatomy.length}`);
  }
  writeSafetensors(file, {
    pathology: { dtype: 'float32', shape: [NUM_OBSERVATIONS, dim], data: pathology },
    anatomy: { dtype: 'float32', shape: [NUM_LANDMARKS, dim], data: anatomy },
  }, {
    format: 'pt', encoder: books.encoder, max_length: String(books.maxLength), dim: String(dim),
    pathology_hash: books.pathologyHash, anatomy_hash: books.anatomyHash,
  });
}

/** What a books file says about its vectors; fields other than dim are absent in files made elsewhere. */
export interface BooksMetadata {
  dim: number;
  encoder?: string;
  maxLength?: number;
  pathologyHash?: string;
  anatomyHash?: string;
}

export interface BookArrays {
  pathology: Float32Array; // (75, dim)
  anatomy: Float32Array; // (51, dim)
  metadata: BooksMetadata;
}

/**
 * Reads and validates a books file without the engine: tensors `pathology` (75, E) and `anatomy` (51, E) of one
 * width E, floating point (float16/bfloat16/float64 are widened or narrowed to float32), all values finite.
 * @throws Error naming the file and what is wrong (missing tensor, shape, dtype, non-finite value, metadata).
 */
export function readBooks(file: string): BookArrays {
  const { tensors, metadata } = readSafetensors(file);
  const book = (name: string, rows: number): RawTensor => {
    const tensor = tensors.get(name);
    if (tensor === undefined) {
      throw new Error(`${file}: no tensor "${name}"; a books file holds "pathology" (${NUM_OBSERVATIONS}, E) and "anatomy" (${NUM_LANDMARKS}, E)`);
    }
    if (tensor.shape.length !== 2 || tensor.shape[0] !== rows || tensor.shape[1] < 1) {
      throw new Error(`${file}: tensor "${name}" has shape [${tensor.shape.join(', ')}]; expected (${rows}, E)`);
    }
    if (!['float32', 'float16', 'bfloat16', 'float64'].includes(tensor.dtype)) {
      throw new Error(`${file}: tensor "${name}" is ${tensor.dtype}; expected floating point`);
    }
    const values = toFloat32(tensor);
    const bad = (values.data as Float32Array).findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) throw new Error(`${file}: tensor "${name}" holds a non-finite value at row ${Math.floor(bad / tensor.shape[1])}`);
    return values;
  };
  const pathology = book('pathology', NUM_OBSERVATIONS);
  const anatomy = book('anatomy', NUM_LANDMARKS);
  const dim = pathology.shape[1];
  if (anatomy.shape[1] !== dim) {
    throw new Error(`${file}: "pathology" is ${dim} wide but "anatomy" ${anatomy.shape[1]}; both books must have one width`);
  }
  const integerField = (key: string): number | undefined => {
    const value = metadata[key];
    if (value === undefined) return undefined;
    if (!/^\d+$/.test(value)) throw new Error(`${file}: metadata "${key}" is ${JSON.stringify(value)}; expected a positive integer`);
    return Number(value);
  };
  const declaredDim = integerField('dim');
  if (declaredDim !== undefined && declaredDim !== dim) {
    throw new Error(`${file}: metadata "dim" is ${declaredDim} but the tensors are ${dim} wide`);
  }
  return {
    pathology: pathology.data as Float32Array,
    anatomy: anatomy.data as Float32Array,
    metadata: {
      dim, encoder: metadata.encoder, maxLength: integerField('max_length'),
      pathologyHash: metadata.pathology_hash, anatomyHash: metadata.anatomy_hash,
    },
  };
}

/** Books as engine tensors (shaped like MeDSLIP's `Books`), with the file's metadata. */
export interface LoadedBooks {
  pathology: torch.Tensor; // (75, E)
  anatomy: torch.Tensor; // (51, E)
  metadata: BooksMetadata;
}

/**
 * Loads a books file as float32 tensors (the caller owns and disposes them).
 * @example const { pathology, anatomy } = loadBooks('books.safetensors'); model.forward(images, { pathology, anatomy })
 * @throws Error naming the file (see readBooks).
 */
export function loadBooks(file: string): LoadedBooks {
  const { pathology, anatomy, metadata } = readBooks(file);
  return { ...booksAsTensors(pathology, anatomy, metadata.dim), metadata };
}

/**
 * Books vectors as float32 tensors, pathology (75, dim) and anatomy (51, dim), without a file: freshly encoded
 * books (`encodeBooks`) used in memory. The caller owns and disposes them.
 */
export function booksAsTensors(pathology: Float32Array, anatomy: Float32Array, dim: number): { pathology: torch.Tensor; anatomy: torch.Tensor } {
  return {
    pathology: torch.fromTypedArray(pathology, [NUM_OBSERVATIONS, dim]),
    anatomy: torch.fromTypedArray(anatomy, [NUM_LANDMARKS, dim]),
  };
}

export interface EncodeBooksToFileOptions {
  /** A BERT folder; omitted: the offline hash encoder. */
  textEncoder?: string;
  /** A pathology book JSON (observation → description, 75 entries); omitted: medslip's built-in book. */
  pathologyBook?: string;
  maxLength?: number;
  batchSize?: number;
  /** The safetensors file to write. */
  out: string;
}

export interface BooksSummary {
  out: string;
  encoder: string;
  maxLength: number;
  dim: number;
  pathologyRows: number;
  anatomyRows: number;
  /** The pathology book's path, or "built-in". */
  pathologyBook: string;
  pathologyHash: string;
  anatomyHash: string;
  /** Wall-clock seconds of loading and encoding, measured in this call. */
  seconds: number;
  /** Notes about the inputs (for example pathology-book keys that differ from medslip's names). */
  warnings: string[];
}

/**
 * Encodes both books and writes them to `out`; prints nothing and returns what it did (for `medslip books`).
 * @example encodeBooksToFile({ textEncoder: 'models/Bio_ClinicalBERT', out: 'books.safetensors' })
 * @throws TypeError when out is not a non-empty string; the errors of loadPathologyBook, loadBertEncoder and
 *   encodeBooks.
 */
export function encodeBooksToFile(options: EncodeBooksToFileOptions): BooksSummary {
  const { out } = options;
  if (typeof out !== 'string' || out === '') throw new TypeError(`Expected a non-empty file path (string) for out but received ${JSON.stringify(out)}`);
  prepareOutputFolder(dirname(out)); // before encoding, which takes minutes with a BERT model
  const started = performance.now();
  const warnings: string[] = [];
  const pathologyBook = options.pathologyBook === undefined
    ? PATHOLOGY_BOOK
    : loadPathologyBook(options.pathologyBook, { onWarning: (message) => warnings.push(message) });
  const books = encodeBooks({
    textEncoder: options.textEncoder, pathologyBook, maxLength: options.maxLength, batchSize: options.batchSize,
  });
  saveBooks(out, books);
  return {
    out, encoder: books.encoder, maxLength: books.maxLength, dim: books.dim,
    pathologyRows: NUM_OBSERVATIONS, anatomyRows: NUM_LANDMARKS,
    pathologyBook: options.pathologyBook ?? 'built-in',
    pathologyHash: books.pathologyHash, anatomyHash: books.anatomyHash,
    seconds: (performance.now() - started) / 1000, warnings,
  };
}
