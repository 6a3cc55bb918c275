import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname, basename, join } from 'node:path';
import { HmlError } from './errors';

/**
 * Atomic file writes: write a temporary file beside the target, fsync, then rename over the target, so a killed
 * process never leaves a half-written file that a later run would trust.
 *
 * Tests simulate a full disk with HML_TEST_ENOSPC=<substring of the target path>.
 */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = temporaryPathFor(path);
  try {
    const fd = openSync(tmp, 'w');
    try {
      simulateDiskFull(path);
      const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
      let off = 0;
      while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    if ((err as NodeJS.ErrnoException).code === 'ENOSPC') {
      throw new HmlError('disk-full', `no space left on the device while writing ${path}; free some space and run again (earlier results are intact)`, { exitCode: 1, cause: err });
    }
    throw err;
  }
}

/** A unique temporary name in the same directory (same file system, so rename is atomic). */
export function temporaryPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.tmp-${process.pid}-${Math.random().toString(36).slice(2, 10)}`);
}

/** Rename a finished temporary file (or directory) into place. */
export function commitTemporary(tmp: string, path: string): void {
  renameSync(tmp, path);
}

export function simulateDiskFull(path: string): void {
  const pattern = process.env.HML_TEST_ENOSPC;
  if (pattern && path.includes(pattern)) {
    const e = new Error(`ENOSPC: no space left on device, write '${path}'`) as NodeJS.ErrnoException;
    e.code = 'ENOSPC';
    throw e;
  }
}
