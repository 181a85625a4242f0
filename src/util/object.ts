/** Small helpers on plain objects. */

/**
 * The object without its undefined-valued keys, so that spreading it over defaults keeps a default wherever an
 * option was left out (a CLI passes every declared option, undefined when not given).
 * @example ({ ...{ lr: 1e-3, steps: 250 }, ...withoutUndefined({ lr: undefined, steps: 10 }) }) // { lr: 1e-3, steps: 10 }
 */
export function withoutUndefined<T extends object>(object: T): Partial<T> {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined)) as Partial<T>;
}
