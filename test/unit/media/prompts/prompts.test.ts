import assert from 'node:assert/strict';
import { join } from 'node:path';
import { crossCorrelate, frameEnergyDb, generateSilence, generateTone } from '../../../../src/media/dsp/index.js';
import { PROMPTS, PROMPT_NAMES, PROMPT_SOURCES, conditionSpeech, digitPrompt, normalizePeak, promptPath, renderTonePrompt, trimSilence } from '../../../../src/media/prompts/index.js';
import { encodeWav } from '../../../../src/media/wav/index.js';

describe('prompts catalogue', () => {
  it('names every prompt the voicemail flows need, each with its own .wav file', () => {
    for (const name of ['greeting', 'beep', 'you-have', 'new-messages', 'no-new-messages', 'message-menu', 'enter-pin', 'incorrect-pin', 'goodbye', 'message-saved', 'message-deleted', 'record-greeting', 'recording-notice'] as const) {
      assert.equal(PROMPTS[name], `${name}.wav`);
    }
    for (let d = 0; d <= 9; d++) assert.equal(PROMPTS[digitPrompt(d)], `digit-${d}.wav`);
    assert.equal(new Set(Object.values(PROMPTS)).size, PROMPT_NAMES.length);
    assert.deepEqual(PROMPT_SOURCES.greeting, { kind: 'speech', text: 'The person you are calling is not available. Please leave a message after the tone.' });
    assert.deepEqual(PROMPT_SOURCES.beep, { kind: 'tone', freqHz: 1000, ms: 500 });
    assert.throws(() => digitPrompt(10), RangeError);
  });

  it('promptPath joins the directory and the file name', () => {
    assert.equal(promptPath('/var/prompts', 'goodbye'), join('/var/prompts', 'goodbye.wav'));
  });

  it('renders the beep as 500 ms of 1 kHz with click-free edges', () => {
    const beep = renderTonePrompt({ kind: 'tone', freqHz: 1000, ms: 500 });
    assert.equal(beep.length, 4000);
    assert.equal(beep[0], 0);
    assert.ok(Math.abs(beep[beep.length - 1] as number) < 50);
    assert.ok(crossCorrelate(generateTone(1000, 400), beep.subarray(400, 3600), 8).coefficient > 0.99);
  });

  it('conditions espeak-like output: 22 050 Hz → 8 kHz, silence trimmed to a margin, peak normalised', () => {
    const speech = new Int16Array(22050 * 2);
    speech.set(generateTone(500, 1000, 22050, 0.1), 22050 / 2); // 0.5 s silence, 1 s "speech", 0.5 s silence
    const result = conditionSpeech(encodeWav({ sampleRate: 22050, channels: 1, samples: speech }));
    assert.ok(result.ok);
    const out = result.samples;
    assert.ok(Math.abs(out.length - 8000 - 2 * 640) <= 160, `length ${out.length}`); // 1 s + 80 ms either side (±1 window)
    const peak = Math.max(...out.map(Math.abs));
    assert.ok(Math.abs(peak - 0.7 * 32767) < 2);
    const failed = conditionSpeech(encodeWav({ sampleRate: 22050, channels: 1, samples: generateSilence(500, 22050) }));
    assert.equal(failed.ok, false);
    assert.equal(conditionSpeech(Buffer.from('not a wav')).ok, false);
  });

  it('trimSilence and normalizePeak leave silence alone', () => {
    assert.equal(trimSilence(generateSilence(100), 8000).length, 0);
    assert.equal(frameEnergyDb(normalizePeak(generateSilence(10), 1000)), frameEnergyDb(generateSilence(10)));
  });
});
