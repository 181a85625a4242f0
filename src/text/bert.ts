/**
 * A BERT text encoder on the libtorch engine: the modules, with Hugging Face's names (loading a model folder
 * and encoding texts: ./bert-loader.ts).
 *
 * Mirrors transformers' `BertModel` (modeling_bert.py) in eval mode, which is how the reference computes its
 * frozen book vectors (Shef-AIRE/MeDSLIP `models/model_MeDSLIP.py`: `AutoModel.from_pretrained(...)`, run under
 * no_grad with input_ids and attention_mask, `last_hidden_state[:, 0, :]`). Module attributes carry the Hugging
 * Face names (`embeddings.word_embeddings`, `encoder.layer.N.attention.self.query`, `LayerNorm`, …) because they
 * become the state-dict keys that released checkpoints use.
 *
 * Inference only: no dropout modules (they are identities in eval mode), token types are all 0 (one-segment
 * input, as the reference tokenises), and masked keys get the most negative float32 added to their scores
 * before the softmax (transformers ≥ 4.31; older versions added −10000, which gives the same probabilities
 * up to float32 rounding for any realistic score).
 */
import * as torch from '../torch/index.ts';
import { LayerNorm, Linear, Module, ModuleList } from '../nn/index.ts';
import { checkInteger } from '../util/check.ts';

/** The fields of a Hugging Face `config.json` that shape a BERT encoder. */
export interface BertConfig {
  vocabSize: number;
  hiddenSize: number;
  numHiddenLayers: number;
  numAttentionHeads: number;
  intermediateSize: number;
  maxPositionEmbeddings: number;
  typeVocabSize: number;
  layerNormEps: number;
  /** 'gelu' is the exact erf form (BERT's); 'gelu_new' the tanh approximation. */
  hiddenAct: BertActivation;
}

export type BertActivation = 'gelu' | 'gelu_new' | 'relu';
export const ACTIVATIONS: Readonly<Record<string, BertActivation>> = Object.freeze({
  gelu: 'gelu', gelu_new: 'gelu_new', gelu_pytorch_tanh: 'gelu_new', relu: 'relu',
});

// Additive mask for padded keys: transformers uses torch.finfo(dtype).min.
const FLOAT32_LOWEST = -3.4028234663852886e38;

/** A lookup table (torch.nn.Embedding): weight (count, dim), initialised N(0, 1) as PyTorch does. */
export class Embedding extends Module {
  readonly weight: torch.Tensor;
  constructor(readonly count: number, readonly dim: number) {
    super();
    this.weight = this.registerParameter('weight', torch.randn([count, dim]));
  }
  /** ids (…) int64 → (…, dim). */
  forward(ids: torch.Tensor): torch.Tensor {
    return torch.nnf.embedding(this.weight, ids);
  }
}

class BertEmbeddings extends Module {
  readonly wordEmbeddings: Embedding;
  readonly positionEmbeddings: Embedding;
  readonly tokenTypeEmbeddings: Embedding;
  readonly layerNorm: LayerNorm;
  constructor(config: BertConfig) {
    super();
    this.wordEmbeddings = this.registerModule('word_embeddings', new Embedding(config.vocabSize, config.hiddenSize));
    this.positionEmbeddings = this.registerModule('position_embeddings', new Embedding(config.maxPositionEmbeddings, config.hiddenSize));
    this.tokenTypeEmbeddings = this.registerModule('token_type_embeddings', new Embedding(config.typeVocabSize, config.hiddenSize));
    this.layerNorm = this.registerModule('LayerNorm', new LayerNorm(config.hiddenSize, config.layerNormEps));
  }
  /** ids (B, L) → (B, L, H): word + position + token type (all type 0), then LayerNorm. */
  forward(inputIds: torch.Tensor): torch.Tensor {
    const length = inputIds.shape[1];
    const positions = torch.arange(length, undefined, 1, { dtype: 'int64', device: inputIds.device }); // (L)
    const tokenTypes = torch.zeros([length], { dtype: 'int64', device: inputIds.device }); // (L)
    const summed = this.wordEmbeddings.forward(inputIds) // (B, L, H)
      .add(this.positionEmbeddings.forward(positions)) // + (L, H), broadcast over B
      .add(this.tokenTypeEmbeddings.forward(tokenTypes));
    return this.layerNorm.forward(summed);
  }
}

class BertSelfAttention extends Module {
  readonly query: Linear;
  readonly key: Linear;
  readonly value: Linear;
  readonly headDim: number;
  constructor(readonly hiddenSize: number, readonly heads: number) {
    super();
    this.headDim = hiddenSize / heads;
    this.query = this.registerModule('query', new Linear(hiddenSize, hiddenSize));
    this.key = this.registerModule('key', new Linear(hiddenSize, hiddenSize));
    this.value = this.registerModule('value', new Linear(hiddenSize, hiddenSize));
  }
  /** hidden (B, L, H), additive key mask (B, 1, 1, L) → context (B, L, H). */
  forward(hidden: torch.Tensor, keyMask: torch.Tensor): torch.Tensor {
    const [batch, length] = hidden.shape;
    const splitHeads = (x: torch.Tensor): torch.Tensor =>
      x.view(batch, length, this.heads, this.headDim).permute(0, 2, 1, 3); // (B, h, L, d)
    const q = splitHeads(this.query.forward(hidden));
    const k = splitHeads(this.key.forward(hidden));
    const v = splitHeads(this.value.forward(hidden));
    // As modeling_bert.py: scores = q·kᵀ / √d + mask, then softmax over keys.
    const scores = q.matmul(k.transpose(-1, -2)).div(Math.sqrt(this.headDim)).add(keyMask); // (B, h, L, L)
    const context = scores.softmax(-1).matmul(v); // (B, h, L, d)
    return context.permute(0, 2, 1, 3).contiguous().view(batch, length, this.hiddenSize); // (B, L, H)
  }
}

/** dense → residual → LayerNorm: BertSelfOutput and BertOutput. */
class ResidualOutput extends Module {
  readonly dense: Linear;
  readonly layerNorm: LayerNorm;
  constructor(inFeatures: number, hiddenSize: number, eps: number) {
    super();
    this.dense = this.registerModule('dense', new Linear(inFeatures, hiddenSize));
    this.layerNorm = this.registerModule('LayerNorm', new LayerNorm(hiddenSize, eps));
  }
  forward(x: torch.Tensor, residual: torch.Tensor): torch.Tensor {
    return this.layerNorm.forward(this.dense.forward(x).add(residual));
  }
}

class BertAttention extends Module {
  readonly self: BertSelfAttention;
  readonly output: ResidualOutput;
  constructor(config: BertConfig) {
    super();
    this.self = this.registerModule('self', new BertSelfAttention(config.hiddenSize, config.numAttentionHeads));
    this.output = this.registerModule('output', new ResidualOutput(config.hiddenSize, config.hiddenSize, config.layerNormEps));
  }
  forward(hidden: torch.Tensor, keyMask: torch.Tensor): torch.Tensor {
    return this.output.forward(this.self.forward(hidden, keyMask), hidden);
  }
}

class BertIntermediate extends Module {
  readonly dense: Linear;
  constructor(config: BertConfig) {
    super();
    this.dense = this.registerModule('dense', new Linear(config.hiddenSize, config.intermediateSize));
  }
  forward(hidden: torch.Tensor, activation: BertActivation): torch.Tensor {
    const x = this.dense.forward(hidden);
    return activation === 'relu' ? x.relu() : x.gelu(activation === 'gelu' ? 'none' : 'tanh');
  }
}

class BertLayer extends Module {
  readonly attention: BertAttention;
  readonly intermediate: BertIntermediate;
  readonly output: ResidualOutput;
  constructor(readonly config: BertConfig) {
    super();
    this.attention = this.registerModule('attention', new BertAttention(config));
    this.intermediate = this.registerModule('intermediate', new BertIntermediate(config));
    this.output = this.registerModule('output', new ResidualOutput(config.intermediateSize, config.hiddenSize, config.layerNormEps));
  }
  forward(hidden: torch.Tensor, keyMask: torch.Tensor): torch.Tensor {
    const attended = this.attention.forward(hidden, keyMask);
    return this.output.forward(this.intermediate.forward(attended, this.config.hiddenAct), attended);
  }
}

class BertEncoderStack extends Module {
  readonly layer: ModuleList<BertLayer>;
  constructor(config: BertConfig) {
    super();
    this.layer = this.registerModule('layer', new ModuleList(Array.from({ length: config.numHiddenLayers }, () => new BertLayer(config))));
  }
  forward(hidden: torch.Tensor, keyMask: torch.Tensor): torch.Tensor {
    let x = hidden;
    for (const layer of this.layer.items) x = layer.forward(x, keyMask);
    return x;
  }
}

class BertPooler extends Module {
  readonly dense: Linear;
  constructor(config: BertConfig) {
    super();
    this.dense = this.registerModule('dense', new Linear(config.hiddenSize, config.hiddenSize));
  }
  /** tanh(dense(first token)): (B, L, H) → (B, H). */
  forward(lastHiddenState: torch.Tensor): torch.Tensor {
    return this.dense.forward(lastHiddenState.select(1, 0)).tanh();
  }
}

/** transformers' BertModel (without dropout): embeddings → encoder → optional pooler. */
export class BertModel extends Module {
  readonly embeddings: BertEmbeddings;
  readonly encoder: BertEncoderStack;
  readonly pooler: BertPooler | null;

  /** @param options.pooler add the pooler (`pooler.dense`); default true, as AutoModel. */
  constructor(readonly config: BertConfig, options: { pooler?: boolean } = {}) {
    super();
    this.embeddings = this.registerModule('embeddings', new BertEmbeddings(config));
    this.encoder = this.registerModule('encoder', new BertEncoderStack(config));
    this.pooler = options.pooler === false ? null : this.registerModule('pooler', new BertPooler(config));
    this.eval();
  }

  /**
   * One forward pass: inputIds and attentionMask (B, L) int64 → last_hidden_state (B, L, H). Records the
   * autograd graph unless called under noGrad/inferenceMode; `encode` is the batched inference entry point.
   * @throws RangeError when L exceeds max_position_embeddings or the shapes differ.
   */
  forward(inputIds: torch.Tensor, attentionMask: torch.Tensor): torch.Tensor {
    if (inputIds.ndim !== 2 || attentionMask.shape.join(',') !== inputIds.shape.join(',')) {
      throw new RangeError(`Expected inputIds and attentionMask of one shape (B, L) but received [${inputIds.shape.join(', ')}] and [${attentionMask.shape.join(', ')}]`);
    }
    const [batch, length] = inputIds.shape;
    if (length > this.config.maxPositionEmbeddings) {
      throw new RangeError(`Expected sequences of at most ${this.config.maxPositionEmbeddings} tokens (max_position_embeddings) but received ${length}`);
    }
    const hidden = this.embeddings.forward(inputIds);
    // 0 for real keys, the lowest float for padding: (B, L) → (B, 1, 1, L), broadcast over heads and queries.
    const keyMask = attentionMask.to(hidden.dtype).rsub(1).mul(FLOAT32_LOWEST).view(batch, 1, 1, length);
    return this.encoder.forward(hidden, keyMask);
  }

  /**
   * last_hidden_state for many sequences, `batchSize` rows at a time, without autograd. (noGrad rather than
   * inferenceMode: the result may become a constant of a training graph, which inference tensors cannot be.)
   * @example const hidden = model.encode(ids, mask); const cls = hidden.select(1, 0) // (N, H)
   */
  encode(inputIds: torch.Tensor, attentionMask: torch.Tensor, options: { batchSize?: number } = {}): torch.Tensor {
    const batchSize = checkInteger('batchSize', options.batchSize ?? 16, 1);
    const count = inputIds.shape[0];
    return torch.noGrad(() => torch.scope(() => {
      const parts: torch.Tensor[] = [];
      for (let start = 0; start < count; start += batchSize) {
        const rows = Math.min(batchSize, count - start);
        parts.push(torch.scope(() => this.forward(inputIds.narrow(0, start, rows), attentionMask.narrow(0, start, rows))));
      }
      return parts.length === 1 ? parts[0] : torch.cat(parts, 0);
    }));
  }
}
