/**
 * The engine scenario runs the compiled engine (`bin/linegate` → dist/): after `npm ci`
 * dist/ is built by the prepare script, but an edit to src/ since then would go
 * unmeasured. The runner therefore rebuilds (`npm run build`) when a source file is
 * newer than the build.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Newest mtime (ms) of the files under `dir` whose names end in `suffix`; 0 if none. */
export function newestMtimeMs(dir: string, suffix: string): number {
  let newest = 0;
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const e of entries) {
    const path = join(dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, newestMtimeMs(path, suffix));
    else if (e.name.endsWith(suffix)) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

export type DistState = { fresh: true } | { fresh: false; why: string };

/**
 * dist/cli.js is rewritten by every build (tsc rewrites all its outputs), so it dates
 * the build; a source file newer than it was not compiled.
 */
export function distState(repoRoot: string): DistState {
  let builtMs: number;
  try {
    builtMs = statSync(join(repoRoot, 'dist', 'cli.js')).mtimeMs;
  } catch {
    return { fresh: false, why: 'dist/cli.js is missing' };
  }
  const srcMs = newestMtimeMs(join(repoRoot, 'src'), '.ts');
  return srcMs > builtMs ? { fresh: false, why: 'src/ has changed since dist/ was built' } : { fresh: true };
}

/** Runs `npm run build` (bounded to 5 minutes); throws with tsc's output when it fails. */
export function buildDist(repoRoot: string, log: (line: string) => void): void {
  log('building the engine: npm run build');
  const r = spawnSync('npm', ['run', 'build'], { cwd: repoRoot, encoding: 'utf8', timeout: 300_000 });
  if (r.status !== 0) {
    const out = `${r.stdout ?? ''}${r.stderr ?? ''}`.trim().slice(-3000);
    throw new Error(`npm run build failed (status ${r.status ?? r.signal}); fix the build or pass --no-build to run dist/ as it is:\n${out}`);
  }
}

/** Builds dist/ unless it is fresh (or `skip`, which only warns). */
export function ensureDist(repoRoot: string, opts: { skip: boolean; log: (line: string) => void }): void {
  const state = distState(repoRoot);
  if (state.fresh) return;
  if (opts.skip) {
    opts.log(`warning: ${state.why}; running dist/ as it is (--no-build)`);
    return;
  }
  opts.log(`${state.why}`);
  buildDist(repoRoot, opts.log);
}
