/**
 * Replaces a small file so that after a crash it holds either the old or the new content,
 * never a mix: write a temp file, fsync it, rename over the target, fsync the directory
 * (the rename is only durable once the directory entry is).
 */
import { open, rename } from 'node:fs/promises';
import { dirname } from 'node:path';

export async function writeFileDurably(path: string, data: string | Buffer): Promise<void> {
  const tmp = `${path}.tmp`;
  const fh = await open(tmp, 'w');
  try {
    await fh.writeFile(data);
    await fh.sync();
  } finally {
    await fh.close();
  }
  await rename(tmp, path);
  await syncDirectory(dirname(path));
}

/** fsyncs a directory so that files created, renamed or removed in it stay that way. */
export async function syncDirectory(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** For `.catch()` of an unlink: a file already gone is what the caller wanted; anything else is rethrown. */
export function ignoreMissingFile(e: unknown): void {
  if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
}
