/**
 * Runs scripts/build-prompts.ts for real. espeak-ng is a build requirement (Debian package
 * espeak-ng, installed by `make`): when it is missing this test FAILS with the install hint,
 * on purpose — prompts the project cannot build are a broken build, not a skipped test.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GoertzelDtmfDetector, crossCorrelate, frameEnergyDb } from '../../../../src/media/dsp/index.js';
import { PROMPTS, PROMPT_NAMES, PROMPT_SOURCES, promptPath, type PromptName } from '../../../../src/media/prompts/index.js';
import { readWav } from '../../../../src/media/wav/index.js';

const SCRIPT = join(process.cwd(), 'scripts', 'build-prompts.ts');

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function buildPrompts(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', SCRIPT, ...args], { env, cwd: process.cwd() });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

function espeakInstalled(): boolean {
  const run = spawnSync('espeak-ng', ['--version']);
  return !run.error && run.status === 0;
}

async function readPrompt(dir: string, name: PromptName): Promise<Int16Array> {
  const wav = readWav(await readFile(promptPath(dir, name)));
  if (!wav.ok) assert.fail(`${name}: ${wav.reason}`);
  assert.equal(wav.sampleRate, 8000, `${name} sample rate`);
  assert.equal(wav.channels, 1, `${name} channels`);
  return wav.samples;
}

function dtmfIn(samples: Int16Array): string {
  const detector = new GoertzelDtmfDetector();
  return [...detector.push(samples), ...detector.flush()].map((d) => d.digit).join('');
}

describe('scripts/build-prompts.ts', function () {
  this.timeout(120_000);
  let dir: string;
  let emptyPath: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'linegate-prompts-'));
    emptyPath = await mkdtemp(join(tmpdir(), 'linegate-no-espeak-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
    await rm(emptyPath, { recursive: true, force: true });
  });

  it('fails with the apt-get hint when espeak-ng is not on the PATH', async () => {
    const run = await buildPrompts(['--out', join(dir, 'without-espeak')], { ...process.env, PATH: emptyPath });
    assert.equal(run.code, 1);
    assert.match(run.stderr, /apt-get install espeak-ng/);
  });

  it('builds the tone prompts without espeak-ng when asked (--tones-only)', async () => {
    const out = join(dir, 'tones');
    const run = await buildPrompts(['--out', out, '--tones-only'], { ...process.env, PATH: emptyPath });
    assert.equal(run.code, 0, run.stderr);
    const beep = await readPrompt(out, 'beep');
    assert.equal(beep.length, 4000);
    assert.equal(dtmfIn(await readPrompt(out, 'dtmf-pound')), '#');
    await assert.rejects(stat(promptPath(out, 'greeting')), /ENOENT/);
  });

  describe('with espeak-ng', () => {
    before(function () {
      if (!espeakInstalled()) {
        throw new Error('espeak-ng is not installed, so the voice prompts cannot be built: install it with `apt-get install espeak-ng` (make test does this).');
      }
    });

    it('writes every prompt as a non-silent 8 kHz mono WAV', async () => {
      const run = await buildPrompts(['--out', dir]);
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stdout, new RegExp(`${PROMPT_NAMES.length} written, 0 up to date`));
      for (const name of PROMPT_NAMES) {
        const samples = await readPrompt(dir, name);
        assert.ok(frameEnergyDb(samples) > -35, `${name} is too quiet: ${frameEnergyDb(samples)} dBFS`);
        if (PROMPT_SOURCES[name].kind === 'speech') assert.ok(samples.length > 0.3 * 8000 && samples.length < 15 * 8000, `${name}: ${samples.length} samples`);
      }
      assert.ok((await readPrompt(dir, 'greeting')).length > 3 * 8000, 'the greeting is a sentence, not a word');
    });

    it('produces distinct recordings: the spoken digits do not correlate with each other', async () => {
      const digits = await Promise.all(Array.from({ length: 10 }, (_, d) => readPrompt(dir, `digit-${d}` as PromptName)));
      for (let a = 0; a < 10; a++) {
        for (let b = a + 1; b < 10; b++) {
          const { coefficient } = crossCorrelate(digits[a] as Int16Array, digits[b] as Int16Array, 400);
          assert.ok(coefficient < 0.8, `digit-${a} and digit-${b} look alike (${coefficient.toFixed(2)})`);
        }
      }
    });

    it('real speech does not trigger the in-band DTMF detector (talk-off), and the DTMF prompts do', async () => {
      for (const name of PROMPT_NAMES) {
        const source = PROMPT_SOURCES[name];
        const found = dtmfIn(await readPrompt(dir, name));
        if (source.kind === 'speech') assert.equal(found, '', `${name} was heard as DTMF "${found}"`);
        if (source.kind === 'dtmf') assert.equal(found, source.digit, name);
      }
    });

    it('is idempotent: a second run rewrites nothing, and a deleted prompt alone is rebuilt', async () => {
      const before = await stat(promptPath(dir, 'greeting'));
      const again = await buildPrompts(['--out', dir]);
      assert.equal(again.code, 0, again.stderr);
      assert.match(again.stdout, new RegExp(`0 written, ${PROMPT_NAMES.length} up to date`));
      assert.equal((await stat(promptPath(dir, 'greeting'))).mtimeMs, before.mtimeMs);
      await unlink(join(dir, PROMPTS.goodbye));
      const repair = await buildPrompts(['--out', dir]);
      assert.match(repair.stdout, new RegExp(`1 written, ${PROMPT_NAMES.length - 1} up to date`));
      await readPrompt(dir, 'goodbye');
    });
  });
});
