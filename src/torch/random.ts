/** libtorch's random numbers: the global seed and independent seeded generators. */
import { native, type NativeGenerator } from './binding.ts';
import { checkDevice, type Device } from './device.ts';
import { checkInteger } from './check.ts';

/** Seeds libtorch's global generators (init, dropout, randn without a generator). */
export function manualSeed(seed: number): void {
  native.manualSeed(checkInteger('seed', seed, 0, Number.MAX_SAFE_INTEGER));
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
