/**
 * Compute precision: float32, or bfloat16 under autocast where the processor multiplies bfloat16 natively. On
 * processors without bfloat16 instructions oneDNN emulates them or libtorch falls back to slow kernels, so
 * 'auto' picks bfloat16 only where the CPU reports them (docs/performance.md, "bfloat16 autocast").
 */
import { readFileSync } from 'node:fs';

/** What a model's trunk and decoders compute in. */
export type Precision = 'float32' | 'bfloat16';
/** A precision, or 'auto': bfloat16 on a CPU with native bfloat16 instructions, float32 elsewhere. */
export type PrecisionChoice = Precision | 'auto';
export const PRECISIONS: readonly Precision[] = Object.freeze(['float32', 'bfloat16']);
export const PRECISION_CHOICES: readonly PrecisionChoice[] = Object.freeze([...PRECISIONS, 'auto']);

let nativeBfloat16: boolean | undefined;

/**
 * Whether this CPU has bfloat16 dot-product instructions (x86 AVX512-BF16 or AMX-BF16, as Linux's
 * /proc/cpuinfo names them). False where that file cannot be read (other systems): 'auto' then stays float32.
 */
export function cpuHasNativeBfloat16(): boolean {
  if (nativeBfloat16 === undefined) {
    let flags = '';
    try {
      flags = readFileSync('/proc/cpuinfo', 'latin1').match(/^flags\s*:(.*)$/m)?.[1] ?? '';
    } catch {
      flags = '';
    }
    nativeBfloat16 = flags.split(/\s+/).some((flag) => flag === 'avx512_bf16' || flag === 'amx_bf16');
  }
  return nativeBfloat16;
}

/** The precision a choice gives on `device`: 'auto' is bfloat16 on a CPU with native bfloat16, else float32. */
export function resolvePrecision(choice: PrecisionChoice, device: string): Precision {
  if (choice !== 'auto') return choice;
  return device === 'cpu' && cpuHasNativeBfloat16() ? 'bfloat16' : 'float32';
}
