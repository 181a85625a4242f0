/** Devices: 'cpu', and 'cuda' / 'cuda:N' when libtorch was built with CUDA. */
import { native } from './binding.ts';

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

/** Every device this process can use. */
export function availableDevices(): Device[] {
  const { cudaAvailable, cudaDevices } = native.versions();
  const devices: Device[] = ['cpu'];
  if (cudaAvailable) for (let i = 0; i < cudaDevices; i++) devices.push(`cuda:${i}`);
  return devices;
}
