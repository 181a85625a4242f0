/**
 * The fine-tuning segmentation model: a U-Net whose encoder is a ResNet cut after layer3.
 *
 * Mirrors Shef-AIRE/MeDSLIP `Sample_Finetuning_SIIMACR/I2_segmentation/models/resunet.py`, `ModelResUNet_ft`
 * (itself after kevinlu1211/pytorch-unet-resnet-50-encoder), with the reference's attribute names so that its
 * checkpoints load key for key:
 *   res_features.0…6                    ResNet children[:-3] (conv1, bn1, relu, maxpool, layer1, layer2, layer3)
 *   bridge.bridge.{0,1}.{conv,bn}       2 × [Conv3×3 pad 1 → BN → ReLU] on the layer3 map
 *   up_blocks.{0…3}.upsample            ConvTranspose(k2, s2)
 *   up_blocks.{0…3}.conv_block_{1,2}.{conv,bn}
 *   seg_classifier                      Conv1d(k1) over the flattened pixels (weight (1, C, 1))
 * Skips, deepest first: layer2, layer1, the stem after ReLU, the input image.
 *
 * Channel widths (reference, ResNet-50): bridge 1024, up-blocks 512, 256, 128, 64. The reference hard-codes
 * them, so its ResNet-18 variant cannot run; here they follow the backbone: bridge = layer3 channels, up1 =
 * layer2 channels, up2 = layer1 channels, then halving (ResNet-18: 256 | 128, 64, 32, 16). For ResNet-50 this
 * gives the reference's numbers exactly.
 */
import * as torch from '../torch/index.ts';
import { BatchNorm2d, Conv2d, ConvTranspose2d, Dropout, Module, ModuleList, Sequential, init, type TensorModule } from '../nn/index.ts';
import { ResNet, stageChannels } from './resnet.ts';
import { checkBackbone, type FinetuneBackbone } from './classifier.ts';

export interface ResUNetConfig {
  /** Encoder backbone (reference: resnet50). */
  backbone: FinetuneBackbone;
  /** Output channels, one logit map per class (reference: 1, pneumothorax). */
  classes: number;
  /** Dropout before the classifier (reference: 0.2). */
  dropout: number;
}

export const DEFAULT_RES_UNET_CONFIG: Readonly<ResUNetConfig> = Object.freeze({ backbone: 'resnet50', classes: 1, dropout: 0.2 });

/** Conv3×3 (pad 1, with bias) → BatchNorm → ReLU; the reference's `ConvBlock`. */
class ConvBlock extends Module implements TensorModule {
  readonly conv: Conv2d;
  readonly bn: BatchNorm2d;
  constructor(inChannels: number, outChannels: number) {
    super();
    this.conv = this.registerModule('conv', new Conv2d(inChannels, outChannels, 3, { padding: 1 }));
    this.bn = this.registerModule('bn', new BatchNorm2d(outChannels));
  }
  forward(x: torch.Tensor): torch.Tensor {
    return this.bn.forward(this.conv.forward(x)).relu();
  }
}

/** Two ConvBlocks on the deepest map; the reference's `Bridge` (its Sequential is itself named `bridge`). */
class Bridge extends Module implements TensorModule {
  readonly bridge: Sequential;
  constructor(inChannels: number, outChannels: number) {
    super();
    this.bridge = this.registerModule('bridge', new Sequential(new ConvBlock(inChannels, outChannels), new ConvBlock(outChannels, outChannels)));
  }
  forward(x: torch.Tensor): torch.Tensor {
    return this.bridge.forward(x);
  }
}

/** ConvTranspose(k2, s2) → concat(skip) → ConvBlock → ConvBlock; the reference's `UpBlockForUNetWithResNet50`. */
class UpBlock extends Module {
  readonly upsample: ConvTranspose2d;
  readonly convBlock1: ConvBlock;
  readonly convBlock2: ConvBlock;
  constructor(upIn: number, upOut: number, skipChannels: number) {
    super();
    this.upsample = this.registerModule('upsample', new ConvTranspose2d(upIn, upOut, 2, { stride: 2 }));
    this.convBlock1 = this.registerModule('conv_block_1', new ConvBlock(upOut + skipChannels, upOut));
    this.convBlock2 = this.registerModule('conv_block_2', new ConvBlock(upOut, upOut));
  }
  forward(up: torch.Tensor, skip: torch.Tensor): torch.Tensor {
    const joined = torch.cat([this.upsample.forward(up), skip], 1); // (B, upOut + skip, 2h, 2w)
    return this.convBlock2.forward(this.convBlock1.forward(joined));
  }
}

/** A 1×1 Conv1d with PyTorch's parameter shapes (weight (out, in, 1), bias (out)) and default init. */
class PointwiseConv1d extends Module {
  readonly weight: torch.Tensor;
  readonly bias: torch.Tensor;
  constructor(inChannels: number, outChannels: number) {
    super();
    this.weight = this.registerParameter('weight', torch.empty([outChannels, inChannels, 1]));
    init.kaimingUniform_(this.weight, Math.sqrt(5));
    this.bias = init.defaultBias_(this.registerParameter('bias', torch.empty([outChannels])), this.weight);
  }
  /** (B, C, L) → (B, out, L). */
  forward(x: torch.Tensor): torch.Tensor {
    return torch.nnf.conv1d(x, this.weight, this.bias);
  }
}

/** Indices of res_features whose outputs are skip connections: the stem's ReLU, layer1, layer2. */
const SKIP_AFTER = new Set([2, 4, 5]);

export class ResUNet extends Module implements TensorModule {
  readonly config: Readonly<ResUNetConfig>;
  readonly resFeatures: Sequential;
  readonly bridge: Bridge;
  readonly upBlocks: ModuleList<UpBlock>;
  readonly dropout: Dropout;
  readonly segClassifier: PointwiseConv1d;

  constructor(config: Partial<ResUNetConfig> = {}) {
    super();
    const c = { ...DEFAULT_RES_UNET_CONFIG, ...config };
    checkBackbone(c.backbone);
    if (!Number.isInteger(c.classes) || c.classes < 1) throw new RangeError(`Expected integer ≥ 1 for classes but received ${String(c.classes)}`);
    if (!(c.dropout >= 0 && c.dropout <= 1)) throw new RangeError(`Expected number in [0, 1] for dropout but received ${String(c.dropout)}`);
    this.config = Object.freeze(c);
    const [layer1, layer2, layer3] = stageChannels(c.backbone);
    this.resFeatures = this.registerModule('res_features', new ResNet(c.backbone, { stages: 3, head: false }).children());
    this.bridge = this.registerModule('bridge', new Bridge(layer3, layer3));
    const up = [layer2, layer1, layer1 / 2, layer1 / 4];
    const skips = [layer2, layer1, 64, 3]; // layer2, layer1, stem (64 in every ResNet), input
    const inputs = [layer3, ...up.slice(0, 3)];
    this.upBlocks = this.registerModule('up_blocks', new ModuleList(up.map((out, i) => new UpBlock(inputs[i], out, skips[i]))));
    this.dropout = this.registerModule('dropout', new Dropout(c.dropout));
    this.segClassifier = this.registerModule('seg_classifier', new PointwiseConv1d(up[3], c.classes));
  }

  /**
   * images (B, 3, H, W), normalised, H and W multiples of 16 → logits (B, classes, H, W).
   * @throws RangeError when H or W is not a multiple of 16 (the skips would not line up).
   */
  forward(images: torch.Tensor): torch.Tensor {
    const [batch, , height, width] = images.shape;
    if (images.ndim !== 4 || height % 16 !== 0 || width % 16 !== 0) {
      throw new RangeError(`Expected images (B, 3, H, W) with H and W multiples of 16 but received [${images.shape.join(', ')}]`);
    }
    const skips: torch.Tensor[] = [images];
    let x = images;
    this.resFeatures.layers.forEach((layer, i) => {
      x = layer.forward(x);
      if (SKIP_AFTER.has(i)) skips.push(x);
    });
    let out = this.bridge.forward(x); // (B, layer3, H/16, W/16)
    this.upBlocks.items.forEach((block, i) => {
      out = block.forward(out, skips[skips.length - 1 - i]);
    }); // (B, up4, H, W)
    out = this.dropout.forward(out);
    const channels = out.shape[1];
    const flat = out.reshape(batch, channels, height * width); // (B, up4, H·W)
    return this.segClassifier.forward(flat).reshape(batch, this.config.classes, height, width); // (B, classes, H, W)
  }
}
