/**
 * Module: the base of every layer and model, after torch.nn.Module. Parameters, buffers and sub-modules are
 * registered under PyTorch's attribute names, so `stateDict()` keys are exactly PyTorch's
 * (`res_features.6.3.conv2.weight`) and released checkpoints load key for key. TS fields keep camelCase names
 * and point at the registered objects.
 *
 * Parameters and buffers are kept (never disposed by a scope); `dispose()` releases them all.
 */
import * as torch from '../torch/index.ts';

export type StateDict = Map<string, torch.Tensor>;
/** Anything loadStateDict accepts per key: a tensor, or a file reader's raw tensor. */
export type StateValue = torch.Tensor | torch.RawTensorLike;

export interface LoadResult {
  /** Keys the module has but the state dict lacks. */
  missing: string[];
  /** Keys the state dict has but the module lacks. */
  unexpected: string[];
}

export abstract class Module {
  /** Training mode (dropout active, batch statistics in BatchNorm); change it with train()/eval(). */
  training = true;
  readonly #parameters = new Map<string, torch.Tensor | null>();
  readonly #buffers = new Map<string, torch.Tensor | null>();
  readonly #modules = new Map<string, Module>();

  /** Registers a trainable tensor (requires grad, kept from scopes) under a PyTorch name. */
  protected registerParameter(name: string, tensor: torch.Tensor): torch.Tensor;
  protected registerParameter(name: string, tensor: null): null;
  protected registerParameter(name: string, tensor: torch.Tensor | null): torch.Tensor | null {
    this.#checkName(name);
    if (tensor) {
      tensor.keep();
      if (!tensor.requiresGrad) tensor.requiresGrad_(true);
    }
    this.#parameters.set(name, tensor);
    return tensor;
  }

  /** Registers state that is saved but not trained (BatchNorm running statistics). */
  protected registerBuffer(name: string, tensor: torch.Tensor | null): torch.Tensor | null {
    this.#checkName(name);
    tensor?.keep();
    this.#buffers.set(name, tensor);
    return tensor;
  }

  /** Registers a child module; registering one module under two names shares it (one set of weights). */
  protected registerModule<M extends Module>(name: string, module: M): M {
    this.#checkName(name);
    this.#modules.set(name, module);
    return module;
  }

  #checkName(name: string): void {
    if (name === '' || name.includes('.')) throw new RangeError(`Expected a name without dots for a module member but received "${name}"`);
  }

  /** Direct children with their names, in registration order. */
  namedChildren(): [string, Module][] {
    return [...this.#modules.entries()];
  }

  /** This module and all descendants, each once (shared modules appear under their first name). */
  namedModules(prefix = '', seen = new Set<Module>()): [string, Module][] {
    if (seen.has(this)) return [];
    seen.add(this);
    const result: [string, Module][] = [[prefix, this]];
    for (const [name, child] of this.#modules) result.push(...child.namedModules(prefix ? `${prefix}.${name}` : name, seen));
    return result;
  }

  /** Trainable tensors with dotted names; a shared parameter appears once (as PyTorch's named_parameters). */
  namedParameters(): [string, torch.Tensor][] {
    return this.#namedTensors('parameters', true);
  }

  parameters(): torch.Tensor[] {
    return this.namedParameters().map(([, p]) => p);
  }

  namedBuffers(): [string, torch.Tensor][] {
    return this.#namedTensors('buffers', true);
  }

  #namedTensors(kind: 'parameters' | 'buffers' | 'both', dedupe: boolean): [string, torch.Tensor][] {
    const result: [string, torch.Tensor][] = [];
    const seen = new Set<torch.Tensor>();
    const visit = (module: Module, prefix: string): void => {
      const own = kind === 'parameters' ? [module.#parameters]
        : kind === 'buffers' ? [module.#buffers] : [module.#parameters, module.#buffers];
      for (const map of own) {
        for (const [name, tensor] of map) {
          if (tensor === null || (dedupe && seen.has(tensor))) continue;
          seen.add(tensor);
          result.push([prefix + name, tensor]);
        }
      }
      for (const [name, child] of module.#modules) visit(child, `${prefix}${name}.`);
    };
    visit(this, '');
    return result;
  }

  /**
   * Every parameter and buffer under its PyTorch key, in PyTorch's order. A shared module appears under each of
   * its names (as in PyTorch's state_dict). The tensors are the module's own: do not dispose them.
   */
  stateDict(): StateDict {
    return new Map(this.#namedTensors('both', false));
  }

  /**
   * Copies values into the module's parameters and buffers (in place, so optimisers keep their references).
   * Shapes must match; a scalar stored as shape [1] loads into a scalar. With strict (default), missing or
   * unexpected keys are an error listing them.
   * @throws Error naming the key for a shape mismatch; with strict, listing missing and unexpected keys.
   */
  loadStateDict(state: Map<string, StateValue> | Record<string, StateValue>, options: { strict?: boolean } = {}): LoadResult {
    const entries = state instanceof Map ? state : new Map(Object.entries(state));
    const own = this.stateDict();
    const missing = [...own.keys()].filter((k) => !entries.has(k));
    const unexpected = [...entries.keys()].filter((k) => !own.has(k));
    if ((options.strict ?? true) && (missing.length > 0 || unexpected.length > 0)) {
      const list = (keys: string[]): string => keys.slice(0, 10).join(', ') + (keys.length > 10 ? `, … (${keys.length} in all)` : '');
      throw new Error(`loadStateDict: ${missing.length ? `missing keys: ${list(missing)}` : ''}${missing.length && unexpected.length ? '; ' : ''}${unexpected.length ? `unexpected keys: ${list(unexpected)}` : ''}`);
    }
    torch.noGrad(() => {
      for (const [key, target] of own) {
        const value = entries.get(key);
        if (value === undefined) continue;
        torch.scope(() => {
          const source = value instanceof torch.Tensor ? value : torch.fromRaw(value);
          const sourceShape = [...source.shape], targetShape = [...target.shape];
          const sameShape = sourceShape.join(',') === targetShape.join(',');
          const scalarAsOne = source.numel === 1 && target.numel === 1;
          if (!sameShape && !scalarAsOne) {
            throw new Error(`loadStateDict: ${key} has shape [${sourceShape.join(', ')}] in the state dict but [${targetShape.join(', ')}] in the model`);
          }
          target.copy_(sameShape ? source : source.reshape(...targetShape));
        });
      }
    });
    return { missing, unexpected };
  }

  /** Sets training mode here and in every descendant; returns this. */
  train(mode = true): this {
    for (const [, module] of this.namedModules()) module.training = mode;
    return this;
  }

  eval(): this {
    return this.train(false);
  }

  /** Calls fn on every module (children first, as PyTorch's apply). */
  apply(fn: (module: Module) => void): this {
    for (const [, child] of this.#modules) child.apply(fn);
    fn(this);
    return this;
  }

  /** Moves (or casts) every parameter and buffer in place; tensors keep their identity. */
  to(target: torch.Device | torch.DType): this {
    torch.noGrad(() => {
      for (const [, tensor] of this.#namedTensors('both', true)) {
        if (target !== 'cpu' && !target.startsWith('cuda') && !torch.isFloatingPoint(tensor.dtype)) continue; // int buffers keep their dtype
        torch.scope(() => { tensor.setData_(tensor.to(target)); });
      }
    });
    return this;
  }

  /** Sets every gradient to null (PyTorch's zero_grad(set_to_none=True)). */
  zeroGrad(): void {
    for (const p of this.parameters()) p.grad = null;
  }

  /** Number of trainable values (shared parameters counted once). */
  parameterCount(): number {
    return this.parameters().reduce((n, p) => n + p.numel, 0);
  }

  /** Releases every parameter and buffer. The module is unusable afterwards. */
  dispose(): void {
    for (const [, tensor] of this.#namedTensors('both', true)) tensor.dispose();
  }
}
