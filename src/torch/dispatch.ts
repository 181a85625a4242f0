/**
 * Calls libtorch operators by schema name ("aten::add.Tensor"). Operator handles are looked up once and
 * cached. Native errors are re-thrown with the caller's stack: libtorch's own failures as NativeError, argument
 * conversion failures as TypeError/RangeError.
 */
import { native, type NativeTensor, type NativeValue } from './binding.ts';

/** An error raised inside libtorch (bad shapes, dtypes, devices); the message is libtorch's, prefixed by the op. */
export class NativeError extends Error {
  override name = 'NativeError';
}

/**
 * An operator's handle, its argument names, and the kind of each argument and return value ("Tensor",
 * "Tensor?", "Tensor[]", "int", …).
 */
export interface Operator { id: number; name: string; names: string[]; arguments: string[]; returns: string[] }
const operators = new Map<string, Operator>();

/** Looks an operator up once ("aten::add.Tensor" = name aten::add, overload Tensor) and caches it. */
export function operator(qualifiedName: string): Operator {
  let op = operators.get(qualifiedName);
  if (op === undefined) {
    const [name, overload = ''] = qualifiedName.split(/\.(?=[^:]*$)/);
    try {
      const id = native.opHandle(name, overload);
      op = { id, name: qualifiedName, ...native.opSignature(id) };
    } catch (error) {
      return rethrow(error);
    }
    operators.set(qualifiedName, op);
  }
  return op;
}

/** Re-creates a native error here so its stack shows the JS caller. */
export function rethrow(error: unknown): never {
  if (error instanceof TypeError) throw new TypeError(error.message);
  if (error instanceof RangeError) throw new RangeError(error.message);
  if (error instanceof Error) throw new NativeError(error.message);
  throw error;
}

/** Raw call: arguments already converted to native handles; result not wrapped. */
export function callNative(op: Operator, args: unknown[]): NativeValue {
  try {
    return native.callOp(op.id, args);
  } catch (error) {
    return rethrow(error);
  }
}

/** The schema text of an operator, e.g. for documentation or debugging. */
export function schemaOf(qualifiedName: string): string {
  return native.opSchema(operator(qualifiedName).id);
}

export type { NativeTensor };
