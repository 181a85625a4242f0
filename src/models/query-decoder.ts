/**
 * The DETR-style query decoder of MeDSLIP (Shef-AIRE/MeDSLIP models/transformer.py, pre-norm path):
 * self-attention, cross-attention to the image tokens, feed-forward (ReLU), each with a residual; no positional
 * embeddings. Every layer's cross-attention weights (averaged over heads) are returned: they are the grounding
 * maps. The final LayerNorm is passed in, because MeDSLIP shares one LayerNorm between both decoders.
 * (The reference's post-norm path is dead code and drops a residual; it is not reproduced.)
 */
import * as torch from '../torch/index.ts';
import { Dropout, LayerNorm, Linear, Module, ModuleList, MultiheadAttention } from '../nn/index.ts';

export interface DecoderOptions { dModel: number; heads: number; feedForward: number; dropout: number }

export class QueryDecoderLayer extends Module {
  readonly selfAttn: MultiheadAttention; readonly crossAttn: MultiheadAttention;
  readonly linear1: Linear; readonly linear2: Linear; readonly dropout: Dropout;
  readonly norm1: LayerNorm; readonly norm2: LayerNorm; readonly norm3: LayerNorm;
  readonly dropout1: Dropout; readonly dropout2: Dropout; readonly dropout3: Dropout;

  constructor(options: DecoderOptions) {
    super();
    const { dModel, heads, feedForward, dropout } = options;
    // registration order and names as the reference's TransformerDecoderLayer
    this.selfAttn = this.registerModule('self_attn', new MultiheadAttention(dModel, heads, dropout));
    this.crossAttn = this.registerModule('multihead_attn', new MultiheadAttention(dModel, heads, dropout));
    this.linear1 = this.registerModule('linear1', new Linear(dModel, feedForward));
    this.dropout = this.registerModule('dropout', new Dropout(dropout));
    this.linear2 = this.registerModule('linear2', new Linear(feedForward, dModel));
    this.norm1 = this.registerModule('norm1', new LayerNorm(dModel));
    this.norm2 = this.registerModule('norm2', new LayerNorm(dModel));
    this.norm3 = this.registerModule('norm3', new LayerNorm(dModel));
    this.dropout1 = this.registerModule('dropout1', new Dropout(dropout));
    this.dropout2 = this.registerModule('dropout2', new Dropout(dropout));
    this.dropout3 = this.registerModule('dropout3', new Dropout(dropout));
  }

  /**
   * queries (Q, B, D), or (Q, 1, D) shared by every image; memory (T, B, D) → queries (Q, B, D) and
   * cross-attention weights (B, Q, T).
   */
  forward(queries: torch.Tensor, memory: torch.Tensor): { output: torch.Tensor; weights: torch.Tensor } {
    let x = queries;
    const normed1 = this.norm1.forward(x);
    x = x.add(this.dropout1.forward(this.selfAttn.forward(normed1, normed1, normed1).output));
    const cross = this.crossAttn.forward(this.norm2.forward(x), memory, memory);
    x = x.add(this.dropout2.forward(cross.output));
    const hidden = this.dropout.forward(this.linear1.forward(this.norm3.forward(x)).relu());
    x = x.add(this.dropout3.forward(this.linear2.forward(hidden)));
    return { output: x, weights: cross.weights };
  }
}

export class QueryDecoder extends Module {
  readonly layers: ModuleList<QueryDecoderLayer>;
  constructor(layerCount: number, options: DecoderOptions, readonly norm: LayerNorm) {
    super();
    this.layers = this.registerModule('layers', new ModuleList(Array.from({ length: layerCount }, () => new QueryDecoderLayer(options))));
    this.registerModule('norm', norm);
  }

  /** → final features (Q, B, D) after the shared norm, and each layer's cross-attention weights (B, Q, T). */
  forward(queries: torch.Tensor, memory: torch.Tensor): { output: torch.Tensor; weights: torch.Tensor[] } {
    let x = queries;
    const weights: torch.Tensor[] = [];
    for (const layer of this.layers.items) {
      const out = layer.forward(x, memory);
      x = out.output;
      weights.push(out.weights);
    }
    return { output: this.norm.forward(x), weights };
  }
}
