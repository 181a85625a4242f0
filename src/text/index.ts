/** The text layer: WordPiece tokenisation, the BERT encoder, the offline encoder and the two prompt books. */
export {
  loadTokenizer, type BertTokenizer, type EncodedBatch, type EncodeOptions, type LoadTokenizerOptions, type TokenIdType,
} from './tokenizer.ts';
export { ANATOMY_BOOK, PATHOLOGY_BOOK, loadPathologyBook, type LoadPathologyBookOptions } from './books.ts';
export { encodeOffline, OFFLINE_ENCODER_NAME, type OfflineEncoderOptions } from './hash-encoder.ts';
export { BertModel, type BertActivation, type BertConfig } from './bert.ts';
export { loadBertEncoder, type BertEncoder, type EncodedTexts, type EncodeTextsOptions, type LoadBertOptions } from './bert-loader.ts';
export {
  encodeBooks, encodeBooksToFile, loadBooks, readBooks, saveBooks,
  type BookArrays, type BooksMetadata, type BooksSummary, type EncodeBooksOptions, type EncodeBooksToFileOptions,
  type EncodedBooks, type LoadedBooks,
} from './encode-books.ts';
