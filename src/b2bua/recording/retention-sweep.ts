/**
 * Retention (issue #5: "a retention setting deletes old recordings"): WAV files under the
 * recordings folder (`<dir>/<userId>/*.wav`, and `<dir>/*.wav`) whose last write is older
 * than the cut-off are deleted. The file's own time is the record, so recordings made
 * before a restart, or by another gateway process sharing the folder, are swept alike.
 * Files being written are passed in `keep` and never touched. Nothing here throws: a file
 * that cannot be read or deleted is counted and reported.
 */
import type { Dirent } from 'node:fs';
import { readdir, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';

export interface SweepResult {
  /** Paths deleted. */
  readonly deleted: readonly string[];
  /** Recordings looked at and kept (younger than the cut-off, or in use). */
  readonly kept: number;
  /** Files that could not be examined or deleted (already gone, permissions…). */
  readonly failed: readonly { readonly path: string; readonly error: string }[];
}

export const DAY_MS = 24 * 60 * 60 * 1000;

/** Deletes recordings last written before `cutoffEpochMs`. A missing `dir` is an empty sweep. */
export async function sweepRecordings(dir: string, cutoffEpochMs: number, keep: ReadonlySet<string>): Promise<SweepResult> {
  const deleted: string[] = [];
  const failed: { path: string; error: string }[] = [];
  let kept = 0;
  for (const path of await recordingFiles(dir)) {
    if (keep.has(path)) {
      kept++;
      continue;
    }
    try {
      const s = await stat(path);
      if (s.mtimeMs >= cutoffEpochMs) {
        kept++;
        continue;
      }
      await unlink(path);
      deleted.push(path);
    } catch (err) {
      if (!isNotFound(err)) failed.push({ path, error: String(err) });
    }
  }
  return { deleted, kept, failed };
}

/** `*.wav` directly in `dir` and one folder level down. */
async function recordingFiles(dir: string): Promise<string[]> {
  const files: string[] = [];
  for (const entry of await entries(dir)) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      for (const inner of await entries(path)) if (inner.isFile() && isWav(inner.name)) files.push(join(path, inner.name));
    } else if (entry.isFile() && isWav(entry.name)) {
      files.push(path);
    }
  }
  return files;
}

async function entries(dir: string): Promise<Dirent[]> {
  try {
    return await readdir(dir, { withFileTypes: true });
  } catch {
    return [];
  }
}

function isWav(name: string): boolean {
  return name.toLowerCase().endsWith('.wav');
}

function isNotFound(err: unknown): boolean {
  return typeof err === 'object' && err !== null && 'code' in err && err.code === 'ENOENT';
}
