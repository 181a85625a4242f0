/**
 * The fine-tuning classifier: a whole ResNet (conv1 … layer4, average pool) and one linear layer.
 *
 * Mirrors Shef-AIRE/MeDSLIP `Sample_Finetuning_SIIMACR/I1_classification/models/resnet.py`, `ModelRes_ft` with
 * `use_base=True` (the only variant its scripts run): `res_features` = `nn.Sequential(*list(resnet.children())[:-1])`
 * (keys res_features.0 … res_features.8), then `res_out` = Linear(2048 → classes), under the reference's names so
 * that its checkpoints load key for key. Deliberate differences:
 * - the pooled features are flattened (B, C) rather than `squeeze()`d, which in the reference drops the batch
 *   dimension too when a batch holds one image;
 * - initialisation from a MeDSLIP checkpoint (`initFromMedslip`) reports how many tensors it copied and fails when
 *   none match; the reference copies silently, and silently copies nothing from a `module.`-prefixed checkpoint
 *   (here the prefix is removed first);
 * - `stages: 3` (not in the reference) cuts the ResNet after layer3, where MeDSLIP's image encoder stops, and pools
 *   there: the supervised ceiling of `medslip bench learning` (src/tasks/ceiling.ts) is this model with MeDSLIP's
 *   trunk, under the same res_features.0/1/4/5/6 keys.
 */
import * as torch from '../torch/index.ts';
import { AdaptiveAvgPool2d, Linear, Module, Sequential, type TensorModule } from '../nn/index.ts';
import { readModelWeights } from '../io/checkpoint.ts';
import type { RawTensor } from '../io/raw-tensor.ts';
import { ResNet, stageChannels } from './resnet.ts';

/** Backbones the fine-tuning models are built on (ResNet-18 for tests and demos). */
export type FinetuneBackbone = 'resnet18' | 'resnet50';
export const FINETUNE_BACKBONES: readonly FinetuneBackbone[] = Object.freeze(['resnet18', 'resnet50']);

export interface ClassifierConfig {
  /** Image backbone (reference: resnet50). */
  backbone: FinetuneBackbone;
  /** Number of outputs, one logit per class (SIIM pneumothorax: 1; CXR14: 14). */
  classes: number;
  /** ResNet stages before the pool: 4 (the whole ResNet, the reference; default) or 3 (MeDSLIP's trunk). */
  stages?: 3 | 4;
}

/** Checks a backbone name: RangeError listing the choices otherwise. */
export function checkBackbone(backbone: unknown): FinetuneBackbone {
  if (!FINETUNE_BACKBONES.includes(backbone as FinetuneBackbone)) {
    throw new RangeError(`Expected one of ${FINETUNE_BACKBONES.join(', ')} for backbone but received ${String(backbone)}`);
  }
  return backbone as FinetuneBackbone;
}

export class ResNetClassifier extends Module implements TensorModule {
  readonly config: Readonly<ClassifierConfig>;
  /** conv1, bn1, relu, maxpool, layer1…layer4, avgpool (torchvision's children without fc). */
  readonly resFeatures: Sequential;
  readonly resOut: Linear;

  constructor(config: ClassifierConfig) {
    super();
    const backbone = checkBackbone(config.backbone);
    if (!Number.isInteger(config.classes) || config.classes < 1) {
      throw new RangeError(`Expected integer ≥ 1 for classes but received ${String(config.classes)}`);
    }
    const stages = config.stages ?? 4;
    if (stages !== 3 && stages !== 4) throw new RangeError(`Expected 3 or 4 for stages but received ${String(config.stages)}`);
    this.config = Object.freeze({ backbone, classes: config.classes, stages });
    // Built without torchvision's fc (it would be dropped anyway); the pool follows the last stage (children()[8]
    // of the whole ResNet, as in torchvision).
    const resnet = new ResNet(backbone, { stages, head: false });
    this.resFeatures = this.registerModule('res_features', new Sequential(...resnet.children().layers, new AdaptiveAvgPool2d(1)));
    this.resOut = this.registerModule('res_out', new Linear(stageChannels(backbone)[stages - 1], config.classes));
  }

  /** images (B, 3, H, W), normalised → logits (B, classes). */
  forward(images: torch.Tensor): torch.Tensor {
    const pooled = this.resFeatures.forward(images); // (B, C, 1, 1)
    return this.resOut.forward(pooled.flatten(1)); // (B, C) → (B, classes)
  }
}

/** What `initFromMedslip` did. */
export interface InitReport {
  /** The checkpoint file. */
  path: string;
  /** Keys copied into the model (names present in both, e.g. res_features.0.weight). */
  copied: string[];
  /** Model keys left at their fresh initialisation (layer4, the heads, …). */
  kept: string[];
  /** Checkpoint keys the model does not have (MeDSLIP's decoders, mask generator, …). */
  ignored: number;
  /** 'medslip', 'safetensors' or 'pytorch' (which reader was used). */
  source: string;
}

/** Drops a `module.` prefix that DistributedDataParallel adds to every key. */
function withoutModulePrefix(weights: Map<string, RawTensor>): Map<string, RawTensor> {
  const keys = [...weights.keys()];
  if (keys.length === 0 || !keys.every((k) => k.startsWith('module.'))) return weights;
  return new Map(keys.map((k) => [k.slice('module.'.length), weights.get(k)!]));
}

/**
 * Copies every tensor whose name exists both in `model`'s state dict and in the checkpoint at `path` (a medslip
 * checkpoint, a .safetensors state dict or a reference .pth), as the reference's fine-tuning scripts do. For the
 * classifier and the Res-UNet this is the MeDSLIP image encoder: res_features.0/1 (stem) and .4/.5/.6 (layer1–3),
 * BatchNorm running statistics included.
 *
 * @example const report = initFromMedslip(model, 'MeDSLIP_resnet50.pth'); // report.copied.length === 258 for ResNet-50
 * @throws Error naming the checkpoint when no key matches, or naming the key when a matching key has another
 *   shape (a checkpoint of another backbone).
 */
export function initFromMedslip(model: Module, path: string): InitReport {
  const { weights: raw, source } = readModelWeights(path);
  const weights = withoutModulePrefix(raw);
  const own = model.stateDict();
  const copied = [...own.keys()].filter((key) => weights.has(key));
  if (copied.length === 0) {
    const sample = [...weights.keys()].slice(0, 3).join(', ');
    throw new Error(`${path}: no tensor matches the model (expected keys such as res_features.0.weight; the file has ${weights.size} tensors${sample ? `, e.g. ${sample}` : ''}); is it a MeDSLIP checkpoint?`);
  }
  for (const key of copied) {
    const expected = own.get(key)!.shape, found = weights.get(key)!.shape;
    if (expected.join(',') !== found.join(',') && !(expected.length === 0 && found.length === 1 && found[0] === 1)) {
      throw new Error(`${path}: ${key} has shape [${found.join(', ')}] but the model expects [${expected.join(', ')}]; was the checkpoint pre-trained with another backbone?`);
    }
  }
  model.loadStateDict(new Map(copied.map((key) => [key, weights.get(key)!])), { strict: false });
  const copiedSet = new Set(copied);
  return {
    path,
    copied,
    kept: [...own.keys()].filter((key) => !copiedSet.has(key)),
    ignored: weights.size - copied.length,
    source,
  };
}
