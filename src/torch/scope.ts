/**
 * Deterministic release of native memory. libtorch tensors live outside V8's heap, so waiting for the garbage
 * collector lets memory pile up over a training run. `scope(fn)` disposes every tensor created while `fn` runs,
 * except the tensors it returns (which move to the enclosing scope) and tensors marked with `keep()`.
 *
 *   const loss = scope(() => model.forward(x).sub(y).pow(2).mean()); // intermediates freed here
 */

/** What a scope can track and release. */
export interface Disposable {
  dispose(): void;
  readonly isDisposed: boolean;
  kept: boolean;
}

const scopes: Set<Disposable>[] = [];

/** Called by every new Tensor: it belongs to the innermost open scope, if any. */
export function track(tensor: Disposable): void {
  if (scopes.length > 0) scopes[scopes.length - 1].add(tensor);
}

/** Excludes a tensor from automatic disposal by any scope (parameters, buffers, caches). Returns it. */
export function keep<T extends Disposable>(tensor: T): T {
  tensor.kept = true;
  for (const open of scopes) open.delete(tensor);
  return tensor;
}

function collect(value: unknown, into: Set<Disposable>, depth: number, isTensor: (v: unknown) => v is Disposable): void {
  if (depth > 6 || value === null || typeof value !== 'object') return;
  if (isTensor(value)) {
    into.add(value);
    return;
  }
  if (Array.isArray(value)) {
    for (const item of value) collect(item, into, depth + 1, isTensor);
  } else if (value instanceof Map) {
    for (const item of value.values()) collect(item, into, depth + 1, isTensor);
  } else if (Object.getPrototypeOf(value) === Object.prototype) {
    for (const item of Object.values(value)) collect(item, into, depth + 1, isTensor);
  }
}

let isTensorPredicate: (v: unknown) => v is Disposable = (_v): _v is Disposable => false;
/** Set once by tensor.ts (keeps this module free of a circular import). */
export function setTensorPredicate(predicate: (v: unknown) => v is Disposable): void {
  isTensorPredicate = predicate;
}

/**
 * Runs `fn` and disposes the tensors it created, except those reachable from its return value (through
 * arrays, Maps and plain objects) and kept ones. `fn` must be synchronous: an async function would let other
 * work create tensors inside the scope.
 * @throws TypeError when fn returns a Promise.
 */
export function scope<T>(fn: () => T): T {
  const created = new Set<Disposable>();
  scopes.push(created);
  let result: T;
  try {
    result = fn();
  } catch (error) {
    scopes.pop();
    for (const tensor of created) if (!tensor.kept) tensor.dispose();
    throw error;
  }
  scopes.pop();
  if (result instanceof Promise) {
    for (const tensor of created) if (!tensor.kept) tensor.dispose();
    throw new TypeError('scope() takes a synchronous function; await outside the scope, or call scope() inside the async function');
  }
  const returned = new Set<Disposable>();
  collect(result, returned, 0, isTensorPredicate);
  const parent = scopes[scopes.length - 1];
  for (const tensor of created) {
    if (returned.has(tensor)) parent?.add(tensor);
    else if (!tensor.kept) tensor.dispose();
  }
  return result;
}

/** Number of open scopes (for tests and diagnostics). */
export const scopeDepth = (): number => scopes.length;
