/**
 * ResNet in torchvision's layout (torchvision/models/resnet.py): children conv1, bn1, relu, maxpool,
 * layer1…layer4, avgpool, fc, with torchvision's attribute names inside the blocks (conv1, bn1, …, downsample.0/1),
 * so torchvision and MeDSLIP checkpoints load key for key. Stride sits on the 3×3 conv of the bottleneck (v1.5).
 * Init as torchvision: Kaiming-normal (fan_out, ReLU) convs, BatchNorm 1/0.
 */
import * as torch from '../torch/index.ts';
import { AdaptiveAvgPool2d, BatchNorm2d, Conv2d, Linear, MaxPool2d, Module, ReLU, Sequential, init, type TensorModule } from '../nn/index.ts';

export type ResNetArch = 'resnet18' | 'resnet34' | 'resnet50' | 'resnet101';

const SPECS: Record<ResNetArch, { block: 'basic' | 'bottleneck'; layers: [number, number, number, number] }> = {
  resnet18: { block: 'basic', layers: [2, 2, 2, 2] },
  resnet34: { block: 'basic', layers: [3, 4, 6, 3] },
  resnet50: { block: 'bottleneck', layers: [3, 4, 6, 3] },
  resnet101: { block: 'bottleneck', layers: [3, 4, 23, 3] },
};

/** Output channels of each stage (layer1…layer4). */
export function stageChannels(arch: ResNetArch): [number, number, number, number] {
  return SPECS[arch].block === 'basic' ? [64, 128, 256, 512] : [256, 512, 1024, 2048];
}

const conv3x3 = (inPlanes: number, outPlanes: number, stride = 1): Conv2d =>
  new Conv2d(inPlanes, outPlanes, 3, { stride, padding: 1, bias: false });
const conv1x1 = (inPlanes: number, outPlanes: number, stride = 1): Conv2d =>
  new Conv2d(inPlanes, outPlanes, 1, { stride, bias: false });

export class BasicBlock extends Module implements TensorModule {
  static readonly expansion = 1;
  readonly conv1: Conv2d; readonly bn1: BatchNorm2d; readonly conv2: Conv2d; readonly bn2: BatchNorm2d;
  readonly downsample: Sequential | null;
  constructor(inPlanes: number, planes: number, stride: number, downsample: Sequential | null) {
    super();
    this.conv1 = this.registerModule('conv1', conv3x3(inPlanes, planes, stride));
    this.bn1 = this.registerModule('bn1', new BatchNorm2d(planes));
    this.registerModule('relu', new ReLU());
    this.conv2 = this.registerModule('conv2', conv3x3(planes, planes));
    this.bn2 = this.registerModule('bn2', new BatchNorm2d(planes));
    this.downsample = downsample ? this.registerModule('downsample', downsample) : null;
  }
  // In-place ReLU and residual add, as torchvision: fewer activation-sized allocations, same values and gradients.
  forward(x: torch.Tensor): torch.Tensor {
    const out = this.bn2.forward(this.conv2.forward(this.bn1.forward(this.conv1.forward(x)).relu_()));
    const identity = this.downsample ? this.downsample.forward(x) : x;
    return out.add_(identity).relu_();
  }
}

export class Bottleneck extends Module implements TensorModule {
  static readonly expansion = 4;
  readonly conv1: Conv2d; readonly bn1: BatchNorm2d; readonly conv2: Conv2d; readonly bn2: BatchNorm2d;
  readonly conv3: Conv2d; readonly bn3: BatchNorm2d; readonly downsample: Sequential | null;
  constructor(inPlanes: number, planes: number, stride: number, downsample: Sequential | null) {
    super();
    this.conv1 = this.registerModule('conv1', conv1x1(inPlanes, planes));
    this.bn1 = this.registerModule('bn1', new BatchNorm2d(planes));
    this.conv2 = this.registerModule('conv2', conv3x3(planes, planes, stride));
    this.bn2 = this.registerModule('bn2', new BatchNorm2d(planes));
    this.conv3 = this.registerModule('conv3', conv1x1(planes, planes * 4));
    this.bn3 = this.registerModule('bn3', new BatchNorm2d(planes * 4));
    this.registerModule('relu', new ReLU());
    this.downsample = downsample ? this.registerModule('downsample', downsample) : null;
  }
  forward(x: torch.Tensor): torch.Tensor {
    let out = this.bn1.forward(this.conv1.forward(x)).relu_();
    out = this.bn2.forward(this.conv2.forward(out)).relu_();
    out = this.bn3.forward(this.conv3.forward(out));
    const identity = this.downsample ? this.downsample.forward(x) : x;
    return out.add_(identity).relu_();
  }
}

export interface ResNetOptions {
  /** Build only the stem and layer1…layer{stages} (MeDSLIP's encoder stops after layer3). Default 4. */
  stages?: 1 | 2 | 3 | 4;
  /** Add avgpool and fc (numClasses outputs). Default true when stages is 4. */
  head?: boolean;
  numClasses?: number;
}

/**
 * A ResNet whose registered children are torchvision's, in order; `children()` slices of it give the
 * reference's `nn.Sequential(*list(resnet.children())[:k])` encoders with keys `0.weight`, `4.0.conv1.weight`, ….
 */
export class ResNet extends Module implements TensorModule {
  readonly stages: TensorModule[] = [];
  constructor(readonly arch: ResNetArch, options: ResNetOptions = {}) {
    super();
    const spec = SPECS[arch];
    if (!spec) throw new RangeError(`Expected one of ${Object.keys(SPECS).join(', ')} for arch but received ${arch}`);
    const stageCount = options.stages ?? 4;
    const Block = spec.block === 'basic' ? BasicBlock : Bottleneck;
    this.registerModule('conv1', new Conv2d(3, 64, 7, { stride: 2, padding: 3, bias: false }));
    this.registerModule('bn1', new BatchNorm2d(64));
    this.registerModule('relu', new ReLU(true));
    this.registerModule('maxpool', new MaxPool2d(3, 2, 1));
    let inPlanes = 64;
    for (let stage = 0; stage < stageCount; stage++) {
      const planes = 64 * 2 ** stage, stride = stage === 0 ? 1 : 2;
      const blocks: TensorModule[] = [];
      for (let b = 0; b < spec.layers[stage]; b++) {
        const needsDownsample = b === 0 && (stride !== 1 || inPlanes !== planes * Block.expansion);
        const downsample = needsDownsample
          ? new Sequential(conv1x1(inPlanes, planes * Block.expansion, stride), new BatchNorm2d(planes * Block.expansion)) : null;
        blocks.push(new Block(inPlanes, planes, b === 0 ? stride : 1, downsample));
        inPlanes = planes * Block.expansion;
      }
      this.stages.push(this.registerModule(`layer${stage + 1}`, new Sequential(...blocks)));
    }
    if (options.head ?? stageCount === 4) {
      this.registerModule('avgpool', new AdaptiveAvgPool2d(1));
      this.registerModule('fc', new Linear(inPlanes, options.numClasses ?? 1000));
    }
    // torchvision's init
    this.apply((module) => {
      if (module instanceof Conv2d) init.kaimingNormal_(module.weight, 'fanOut');
    });
  }

  /** The first `count` children as a Sequential named 0…count−1 (the reference's `children()[:count]`). */
  children(count?: number): Sequential {
    const modules = this.namedChildren().map(([, m]) => m as TensorModule);
    return new Sequential(...modules.slice(0, count ?? modules.length));
  }

  forward(x: torch.Tensor): torch.Tensor {
    let out = x;
    for (const [name, module] of this.namedChildren()) {
      out = (module as TensorModule).forward(out);
      if (name === 'avgpool') out = out.flatten(1);
    }
    return out;
  }
}
