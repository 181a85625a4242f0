/**
 * MeDSLIP: a dual-stream image encoder aligned with two frozen text books.
 * Mirrors Shef-AIRE/MeDSLIP PreTrain_MeDSLIP/models/model_MeDSLIP.py, with the same parameter names
 * (res_features, mask_generator, res_l{1,2}_{pathology,anatomy}, pathology_embedding_layer, decoder_*, …) so
 * released checkpoints load key for key. Deliberate differences:
 * - ProtoCL is vectorised (losses.ts) instead of Python loops over batch × queries;
 * - every inference path applies the mask and uses the shared query projection (the reference's grounding
 *   script does neither — see REFERENCE.md §6);
 * - books are inputs, not attributes: they are never in the state dict, as in the reference.
 */
import * as torch from '../torch/index.ts';
import { Dropout, LayerNorm, Linear, Module, Sequential, init } from '../nn/index.ts';
import { ResNet, stageChannels, type ResNetArch } from './resnet.ts';
import { QueryDecoder } from './query-decoder.ts';
import { alignmentLoss, existenceLoss, protoclLoss } from './losses.ts';

export interface MedslipConfig {
  /** Image backbone, cut after layer3 (ResNet-50: 1024 channels, 14×14 tokens at 224 px). */
  backbone: ResNetArch;
  /** Width of the decoders and the stream features (reference: 256). */
  dModel: number;
  /** Attention heads (4). */
  heads: number;
  /** Decoder layers per stream (4). */
  layers: number;
  /** Dropout in the decoders and on their outputs (0.1). */
  dropout: number;
  /** Feed-forward width of the decoder layers (1024). */
  feedForward: number;
  /** Width of the text vectors (768 for BERT-base). */
  textDim: number;
  /** ProtoCL candidates per entity: the prototype plus negatives (8). */
  candidates: number;
  /**
   * 'reference': every Linear and attention projection weight ~ N(0, 0.02²), as the reference (attention starts
   * almost uniform); 'pytorch': PyTorch's module defaults (Kaiming-uniform Linear, Xavier attention);
   * 'orthogonal': the maps that carry the image to the existence logits (mask generator, stream projections,
   * attention value and output projections, feed-forward layers, classifiers) as orthogonal matrices, so the
   * chain carries every direction of the image features at full length; the attention's query and key
   * projections and the text-side maps as the reference, so the attention starts uniform and every image token
   * gets its share of the gradient (docs/learning.md). Biases and the ResNet trunk are the same in all three.
   */
  init: MedslipInit;
}

export type MedslipInit = 'reference' | 'pytorch' | 'orthogonal';

export const DEFAULT_CONFIG: Readonly<MedslipConfig> = Object.freeze({
  backbone: 'resnet50', dModel: 256, heads: 4, layers: 4, dropout: 0.1, feedForward: 1024, textDim: 768, candidates: 8,
  init: 'reference',
});

/** The frozen text vectors: pathology (75, E) and anatomy (51, E). */
export interface Books { pathology: torch.Tensor; anatomy: torch.Tensor }

/** One pre-training batch (the reference dataset's fields). */
export interface PretrainBatch {
  images: torch.Tensor; // (B, 3, H, W), normalised
  labelPathology: torch.Tensor; // (B, 75) in {1, 0, −1}
  labelAnatomy: torch.Tensor; // (B, 51)
  matrix: torch.Tensor; // (B, 51, 75) in {1, 0, −1}
  indexPathology: torch.Tensor; // (B, 75, C) int64, anatomy-book candidates
  indexAnatomy: torch.Tensor; // (B, 51, C) int64, pathology-book candidates
}

export interface MedslipLosses {
  loss: torch.Tensor;
  lossCePathology: torch.Tensor;
  lossClPathology: torch.Tensor;
  lossCeAnatomy: torch.Tensor;
  lossClAnatomy: torch.Tensor;
  lossAp: torch.Tensor;
}

/**
 * Weights of the five pre-training losses in their sum. The reference weighs all five 1. In a short run from
 * scratch the contrastive (ProtoCL) and intra-image (ICL) terms, raw dot products without a temperature, send
 * gradients about 100× larger than the existence terms into the shared image encoder and decoders; under Adam
 * the existence signal then moves those weights at about 1 % of the learning rate, and nothing is learnt from the
 * images in a few hundred steps (docs/learning.md). Smaller weights keep every term: their own heads (cl_fc_*)
 * still learn at full speed, since Adam normalises each parameter's step.
 */
export interface LossWeights {
  cePathology: number;
  clPathology: number;
  ceAnatomy: number;
  clAnatomy: number;
  ap: number;
}

export const REFERENCE_LOSS_WEIGHTS: Readonly<LossWeights> = Object.freeze({ cePathology: 1, clPathology: 1, ceAnatomy: 1, clAnatomy: 1, ap: 1 });

/** Both decoders' output features after the shared norm, (Q, B, D) each, and their cross-attention per layer, (B, Q, T) each. */
interface Decoded { pathology: torch.Tensor; anatomy: torch.Tensor; attnPathology: torch.Tensor[]; attnAnatomy: torch.Tensor[] }

export interface MedslipOutputs {
  logitsPathology: torch.Tensor; // (B, 75, 2)
  logitsAnatomy: torch.Tensor; // (B, 51, 2)
  attnPathology: torch.Tensor; // (B, N, 75, T): each layer's head-averaged cross-attention
  attnAnatomy: torch.Tensor; // (B, N, 51, T)
}

export class MeDSLIP extends Module {
  readonly config: MedslipConfig;
  readonly resFeatures: Sequential;
  readonly maskGenerator: Linear;
  readonly resL1Pathology: Linear; readonly resL2Pathology: Linear;
  readonly resL1Anatomy: Linear; readonly resL2Anatomy: Linear;
  readonly queryProjection: Linear;
  readonly decoderAnatomy: QueryDecoder; readonly decoderPathology: QueryDecoder;
  readonly dropoutPathology: Dropout; readonly dropoutAnatomy: Dropout;
  readonly classifierPathology: Linear; readonly classifierAnatomy: Linear;
  readonly clFcPathology: Linear; readonly clFcAnatomy: Linear;
  /**
   * The precision the image trunk and the decoders compute in. 'bfloat16' runs them under libtorch's autocast
   * (convolutions and matrix products in bfloat16, parameters and their gradients float32) and hands float32
   * features and attention to the heads and losses, which always compute in float32. Not part of the model:
   * a checkpoint is the same whichever precision trained it. See docs/performance.md for when it pays.
   */
  precision: torch.Precision = 'float32';

  constructor(config: Partial<MedslipConfig> = {}) {
    super();
    const c = (this.config = { ...DEFAULT_CONFIG, ...config });
    const features = stageChannels(c.backbone)[2]; // layer3 channels: 1024 for ResNet-50, 256 for ResNet-18
    this.resFeatures = this.registerModule('res_features', new ResNet(c.backbone, { stages: 3, head: false }).children());
    this.maskGenerator = this.registerModule('mask_generator', new Linear(features, features));
    this.resL1Pathology = this.registerModule('res_l1_pathology', new Linear(features, features));
    this.resL2Pathology = this.registerModule('res_l2_pathology', new Linear(features, c.dModel));
    this.resL1Anatomy = this.registerModule('res_l1_anatomy', new Linear(features, features));
    this.resL2Anatomy = this.registerModule('res_l2_anatomy', new Linear(features, c.dModel));
    // One projection makes the queries of both streams.
    this.queryProjection = this.registerModule('pathology_embedding_layer', new Linear(c.textDim, c.dModel));
    // One final LayerNorm shared by both decoders (its gradient is the sum over both streams).
    const sharedNorm = new LayerNorm(c.dModel);
    const decoderOptions = { dModel: c.dModel, heads: c.heads, feedForward: c.feedForward, dropout: c.dropout };
    this.decoderAnatomy = this.registerModule('decoder_anatomy', new QueryDecoder(c.layers, decoderOptions, sharedNorm));
    this.decoderPathology = this.registerModule('decoder_pathology', new QueryDecoder(c.layers, decoderOptions, sharedNorm));
    this.dropoutPathology = this.registerModule('dropout_feas_pathology', new Dropout(c.dropout));
    this.dropoutAnatomy = this.registerModule('dropout_feas_anatomy', new Dropout(c.dropout));
    this.classifierPathology = this.registerModule('classifier_pathology', new Linear(c.dModel, 2));
    this.classifierAnatomy = this.registerModule('classifier_anatomy', new Linear(c.dModel, 2));
    this.clFcPathology = this.registerModule('cl_fc_pathology', new Linear(c.dModel, c.textDim));
    this.clFcAnatomy = this.registerModule('cl_fc_anatomy', new Linear(c.dModel, c.textDim));
    if (c.init !== 'pytorch') this.#initWeights(c.init);
  }

  /**
   * The reference's init: every Linear weight (MHA out_proj included) and every MHA in_proj_weight ~ N(0, 0.02²);
   * biases keep PyTorch's defaults. Its decoder layers are deep copies of one prototype, so all layers start
   * with the same linear1/linear2 biases: reproduced here. 'orthogonal' draws the weights on the image's path to
   * the logits as orthogonal matrices instead; of the packed in_proj_weight (query, key, value blocks) only the
   * value block. Orthogonal query and key projections make the attention logits large from the first step: each
   * query's attention then settles on one fixed token whatever the image, only that token's features get a
   * gradient, and the trunk learns little (docs/learning.md, "Query and key projections stay small").
   */
  #initWeights(kind: 'reference' | 'orthogonal'): void {
    torch.noGrad(() => {
      for (const [name, p] of this.namedParameters()) {
        if (name.startsWith('res_features.')) continue; // torchvision's conv init
        const isWeight = name.endsWith('in_proj_weight') || (name.endsWith('.weight') && p.ndim === 2);
        if (!isWeight) continue;
        if (kind === 'reference' || !MeDSLIP.#onImagePath(name)) p.normal_(0, 0.02);
        else if (name.endsWith('in_proj_weight')) {
          const width = p.shape[1];
          p.narrow(0, 0, 2 * width).normal_(0, 0.02); // query and key
          init.orthogonal_(p.narrow(0, 2 * width, width)); // value
        } else init.orthogonal_(p);
      }
      for (const decoder of [this.decoderAnatomy, this.decoderPathology]) {
        const [first, ...rest] = decoder.layers.items;
        for (const layer of rest) {
          layer.linear1.bias!.copy_(first.linear1.bias!);
          layer.linear2.bias!.copy_(first.linear2.bias!);
        }
      }
    });
  }

  /**
   * The maps between the image and the existence logits: the mask generator, the stream projections, every
   * decoder projection and the classifiers. The text-side maps (query projection, cl_fc_*) are not among them.
   */
  static #onImagePath(name: string): boolean {
    return !name.startsWith('pathology_embedding_layer.') && !name.startsWith('cl_fc_');
  }

  /** Images (B, 3, H, W) → stream tokens (T, B, D) for pathology and anatomy. */
  encodeImage(images: torch.Tensor): { pathology: torch.Tensor; anatomy: torch.Tensor } {
    const feature = this.resFeatures.forward(images); // (B, C, h, w)
    const [batch, channels] = feature.shape;
    const tokens = feature.flatten(2).transpose(1, 2).reshape(-1, channels); // (B·T, C), token t = row·w + col
    const mask = this.maskGenerator.forward(tokens); // linear, unbounded (no sigmoid), as the reference
    const pathology = this.resL2Pathology.forward(this.resL1Pathology.forward(mask.mul(tokens)).relu());
    const anatomy = this.resL2Anatomy.forward(this.resL1Anatomy.forward(mask.rsub(1).mul(tokens)).relu());
    const toSequence = (x: torch.Tensor): torch.Tensor => x.view(batch, -1, this.config.dModel).transpose(0, 1); // (T, B, D)
    return { pathology: toSequence(pathology), anatomy: toSequence(anatomy) };
  }

  /** Both decoders: features after the shared norm (Q, B, D) and per-layer cross-attention (B, Q, T), float32. */
  decode(images: torch.Tensor, books: Books): Decoded {
    if (this.precision === 'float32') return this.#decode(images, books);
    const decoded = torch.autocast(images.device.startsWith('cuda') ? 'cuda' : 'cpu', this.precision, () => this.#decode(images, books));
    const toFloat = (t: torch.Tensor): torch.Tensor => t.to('float32');
    return {
      pathology: toFloat(decoded.pathology), anatomy: toFloat(decoded.anatomy),
      attnPathology: decoded.attnPathology.map(toFloat), attnAnatomy: decoded.attnAnatomy.map(toFloat),
    };
  }

  /** decode() in the precision autocast sets (bfloat16 results under it). */
  #decode(images: torch.Tensor, books: Books): Decoded {
    const memory = this.encodeImage(images);
    const batch = images.shape[0];
    // (Q, 1, D): the same queries for every image, so the first decoder layer's self-attention and its
    // cross-attention's query side run once per batch, not once per image (nn/attention.ts). Dropout in training
    // draws a mask per image, so then the queries are expanded to (Q, B, D) as the reference does.
    const perImage = this.training && this.config.dropout > 0;
    const queries = (book: torch.Tensor): torch.Tensor => {
      const projected = this.queryProjection.forward(book).unsqueeze(1);
      return perImage ? projected.expand(projected.shape[0], batch, this.config.dModel) : projected;
    };
    const anatomy = this.decoderAnatomy.forward(queries(books.anatomy), memory.anatomy);
    const pathology = this.decoderPathology.forward(queries(books.pathology), memory.pathology);
    return { pathology: pathology.output, anatomy: anatomy.output, attnPathology: pathology.weights, attnAnatomy: anatomy.weights };
  }

  /** Existence logits and grounding maps (no losses). Call inside noGrad/inferenceMode for evaluation. */
  forward(images: torch.Tensor, books: Books): MedslipOutputs {
    const decoded = this.decode(images, books);
    const logits = (features: torch.Tensor, dropout: Dropout, classifier: Linear): torch.Tensor =>
      classifier.forward(dropout.forward(features)).transpose(0, 1); // (B, Q, 2)
    return {
      logitsPathology: logits(decoded.pathology, this.dropoutPathology, this.classifierPathology),
      logitsAnatomy: logits(decoded.anatomy, this.dropoutAnatomy, this.classifierAnatomy),
      attnPathology: torch.stack(decoded.attnPathology, 1),
      attnAnatomy: torch.stack(decoded.attnAnatomy, 1),
    };
  }

  /** Probability that each observation is present: softmax class 1 of the pathology logits, (B, 75). */
  static presence(logits: torch.Tensor): torch.Tensor {
    return logits.softmax(-1).select(-1, 1);
  }

  /**
   * The grounding attention of pathology query `row`: its head-mean cross-attention averaged over the N decoder
   * layers, (B, T) from `attnPathology` (B, N, Q, T). The heatmap is made from it by src/models/grounding.ts.
   */
  static queryAttention(attnPathology: torch.Tensor, row: number): torch.Tensor {
    return attnPathology.select(2, row).mean(1);
  }

  /** The five pre-training losses and their weighted sum (all weights 1, as the reference, by default). */
  losses(batch: PretrainBatch, books: Books, weights: Readonly<LossWeights> = REFERENCE_LOSS_WEIGHTS): MedslipLosses {
    const decoded = this.decode(batch.images, books);
    const pathology = decoded.pathology.transpose(0, 1); // (B, 75, D), after the shared norm, before dropout
    const anatomy = decoded.anatomy.transpose(0, 1); // (B, 51, D)
    const matrix = batch.matrix.to(pathology.dtype);
    const lossAp = alignmentLoss(anatomy, pathology, matrix);

    const outPathology = this.dropoutPathology.forward(pathology);
    const outAnatomy = this.dropoutAnatomy.forward(anatomy);
    const present = matrix.eq(1).to(pathology.dtype); // (B, 51, 75)
    const lossClPathology = protoclLoss(this.clFcPathology.forward(outPathology), books.anatomy, batch.indexPathology,
      present.transpose(1, 2), batch.labelPathology);
    const lossClAnatomy = protoclLoss(this.clFcAnatomy.forward(outAnatomy), books.pathology, batch.indexAnatomy,
      present, batch.labelAnatomy);
    const lossCePathology = existenceLoss(this.classifierPathology.forward(outPathology), batch.labelPathology);
    const lossCeAnatomy = existenceLoss(this.classifierAnatomy.forward(outAnatomy), batch.labelAnatomy);
    const weighted = (term: torch.Tensor, weight: number): torch.Tensor => (weight === 1 ? term : term.mul(weight));
    const loss = weighted(lossCePathology, weights.cePathology).add(weighted(lossCeAnatomy, weights.ceAnatomy))
      .add(weighted(lossClPathology, weights.clPathology)).add(weighted(lossClAnatomy, weights.clAnatomy)).add(weighted(lossAp, weights.ap));
    return { loss, lossCePathology, lossClPathology, lossCeAnatomy, lossClAnatomy, lossAp };
  }
}
