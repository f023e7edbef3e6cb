/**
 * Generates linegate's voice prompts (src/media/prompts) as 8 kHz mono 16-bit WAVs.
 *
 *   node --import tsx scripts/build-prompts.ts [--out dir] [--force] [--tones-only]
 *
 * Speech comes from espeak-ng (Debian package `espeak-ng`), run locally; nothing is ever
 * downloaded. Tones (the beep, DTMF digits) are synthesised and need no espeak-ng
 * (--tones-only builds just those). Idempotent: a manifest in the output directory records
 * a fingerprint of what produced each file (text, voice, espeak-ng version, generator
 * version), and a prompt whose fingerprint matches and whose file exists is skipped.
 * Files are written to a temporary name and renamed, so a prompt is never half-written.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_PROMPT_DIR, PROMPTS, PROMPT_NAMES, PROMPT_SAMPLE_RATE, PROMPT_SOURCES, conditionSpeech, renderTonePrompt, type PromptName } from '../src/media/prompts/index.js';
import { encodeWav } from '../src/media/wav/index.js';

/** Bump when the conditioning (resampler, trimming, levels) changes, to rebuild everything. */
const GENERATOR_VERSION = 1;
const VOICE = 'en-us';
const WORDS_PER_MINUTE = 155;
const MANIFEST = '.prompts-manifest.json';
const INSTALL_HINT = 'espeak-ng is required to build the voice prompts: install it with `apt-get install espeak-ng` (Debian/Ubuntu package espeak-ng), or run `make peers`.';

interface Options {
  readonly out: string;
  readonly force: boolean;
  readonly tonesOnly: boolean;
}

class BuildError extends Error {}

function parseArgs(argv: readonly string[]): Options {
  const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
  let out = join(projectRoot, DEFAULT_PROMPT_DIR);
  let force = false;
  let tonesOnly = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--out') {
      const value = argv[++i];
      if (!value) throw new BuildError('--out needs a directory');
      out = isAbsolute(value) ? value : resolve(process.cwd(), value);
    } else if (arg === '--force') force = true;
    else if (arg === '--tones-only') tonesOnly = true;
    else throw new BuildError(`unknown argument ${arg}; usage: build-prompts.ts [--out dir] [--force] [--tones-only]`);
  }
  return { out, force, tonesOnly };
}

/** The espeak-ng version line, or a BuildError with the install hint when it is missing. */
function espeakVersion(): string {
  const run = spawnSync('espeak-ng', ['--version'], { encoding: 'utf8' });
  if (run.error || run.status !== 0) {
    const why = run.error ? run.error.message : `exit status ${run.status}`;
    throw new BuildError(`${INSTALL_HINT}\n(running "espeak-ng --version" failed: ${why})`);
  }
  return run.stdout.trim();
}

function speak(text: string): Buffer {
  const run = spawnSync('espeak-ng', ['--stdout', '-v', VOICE, '-s', String(WORDS_PER_MINUTE), '--', text], { maxBuffer: 64 * 1024 * 1024 });
  if (run.error || run.status !== 0) {
    throw new BuildError(`espeak-ng failed for "${text}": ${run.error?.message ?? run.stderr.toString().trim()}`);
  }
  return run.stdout;
}

function fingerprint(name: PromptName, espeak: string | undefined): string {
  const source = PROMPT_SOURCES[name];
  const inputs = { source, generator: GENERATOR_VERSION, ...(source.kind === 'speech' ? { voice: VOICE, wpm: WORDS_PER_MINUTE, espeak } : {}) };
  return createHash('sha256').update(JSON.stringify(inputs)).digest('hex');
}

function render(name: PromptName): Int16Array {
  const source = PROMPT_SOURCES[name];
  if (source.kind !== 'speech') return renderTonePrompt(source);
  const result = conditionSpeech(speak(source.text));
  if (!result.ok) throw new BuildError(`prompt ${name}: ${result.reason}`);
  return result.samples;
}

async function readManifest(dir: string): Promise<Record<string, string>> {
  try {
    const parsed: unknown = JSON.parse(await readFile(join(dir, MANIFEST), 'utf8'));
    return parsed && typeof parsed === 'object' ? (parsed as Record<string, string>) : {};
  } catch {
    return {}; // absent or unreadable: rebuild everything
  }
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

async function writeAtomically(path: string, data: Buffer | string): Promise<void> {
  const temp = `${path}.${process.pid}.tmp`;
  await writeFile(temp, data);
  await rename(temp, path);
}

async function build(options: Options): Promise<{ written: PromptName[]; upToDate: PromptName[] }> {
  const names = PROMPT_NAMES.filter((n) => !options.tonesOnly || PROMPT_SOURCES[n].kind !== 'speech');
  const espeak = options.tonesOnly ? undefined : espeakVersion();
  await mkdir(options.out, { recursive: true });
  const manifest = await readManifest(options.out);
  const written: PromptName[] = [];
  const upToDate: PromptName[] = [];
  for (const name of names) {
    const file = PROMPTS[name];
    const print = fingerprint(name, espeak);
    if (!options.force && manifest[file] === print && (await exists(join(options.out, file)))) {
      upToDate.push(name);
      continue;
    }
    const samples = render(name);
    await writeAtomically(join(options.out, file), encodeWav({ sampleRate: PROMPT_SAMPLE_RATE, channels: 1, samples }));
    manifest[file] = print;
    written.push(name);
  }
  if (written.length > 0) await writeAtomically(join(options.out, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
  return { written, upToDate };
}

async function main(): Promise<void> {
  try {
    const options = parseArgs(process.argv.slice(2));
    const { written, upToDate } = await build(options);
    console.log(`build-prompts: ${written.length} written, ${upToDate.length} up to date in ${options.out}`);
  } catch (err) {
    console.error(`build-prompts: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  }
}

await main();
