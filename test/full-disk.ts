/**
 * A full disk, injected: writes to the files whose path matches a pattern fail with ENOSPC, as the kernel's would,
 * for every module that writes through node:fs (named imports included, via syncBuiltinESMExports).
 */
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';

/** Starts failing matching writes; returns the function that restores the real ones. */
export function simulateFullDisk(pattern: RegExp): () => void {
  const { openSync, writeSync } = fs;
  const paths = new Map<number, string>();
  fs.openSync = ((path: fs.PathLike, ...rest: unknown[]) => {
    const fd = (openSync as (...args: unknown[]) => number)(path, ...rest);
    paths.set(fd, String(path));
    return fd;
  });
  fs.writeSync = ((fd: number, ...rest: unknown[]) => {
    if (pattern.test(paths.get(fd) ?? '')) {
      throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', errno: -28, syscall: 'write' });
    }
    return (writeSync as (...args: unknown[]) => number)(fd, ...rest);
  });
  syncBuiltinESMExports();
  return () => {
    fs.openSync = openSync;
    fs.writeSync = writeSync;
    syncBuiltinESMExports();
  };
}
