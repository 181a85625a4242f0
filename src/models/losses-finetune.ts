/**
 * Losses of the fine-tuning tasks.
 *
 * Provenance: Shef-AIRE/MeDSLIP `Sample_Finetuning_SIIMACR` — I1 classification trains with BCEWithLogits on
 * (B, classes); I2 segmentation with `DiceBCELoss(smooth=1)`: p = sigmoid(logits) and t flattened over the whole
 * batch, dice = 1 − (2Σpt + 1)/(Σp + Σt + 1), loss = BCE(p, t) (mean) + dice.
 */
import * as torch from '../torch/index.ts';

const F = torch.nnf;

export interface DiceBceTerms {
  /** bce + dice, the value trained on. */
  loss: torch.Tensor;
  /** Mean binary cross-entropy of the probabilities (log clamped at −100, as PyTorch's). */
  bce: torch.Tensor;
  /** 1 − soft Dice over the whole batch, smoothed by `smooth`. */
  dice: torch.Tensor;
}

/**
 * The reference's DiceBCE loss of segmentation logits against masks with values in [0, 1].
 * @example const { loss } = diceBceLoss(model.forward(images), masks); loss.backward();
 * @throws RangeError when logits and targets have different numbers of elements.
 */
export function diceBceLoss(logits: torch.Tensor, targets: torch.Tensor, smooth = 1): DiceBceTerms {
  if (logits.numel !== targets.numel) {
    throw new RangeError(`Expected targets with as many elements as logits [${logits.shape.join(', ')}] but received [${targets.shape.join(', ')}]`);
  }
  const p = logits.sigmoid().reshape(-1); // (B·C·H·W)
  const t = targets.to(p.dtype).reshape(-1);
  const intersection = p.mul(t).sum();
  const dice = intersection.mul(2).add(smooth).div(p.sum().add(t.sum()).add(smooth)).rsub(1);
  const bce = F.binaryCrossEntropy(p, t);
  return { loss: bce.add(dice), bce, dice };
}

/**
 * Mean BCE-with-logits over the known labels: `labels` holds 1, 0 or NaN (unknown, as datasets report a class
 * their source lacks), and NaN entries count neither in the sum nor in the mean. With every label known this is
 * the reference's `BCEWithLogitsLoss()`.
 * @throws RangeError when shapes differ or no label is known.
 */
export function maskedBceWithLogits(logits: torch.Tensor, labels: torch.Tensor): torch.Tensor {
  if (logits.shape.join(',') !== labels.shape.join(',')) {
    throw new RangeError(`Expected labels of shape [${logits.shape.join(', ')}] but received [${labels.shape.join(', ')}]`);
  }
  const unknown = labels.isnan();
  const known = unknown.logicalNot().to(logits.dtype);
  const count = known.sum().item();
  if (count === 0) throw new RangeError('Expected at least one known label in the batch but all are unknown (NaN)');
  const targets = labels.maskedFill(unknown, 0).to(logits.dtype);
  return F.binaryCrossEntropyWithLogits(logits, targets, { weight: known, reduction: 'sum' }).div(count);
}
