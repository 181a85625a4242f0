/** Sequential and ModuleList: children named "0", "1", … as in PyTorch, so their keys match checkpoints. */
import type * as torch from '../torch/index.ts';
import { Module } from './module.ts';
import type { TensorModule } from './layers.ts';

/** Applies its children in order. */
export class Sequential extends Module implements TensorModule {
  readonly layers: TensorModule[];
  constructor(...layers: TensorModule[]) {
    super();
    this.layers = layers.map((layer, i) => this.registerModule(String(i), layer));
  }
  forward(input: torch.Tensor): torch.Tensor {
    let x = input;
    for (const layer of this.layers) x = layer.forward(x);
    return x;
  }
}

/** Holds modules under indices; the owner decides how to call them. */
export class ModuleList<M extends Module> extends Module {
  readonly items: M[];
  constructor(items: M[]) {
    super();
    this.items = items.map((item, i) => this.registerModule(String(i), item));
  }
  get length(): number {
    return this.items.length;
  }
}
