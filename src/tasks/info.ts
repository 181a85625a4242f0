/** `medslip info`: versions, where libtorch came from, BLAS, threads, devices and the CPU's bfloat16. */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as torch from '../torch/index.ts';
import { medslipVersion, packageRoot } from '../util/version.ts';

export interface MedslipInfo {
  medslip: string;
  node: string;
  libtorch: { version: string; source: string; libDir: string; cuda: boolean };
  blas: { library: string; openblas: boolean; coreName?: string; threads?: number };
  threads: number;
  devices: string[];
  /** Whether GPU float32 convolutions (cuDNN) and matrix products (cuBLAS) may use TF32. */
  tf32: { cudnn: boolean; cublas: boolean };
  /** Whether this CPU multiplies bfloat16 natively: what `precision: auto` (the demo's) picks on the CPU. */
  cpuBfloat16: boolean;
}

export async function collectInfo(): Promise<MedslipInfo> {
  const locator = await import(pathToFileURL(join(packageRoot, 'native', 'locate-libtorch.mjs')).href) as {
    locateLibtorch(): { version: string; source: string; libDir: string; cuda: boolean } | undefined;
    blasLibrary(): string;
  };
  const found = locator.locateLibtorch();
  const runtime = torch.libtorchInfo();
  return {
    medslip: medslipVersion(),
    node: process.version,
    libtorch: {
      version: runtime.libtorch,
      source: found?.source ?? 'unknown (the addon was built elsewhere)',
      libDir: found?.libDir ?? '',
      cuda: runtime.cudaAvailable,
    },
    blas: { library: locator.blasLibrary(), openblas: runtime.blas.openblas, coreName: runtime.blas.coreName, threads: runtime.blas.threads },
    threads: torch.getNumThreads(),
    devices: torch.availableDevices(),
    tf32: torch.tf32(),
    cpuBfloat16: torch.cpuHasNativeBfloat16(),
  };
}

export function formatInfo(info: MedslipInfo): string {
  const blas = info.blas.openblas
    ? `OpenBLAS (${info.blas.library}), CPU kernel ${info.blas.coreName}, ${info.blas.threads} thread(s)`
    : `${info.blas.library} (not OpenBLAS: matrix products may be several times slower; apt-get install libopenblas0-pthread)`;
  return [
    `medslip   ${info.medslip}`,
    `node      ${info.node}`,
    `libtorch  ${info.libtorch.version} from ${info.libtorch.source}${info.libtorch.libDir ? ` (${info.libtorch.libDir})` : ''}`,
    `blas      ${blas}`,
    `threads   ${info.threads} intra-op (set MEDSLIP_THREADS to change)`,
    `devices   ${info.devices.join(', ')}${info.libtorch.cuda ? '' : ' (this libtorch has no CUDA)'}`,
    `bfloat16  ${info.cpuBfloat16 ? 'native on this CPU: precision auto (the demo\'s) trains in bfloat16' : 'not native on this CPU: precision auto trains in float32'}`,
    ...(info.libtorch.cuda ? [`tf32      GPU float32 convolutions ${info.tf32.cudnn ? 'may' : 'do not'} use TF32, matrix products ${info.tf32.cublas ? 'may' : 'do not'}`] : []),
  ].join('\n');
}

/** `medslip info`'s options (INFO_OPTIONS in ./tables.ts). */
export interface InfoCommandOptions {
  /** Print one JSON object instead of the text. */
  json?: boolean;
}

/** `medslip info`: what the command prints — the text, or with `json` the object as JSON. */
export async function runInfoCommand(options: InfoCommandOptions = {}): Promise<string> {
  const info = await collectInfo();
  return options.json === true ? JSON.stringify(info, null, 2) : formatInfo(info);
}
