/** libtorch's random numbers: the global seed and independent seeded generators. */
import { native, type NativeGenerator } from './binding.ts';
import { checkDevice, type Device } from './device.ts';
import { checkInteger } from '../util/check.ts';

/** Seeds libtorch's global generators (init, dropout, randn without a generator). */
export function manualSeed(seed: number): void {
  native.manualSeed(checkInteger('seed', seed, 0, Number.MAX_SAFE_INTEGER));
}

/**
 * A copy of the global generator's state on `device` (what dropout and init draw from), as PyTorch's
 * `torch.get_rng_state()` bytes. Saved in checkpoints so that a resumed run draws the same dropout masks.
 * @example const state = getRngState(); …; setRngState(state); // the same random numbers again
 */
export function getRngState(device: Device = 'cpu'): Uint8Array {
  return new Uint8Array(native.getRngState(checkDevice(device)));
}

/**
 * Restores a state from `getRngState` on the same device type.
 * @throws TypeError when state is not a Uint8Array; NativeError when libtorch rejects it (wrong size or content).
 */
export function setRngState(state: Uint8Array, device: Device = 'cpu'): void {
  if (!(state instanceof Uint8Array)) throw new TypeError(`Expected a Uint8Array for state but received ${state === null ? 'null' : typeof state}`);
  native.setRngState(checkDevice(device), state);
}

/** An independent random stream, passed to randn/rand/randint/normal_/uniform_. */
export class Generator {
  readonly handle: NativeGenerator;
  constructor(seed: number, device: Device = 'cpu') {
    this.handle = native.createGenerator(checkInteger('seed', seed, 0, Number.MAX_SAFE_INTEGER), checkDevice(device));
  }
  manualSeed(seed: number): this {
    native.generatorSeed(this.handle, checkInteger('seed', seed, 0, Number.MAX_SAFE_INTEGER));
    return this;
  }
}
