/**
 * The MeDSLIP pre-training losses (Shef-AIRE/MeDSLIP models/model_MeDSLIP.py), vectorised. The reference loops
 * over batch × queries in Python to build the ProtoCL prototypes; here every score is one matrix product.
 */
import * as torch from '../torch/index.ts';

const F = torch.nnf;

/**
 * Existence loss: 2-way cross-entropy of logits (B, Q, 2) against labels (B, Q) in {1, 0, −1}; −1 (and the
 * reference's 2) are ignored. All ignored → 0 (the reference would return NaN and stop training).
 */
export function existenceLoss(logits: torch.Tensor, labels: torch.Tensor): torch.Tensor {
  const flatLabels = labels.reshape(-1).long();
  const valid = flatLabels.ge(0).logicalAnd(flatLabels.le(1));
  const targets = flatLabels.where(valid, -1);
  if (valid.sum().item() === 0) return logits.sum().mul(0);
  return F.crossEntropy(logits.reshape(-1, 2), targets, { ignoreIndex: -1 });
}

/**
 * Prototypical contrastive loss of one stream.
 * - projected (B, Q, E): the stream's decoder outputs projected into text space (cl_fc);
 * - otherBook (K, E): the other stream's frozen text vectors;
 * - candidates (B, Q, C) int64: indices into otherBook; slot 0 is −1 for present entities (the prototype goes
 *   there), −1 elsewhere scores 0 (the reference zeroes those candidate vectors);
 * - related (B, Q, K): 1 where the entity is present together with that entry of the other book (the matrix);
 *   the prototype is the mean of those entries' vectors;
 * - labels (B, Q): only entities labelled exactly 1 count.
 * Logits are raw dot products (no normalisation, no temperature); the target is slot 0.
 */
export function protoclLoss(projected: torch.Tensor, otherBook: torch.Tensor, candidates: torch.Tensor,
  related: torch.Tensor, labels: torch.Tensor): torch.Tensor {
  const [batch, queries] = projected.shape;
  const scores = projected.matmul(otherBook.t()); // (B, Q, K): every entity against every entry of the other book
  const isPlaceholder = candidates.eq(-1);
  const gathered = scores.gather(2, candidates.clamp(0)).where(isPlaceholder.logicalNot(), 0); // (B, Q, C)
  const relatedCount = related.sum(-1); // (B, Q)
  const prototypeScore = scores.mul(related).sum(-1).div(relatedCount.clamp(1)); // mean of related vectors · projection
  const firstSlot = prototypeScore.where(relatedCount.gt(0), gathered.select(2, 0));
  const logits = torch.cat([firstSlot.unsqueeze(2), gathered.slice(2, 1)], 2).reshape(batch * queries, -1); // (B·Q, C)
  const present = labels.reshape(-1).eq(1).to(logits.dtype);
  const count = present.sum().item(); // sync point
  if (count === 0) return projected.sum().mul(0);
  // Mean over the present rows, computed over all rows with a 0/1 weight: the same value as selecting them, but
  // every step allocates the same shapes, which keeps the allocator's memory steady over a long run.
  const perRow = F.crossEntropy(logits, torch.zeros([batch * queries], { dtype: 'int64', device: logits.device }), { reduction: 'none' });
  return perRow.mul(present).sum().div(count);
}

/**
 * Intra-image alignment (ICL): BCE-with-logits of the dot products between every anatomy output (B, A, D) and
 * every pathology output (B, P, D) against the matrix (B, A, P), over entries ≥ 0 (mentioned) only.
 */
export function alignmentLoss(anatomy: torch.Tensor, pathology: torch.Tensor, matrix: torch.Tensor): torch.Tensor {
  const logits = anatomy.bmm(pathology.transpose(1, 2)); // (B, A, P)
  const mentioned = matrix.ge(0).to(logits.dtype);
  const count = mentioned.sum().item(); // sync point
  if (count === 0) return logits.sum().mul(0);
  // Mean over mentioned entries as a weighted sum (fixed shapes every step; see protoclLoss).
  const perEntry = F.binaryCrossEntropyWithLogits(logits, matrix.clamp(0).to(logits.dtype), { reduction: 'none' });
  return perEntry.mul(mentioned).sum().div(count);
}
