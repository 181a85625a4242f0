/**
 * The text books a zero-shot run queries with: read from a file, checked against the model, and extended with
 * free-text prompts. A prompt becomes one more pathology query: its text vector is appended to the pathology book
 * rows, and the model projects it with the same `queryProjection` as the 75 observation descriptions (the
 * decoder takes any number of queries). Queries attend to each other in the decoder's self-attention, so an
 * appended prompt shifts the other queries' outputs a little: the tasks therefore score the observations with
 * the plain books and read only the prompt rows from the extended ones.
 */
import * as torch from '../../torch/index.ts';
import { loadBooks, readBooks, type BooksMetadata } from '../../text/encode-books.ts';
import { encodeOffline, OFFLINE_ENCODER_NAME } from '../../text/hash-encoder.ts';
import type { BertEncoder } from '../../text/bert-loader.ts';
import type { Books } from '../../models/medslip.ts';
import { NUM_LANDMARKS, NUM_OBSERVATIONS } from '../../vocabulary.ts';

/**
 * Encodes texts to (N, E) vectors in the books' text space (the same encoder, and max_length, that made the books).
 * The task takes over the returned tensor and disposes it.
 */
export type TextEncoder = (texts: readonly string[]) => torch.Tensor | Promise<torch.Tensor>;

/**
 * Reads a books file (tensors `pathology` (75, E) and `anatomy` (51, E), see src/text/encode-books.ts). The
 * tensors are kept (outside any scope): dispose them with `disposeBooks` when done.
 * @throws Error naming the file when a tensor is missing, mis-shaped or not finite.
 */
export function readBooksFile(path: string): Books & { metadata: BooksMetadata } {
  const { pathology, anatomy, metadata } = loadBooks(path);
  return { pathology: pathology.keep(), anatomy: anatomy.keep(), metadata };
}

/** The prompt encoder matching books made by the offline hash encoder: `encodeOffline` at the books' width. */
export function offlineTextEncoder(dim = 768): TextEncoder {
  return (texts) => torch.fromTypedArray(encodeOffline(texts, { dim }), [texts.length, dim]);
}

/** The prompt encoder matching books made by a BERT model: its [CLS] vectors at the books' max_length. */
export function bertTextEncoder(bert: BertEncoder, maxLength = 128): TextEncoder {
  return (texts) => {
    const { cls, count, dim } = bert.encodeTexts(texts, { maxLength });
    return torch.fromTypedArray(cls, [count, dim]);
  };
}

/**
 * The prompt encoder for a books file, from the encoder its metadata names: the offline encoder needs nothing,
 * a BERT one needs the same model loaded (`bert`).
 * @throws Error naming the books file when the metadata names a BERT model other than `bert` (or none is given).
 */
export function textEncoderForBooks(file: string, bert?: BertEncoder): TextEncoder {
  const { encoder, dim, maxLength } = readBooks(file).metadata;
  if (encoder === OFFLINE_ENCODER_NAME) return offlineTextEncoder(dim);
  if (bert === undefined) {
    throw new Error(encoder === undefined
      ? `${file}: the books do not record their text encoder; pass the BERT model that made them to encode prompts`
      : `${file}: the books were made by ${encoder}; load that BERT model to encode prompts`);
  }
  if (encoder !== undefined && bert.name !== encoder) throw new Error(`${file}: the books were made by ${encoder} but the prompt encoder is ${bert.name}`);
  return bertTextEncoder(bert, maxLength);
}

export function disposeBooks(books: Books): void {
  books.pathology.dispose();
  books.anatomy.dispose();
}

/**
 * Checks that the books fit a model with text width `textDim`; `file` names where they came from.
 * @throws RangeError naming the books file (when given), the book and the expected shape.
 */
export function checkBooks(books: Books, textDim: number, file?: string): void {
  if (!(books?.pathology instanceof torch.Tensor) || !(books?.anatomy instanceof torch.Tensor)) {
    throw new TypeError('Expected books { pathology: Tensor (75, E), anatomy: Tensor (51, E) } or the path of a books file');
  }
  for (const [name, tensor, rows] of [['pathology', books.pathology, NUM_OBSERVATIONS], ['anatomy', books.anatomy, NUM_LANDMARKS]] as const) {
    if (tensor.ndim !== 2 || tensor.shape[0] !== rows || tensor.shape[1] !== textDim) {
      const found = `(${tensor.shape.join(', ')})`;
      throw new RangeError(file === undefined
        ? `Expected the ${name} book to be (${rows}, ${textDim}) for this model but it is ${found}`
        : `${file}: the ${name} book is ${found} but the model expects (${rows}, ${textDim}); use the books the model was trained with (its run folder's books.safetensors)`);
    }
  }
}

/**
 * Books with `texts` appended as extra pathology queries (rows 75, 76, …). Returns new tensors, kept, that the
 * caller disposes with `disposeBooks`; the input books are untouched.
 * @throws Error when the encoder returns the wrong shape.
 */
export async function withPromptQueries(books: Books, texts: readonly string[], encodeText: TextEncoder): Promise<Books> {
  const encoded = await encodeText(texts);
  if (!(encoded instanceof torch.Tensor)) throw new TypeError('Expected encodeText to return a Tensor (N, E)');
  try {
    const width = books.pathology.shape[1];
    if (encoded.ndim !== 2 || encoded.shape[0] !== texts.length || encoded.shape[1] !== width) {
      throw new Error(`encodeText returned (${encoded.shape.join(', ')}) for ${texts.length} prompt(s); expected (${texts.length}, ${width}), the books' width`);
    }
    const pathology = torch.scope(() =>
      torch.cat([books.pathology, encoded.to(books.pathology.dtype).to(books.pathology.device)], 0)).keep(); // (75 + P, E)
    const anatomy = torch.scope(() => books.anatomy.clone()).keep();
    return { pathology, anatomy };
  } finally {
    encoded.dispose();
  }
}
