/** The model a zero-shot run uses: one passed in, or one loaded from a checkpoint (and released at the end). */
import * as torch from '../../torch/index.ts';
import { loadMedslip } from '../../models/load.ts';
import { MeDSLIP, type Books } from '../../models/medslip.ts';
import { checkBooks, disposeBooks, readBooksFile } from './books.ts';

export interface ModelSource {
  /** A medslip checkpoint, a .safetensors state dict or a reference .pth (loaded strictly). */
  checkpoint?: string;
  /** A model already in memory (used as it is; switched to eval mode). Exactly one of checkpoint/model. */
  model?: MeDSLIP;
  /** Device for a model loaded from `checkpoint` (default cpu). A passed model stays where it is. */
  device?: torch.Device;
  /** The books: tensors { pathology (75, E), anatomy (51, E) }, or a safetensors file holding both. */
  books: Books | string;
}

export interface ResolvedModel {
  model: MeDSLIP;
  books: Books;
  device: torch.Device;
  /** The image side the checkpoint was trained at, when it records one. */
  trainedSize?: number;
  /** Releases what was loaded here (the model from a checkpoint, books read from a file, copies moved to the device). */
  release(): void;
}

/**
 * The model in eval mode and its books on the model's device.
 * @throws TypeError unless exactly one of checkpoint/model is given; Error/RangeError for unloadable or mis-shaped inputs.
 */
export function resolveModel(source: ModelSource): ResolvedModel {
  if ((source.checkpoint === undefined) === (source.model === undefined)) {
    throw new TypeError('Expected exactly one of checkpoint (a path) or model (a MeDSLIP)');
  }
  let model: MeDSLIP;
  let ownsModel = false;
  let trainedSize: number | undefined;
  if (source.model !== undefined) {
    if (!(source.model instanceof MeDSLIP)) throw new TypeError('Expected a MeDSLIP for model');
    model = source.model.eval();
  } else {
    if (typeof source.checkpoint !== 'string') throw new TypeError(`Expected a path for checkpoint but received ${typeof source.checkpoint}`);
    ({ model, imageSize: trainedSize } = loadMedslip(source.checkpoint));
    ownsModel = true;
    if (source.device !== undefined && source.device !== 'cpu') model.to(torch.checkDevice(source.device));
  }
  const owned: Books[] = [];
  try {
    let books: Books;
    if (typeof source.books === 'string') {
      books = readBooksFile(source.books);
      owned.push(books);
    } else {
      books = source.books;
    }
    checkBooks(books, model.config.textDim, typeof source.books === 'string' ? source.books : undefined);
    const device = model.parameters()[0].device;
    if (books.pathology.device !== device || books.anatomy.device !== device) {
      books = { pathology: books.pathology.to(device).keep(), anatomy: books.anatomy.to(device).keep() };
      owned.push(books);
    }
    return {
      model, books, device, trainedSize,
      release(): void {
        for (const b of owned) disposeBooks(b);
        if (ownsModel) model.dispose();
      },
    };
  } catch (error) {
    for (const b of owned) disposeBooks(b);
    if (ownsModel) model.dispose();
    throw error;
  }
}

/**
 * The model's input side: `requested`, else the size the checkpoint was trained at, else 224 (the reference's).
 * @throws RangeError when `requested` differs from the recorded training size (a model sees other scales there)
 */
export function inputSizeFor(resolved: Pick<ResolvedModel, 'trainedSize'>, requested: number | undefined, checkpoint?: string): number {
  const trained = resolved.trainedSize;
  if (requested !== undefined && trained !== undefined && requested !== trained) {
    throw new RangeError(`size ${requested} differs from the ${trained} px that ${checkpoint ?? 'the model'} was trained at; leave size out to use ${trained}`);
  }
  return requested ?? trained ?? 224;
}
