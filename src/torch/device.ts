/** Devices: 'cpu', and 'cuda' / 'cuda:N' when libtorch was built with CUDA. */
import { native } from './binding.ts';
import { rethrow } from './dispatch.ts';
import type { Tensor } from './tensor.ts';

export type Device = 'cpu' | 'cuda' | `cuda:${number}`;

/** Checks a device name and that the device exists; returns it unchanged. */
export function checkDevice(device: string): Device {
  if (device === 'cpu') return device;
  if (device === 'cuda' || /^cuda:\d+$/.test(device)) {
    const { cudaAvailable, cudaDevices } = native.versions();
    if (!cudaAvailable) throw new RangeError(`Device ${device} requested but this libtorch has no CUDA device (use a CUDA build of libtorch via LIBTORCH)`);
    const index = device === 'cuda' ? 0 : Number(device.slice(5));
    if (index >= cudaDevices) throw new RangeError(`Device ${device} requested but only ${cudaDevices} CUDA device(s) exist`);
    return device as Device;
  }
  throw new RangeError(`Expected a device (one of cpu, cuda, cuda:N) but received ${JSON.stringify(device)}`);
}

/**
 * Waits until every op queued on `device` has run. CUDA ops return as soon as they are queued, so a timer reads
 * the clock only after this (a sync point); on the CPU ops run when called and this returns at once.
 */
export function synchronize(device: Device): void {
  try { native.synchronize(checkDevice(device)); } catch (error) { rethrow(error); }
}

/**
 * Whether float32 convolutions (cuDNN) and matrix products (cuBLAS) may use TF32 on GPUs that have it: 10-bit
 * mantissas, several times faster, ~1e-3 relative error. libtorch's defaults are PyTorch's (cuDNN yes, cuBLAS
 * no). The CPU never uses TF32.
 */
export const tf32 = (): { cudnn: boolean; cublas: boolean } => native.tf32();
export function setTf32(allow: { cudnn: boolean; cublas: boolean }): void {
  native.setTf32(allow.cudnn, allow.cublas);
}

/**
 * A batch tensor on the training device, copied so that the copy overlaps the GPU's work: pinned (page-locked)
 * host memory and a non-blocking copy, after PyTorch's DataLoader(pin_memory=True) and .to(non_blocking=True).
 * A copy from ordinary memory would make the CPU wait until the GPU has finished everything queued before it. On
 * the CPU the tensor itself is returned (no copy).
 */
export function toDeviceAsync(tensor: Tensor, device: Device): Tensor {
  if (device === 'cpu') return tensor;
  return tensor.pinMemory().to(device, { nonBlocking: true });
}

/** Every device this process can use. */
export function availableDevices(): Device[] {
  const { cudaAvailable, cudaDevices } = native.versions();
  const devices: Device[] = ['cpu'];
  if (cudaAvailable) for (let i = 0; i < cudaDevices; i++) devices.push(`cuda:${i}`);
  return devices;
}
