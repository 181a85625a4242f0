/**
 * AdamW (decoupled weight decay) exactly as torch.optim.AdamW (1.13, single-tensor, no amsgrad):
 *   p ← p·(1 − lr·wd);  m ← β1·m + (1−β1)·g;  v ← β2·v + (1−β2)·g²
 *   p ← p − lr/(1−β1ᵗ) · m / (√v/√(1−β2ᵗ) + ε)
 * with parameter groups (the reference puts biases and 1-D parameters in a group without decay), optional
 * gradient clipping by global norm, and a state that checkpoints save and restore.
 */
import * as torch from '../torch/index.ts';
import { checkNumber } from '../util/check.ts';

export interface ParamGroup {
  params: torch.Tensor[];
  /** Parameter names, for checkpoints (state is saved by name, so a resumed model can be rebuilt). */
  names?: string[];
  lr?: number;
  weightDecay?: number;
}

export interface AdamWOptions { lr?: number; betas?: [number, number]; eps?: number; weightDecay?: number }

interface ParamState { step: number; expAvg: torch.Tensor; expAvgSq: torch.Tensor }

/** Splits named parameters into the reference's two groups: decay, and no decay (biases and 1-D tensors). */
export function referenceParamGroups(named: [string, torch.Tensor][], weightDecay = 0.02): ParamGroup[] {
  const decay = named.filter(([name, p]) => !(p.ndim <= 1 || name.endsWith('.bias')));
  const noDecay = named.filter(([name, p]) => p.ndim <= 1 || name.endsWith('.bias'));
  return [
    { params: decay.map(([, p]) => p), names: decay.map(([n]) => n), weightDecay },
    { params: noDecay.map(([, p]) => p), names: noDecay.map(([n]) => n), weightDecay: 0 },
  ];
}

export class AdamW {
  readonly groups: Required<ParamGroup>[];
  readonly betas: [number, number];
  readonly eps: number;
  readonly #state = new Map<torch.Tensor, ParamState>();

  constructor(groups: ParamGroup[], options: AdamWOptions = {}) {
    const lr = checkNumber('lr', options.lr ?? 1e-3, 0);
    this.betas = options.betas ?? [0.9, 0.999];
    this.eps = options.eps ?? 1e-8;
    this.groups = groups.map((g, i) => ({
      params: g.params,
      names: g.names ?? g.params.map((_, j) => `group${i}.${j}`),
      lr: g.lr ?? lr,
      weightDecay: g.weightDecay ?? options.weightDecay ?? 0.01,
    }));
  }

  /** Sets the learning rate of every group (what a scheduler does each epoch or step). */
  setLr(lr: number): void {
    for (const group of this.groups) group.lr = lr;
  }

  get lr(): number {
    return this.groups[0]?.lr ?? 0;
  }

  /** One update of every parameter that has a gradient. */
  step(): void {
    const [beta1, beta2] = this.betas;
    torch.noGrad(() => {
      for (const group of this.groups) {
        for (const param of group.params) {
          const grad = param.grad;
          if (grad === null) continue;
          torch.scope(() => {
            let state = this.#state.get(param);
            if (!state) {
              state = { step: 0, expAvg: torch.zerosLike(param).keep(), expAvgSq: torch.zerosLike(param).keep() };
              this.#state.set(param, state);
            }
            state.step += 1;
            if (group.weightDecay !== 0) param.mul_(1 - group.lr * group.weightDecay);
            state.expAvg.lerp_(grad, 1 - beta1);
            state.expAvgSq.mul_(beta2).addcmul_(grad, grad, 1 - beta2);
            const stepSize = group.lr / (1 - beta1 ** state.step);
            const denominator = state.expAvgSq.sqrt().div(Math.sqrt(1 - beta2 ** state.step)).add(this.eps);
            param.addcdiv_(state.expAvg, denominator, -stepSize);
          });
          grad.dispose();
        }
      }
    });
  }

  /** Sets every gradient to null. */
  zeroGrad(): void {
    for (const group of this.groups) for (const p of group.params) p.grad = null;
  }

  /** Optimizer state by parameter name: step counts and moment tensors (owned by the optimizer). */
  stateByName(): Map<string, { step: number; expAvg: torch.Tensor; expAvgSq: torch.Tensor }> {
    const out = new Map<string, ParamState>();
    for (const group of this.groups) {
      group.params.forEach((p, i) => {
        const state = this.#state.get(p);
        if (state) out.set(group.names[i], state);
      });
    }
    return out;
  }

  /**
   * Restores state saved by stateByName (moments are copied; unknown names are an error). The moments land on each
   * parameter's device and dtype: a checkpoint is read into host memory, and a model resumed on a GPU (or in
   * another precision) updates with moments beside its parameters, as torch.optim's load_state_dict casts them.
   */
  loadStateByName(state: Map<string, { step: number; expAvg: torch.Tensor; expAvgSq: torch.Tensor }>): void {
    const byName = new Map<string, torch.Tensor>();
    for (const group of this.groups) group.params.forEach((p, i) => byName.set(group.names[i], p));
    for (const [name, saved] of state) {
      const param = byName.get(name);
      if (!param) throw new Error(`optimizer state names parameter "${name}", which the model does not have`);
      if (saved.expAvg.shape.join(',') !== param.shape.join(',')) {
        throw new Error(`optimizer state for "${name}" has shape [${saved.expAvg.shape.join(', ')}] but the parameter has [${param.shape.join(', ')}]`);
      }
      this.#state.get(param)?.expAvg.dispose();
      this.#state.get(param)?.expAvgSq.dispose();
      const besideParam = (moment: torch.Tensor): torch.Tensor =>
        torch.scope(() => moment.to(param.device).to(param.dtype).clone()).keep();
      this.#state.set(param, { step: saved.step, expAvg: besideParam(saved.expAvg), expAvgSq: besideParam(saved.expAvgSq) });
    }
  }

  dispose(): void {
    for (const state of this.#state.values()) {
      state.expAvg.dispose();
      state.expAvgSq.dispose();
    }
    this.#state.clear();
  }
}

/**
 * Scales gradients in place so that their global L2 norm is at most maxNorm (torch.nn.utils.clip_grad_norm_).
 * Returns the norm before clipping.
 */
export function clipGradNorm(params: torch.Tensor[], maxNorm: number): number {
  return torch.noGrad(() => torch.scope(() => {
    const grads = params.map((p) => p.grad).filter((g): g is torch.Tensor => g !== null);
    if (grads.length === 0) return 0;
    const total = torch.stack(grads.map((g) => g.norm(2))).norm(2).item();
    const coefficient = maxNorm / (total + 1e-6);
    if (coefficient < 1) for (const g of grads) g.mul_(coefficient);
    return total;
  }));
}
