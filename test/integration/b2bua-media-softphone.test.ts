/**
 * Issue #5's media checks with a real softphone (baresip, Debian) through the whole app:
 * startLineGate on a temp copy of dialplans/example.yaml (prompts, RTP ports changed), the
 * engine from the TestBed, the control API on port 0, LINEGATE_CRM=off.
 *
 *  1. baresip, as a carrier caller from 127.0.0.1, plays a WAV of three known tones (made
 *     here with src/media/dsp + src/media/wav) into a call to bob, whose DND is on: the
 *     message the control API serves holds the three tones, in order (Goertzel, not bytes).
 *  2. On-demand recording in a live call: a carrier caller (raw SIP + RtpPeer, 440 Hz) calls
 *     alice (recording `on-demand`), whose registered device is baresip (auto-answer, 1 kHz
 *     from `ausine`); the control API starts, pauses, resumes and stops the recording. The
 *     stereo WAV holds 440 Hz left, 1 kHz right, silence in the paused stretch. A request
 *     for bob (policy `never`) on a call of his is refused with 409.
 *
 * Run:  npx mocha --no-config --node-option import=tsx --extension ts test/integration/b2bua-media-softphone.test.ts
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { readEngineFlags } from '../../src/config/index.js';
import { energyEnvelope } from '../../src/media/dsp/index.js';
import { startLineGate } from '../../src/main.js';
import type { RunningLineGate } from '../../src/main.js';
import { readWav } from '../../src/media/wav/index.js';
import { startBaresip, type Baresip } from '../helpers/baresip.js';
import { partsMs, useAudioSource, wavMs, writeBaresipWav, type AudioPart } from '../helpers/baresip-audio.js';
import { runtimePortRange } from '../helpers/rtp-peer.js';
import { sleep } from '../helpers/until.js';
import { controlApi, demoPassword } from './run-bed.js';
import { SECRET, until, useTestBed } from './test-bed.js';
import { buildPrompts, signalToneRuns, SIGNAL_TONES, toneFraction } from './voicemail-bed.js';

const CARRIER_NUMBER = '+14155550177';

interface Listed {
  new: number;
  messages: Array<{ id: string; from: string; heard: boolean; durationMs: number }>;
}

describe('b2bua: voicemail and recording with baresip through `linegate run` (issue #5)', function () {
  this.timeout(45_000);
  let app: RunningLineGate | undefined;
  let varDir: string | undefined;
  let promptsDir: string;
  const closers: Array<() => Promise<void>> = [];

  before(function () {
    this.timeout(60_000);
    promptsDir = mkdtempSync(path.join(tmpdir(), 'linegate-media-softphone-prompts-'));
    buildPrompts(promptsDir);
  });
  after(() => rmSync(promptsDir, { recursive: true, force: true }));
  // Before useTestBed's hooks: the app's srf leaves before the TestBed closes the engine.
  afterEach(async () => {
    for (const c of closers.splice(0)) await c();
    await app?.close();
    app = undefined;
    if (varDir) rmSync(varDir, { recursive: true, force: true });
    varDir = undefined;
  });
  const bed = useTestBed();

  async function startApp(edit: (yaml: string) => string = (y) => y): Promise<{ app: RunningLineGate; sipPort: number }> {
    const eut = await bed().startEngine();
    const flags = readEngineFlags(['--address', '127.0.0.1', '--port', String(eut.engine.wireAddress().port), '--secret', SECRET]);
    assert.ok(flags.ok);
    varDir = mkdtempSync(path.join(tmpdir(), 'linegate-media-softphone-'));
    const ports = runtimePortRange();
    const example = readFileSync('dialplans/example.yaml', 'utf8');
    const yaml = edit(example
      .replace(/^voicemail:\n/m, `voicemail:\n  promptsDir: ${JSON.stringify(promptsDir)}\n  silenceTimeoutMs: 4000\n`)
      .replace(/rtpPortMin: \d+/, `rtpPortMin: ${ports.min}`)
      .replace(/rtpPortMax: \d+/, `rtpPortMax: ${ports.max}`));
    assert.notEqual(yaml, example);
    // Debian's baresip 1.0 cannot register while SHA-256 is offered at all (softphone-calls.test.ts).
    assert.match(yaml, /^registrar:\n {2}algorithms: \[MD5\]$/m, 'the example dialplan offers MD5 only, which baresip needs');
    const file = path.join(varDir, 'dialplan.yaml');
    writeFileSync(file, yaml);
    const started = await startLineGate({
      flags: flags.flags, engine: eut.engine, log: pino({ level: 'silent' }), varDir, dialplanPath: file,
      env: { LINEGATE_CONTROL_ADDRESS: '127.0.0.1', LINEGATE_CONTROL_PORT: '0', LINEGATE_CRM: 'off' },
    });
    assert.ok(started, 'the dialplan loads');
    app = started;
    return { app: started, sipPort: Number(eut.udp.split(':')[1]) };
  }

  async function baresip(o: { aor: string; password: string; sipPort: number; regintS: number; lifetimeS: number }): Promise<Baresip> {
    const phone = await startBaresip({ aor: o.aor, password: o.password, outbound: `127.0.0.1:${o.sipPort}`, control: true, regintS: o.regintS, lifetimeS: o.lifetimeS });
    closers.push(() => phone.stop());
    return phone;
  }

  it('1. baresip plays a WAV of three tones into bob\'s voicemail (DND on): the stored message holds them in order', async () => {
    const { app: running, sipPort } = await startApp();
    const dnd = await controlApi(running, 'PUT', '/users/bob/dnd', { enabled: true, version: 0 });
    assert.equal(dnd.status, 200, await dnd.clone().text());

    // baresip starts sending at the answer, while the greeting plays: the tones come after
    // the greeting and the beep (measured from this run's prompts) and a second of margin.
    const leadMs = Math.round(wavMs(path.join(promptsDir, 'greeting.wav')) + wavMs(path.join(promptsDir, 'beep.wav'))) + 1000;
    const parts: AudioPart[] = [{ silenceMs: leadMs }, ...SIGNAL_TONES.map((toneHz) => ({ toneHz, ms: 800 })), { silenceMs: 500 }];
    const wavFile = writeBaresipWav(varDir!, 'caller.wav', parts);

    const caller = await baresip({ aor: `sip:${CARRIER_NUMBER}@127.0.0.1`, password: 'unused', sipPort, regintS: 0, lifetimeS: 40 });
    await useAudioSource(caller, `aufile,${wavFile}`);
    assert.ok(existsSync(wavFile));
    const dialled = await caller.control!.command('dial', `sip:+14155550101@127.0.0.1`);
    assert.ok(dialled.ok, `dial: ${dialled.data}`);
    await caller.control!.waitForEvent('CALL_ESTABLISHED', 10_000);
    // Once the file has played: whoever hangs up first (baresip at the file's end, or
    // linegate after its silence timeout), else we do.
    const closed = caller.control!.waitForEvent('CALL_CLOSED', partsMs(parts) + 3000).catch(async () => {
      await caller.control!.command('hangup');
      return caller.control!.waitForEvent('CALL_CLOSED', 5000);
    });
    await closed;
    assert.match(caller.output(), /aufile: loading input file/, 'baresip played the WAV file');

    let listed: Listed | undefined;
    await until(() => (listed?.messages.length ?? 0) > 0, 10_000, 'the message to be listed', async () => {
      listed = (await (await controlApi(running, 'GET', '/users/bob/voicemail')).json()) as Listed;
    });
    const message = listed!.messages[0]!;
    assert.deepEqual([listed!.new, message.from, message.heard], [1, CARRIER_NUMBER, false]);
    const download = await controlApi(running, 'GET', `/users/bob/voicemail/${encodeURIComponent(message.id)}`);
    assert.equal(download.status, 200);
    const wav = readWav(Buffer.from(await download.arrayBuffer()));
    assert.ok(wav.ok && wav.channels === 1 && wav.sampleRate === 8000, 'an 8 kHz mono WAV');
    assert.deepEqual(signalToneRuns(wav.samples), [...SIGNAL_TONES], 'baresip\'s three tones, in order');
  });

  it('3. on-demand recording of a live call (baresip to baresip): start, pause, resume, stop; each party on its channel, the pause silent; `never` gets 409', async () => {
    const { app: running, sipPort } = await startApp();
    assert.equal(running.dialplan.users.find((u) => u.id === 'alice')?.recording, 'on-demand');
    assert.equal(running.dialplan.users.find((u) => u.id === 'bob')?.recording ?? 'never', 'never');
    const alice = await baresip({ aor: 'sip:alice@127.0.0.1', password: demoPassword('alice'), sipPort, regintS: 600, lifetimeS: 40 });
    await useAudioSource(alice, 'ausine,1000');
    await alice.waitRegistered(10_000);
    const caller = await baresip({ aor: `sip:${CARRIER_NUMBER}@127.0.0.1`, password: 'unused', sipPort, regintS: 0, lifetimeS: 40 });
    // The caller keeps the helper's `ausine,440`.
    assert.ok((await caller.control!.command('dial', 'sip:+14155550100@127.0.0.1')).ok);
    const established = await caller.control!.waitForEvent('CALL_ESTABLISHED', 10_000);
    await alice.control!.waitForEvent('CALL_ESTABLISHED', 5000);
    const callId = established.id;
    assert.ok(callId, 'baresip names the call (its Call-ID)');
    const control = (action: string, userId: string): Promise<Response> =>
      controlApi(running, 'POST', `/calls/${encodeURIComponent(callId)}/recording/${action}`, { userId });

    const folder = path.join(varDir!, 'recordings', 'alice');
    assert.equal(listWavs(folder).length, 0, 'on-demand: nothing recorded before start');
    const started = await control('start', 'alice');
    assert.equal(started.status, 200, await started.clone().text());
    await until(() => listWavs(folder).length === 1, 10_000, 'the recording to start (after the consent announcement)');
    await sleep(STRETCH_MS);
    const paused = await control('pause', 'alice');
    assert.deepEqual([paused.status, ((await paused.json()) as { state: string }).state], [200, 'paused']);
    await sleep(STRETCH_MS);
    const resumed = await control('resume', 'alice');
    assert.deepEqual([resumed.status, ((await resumed.json()) as { state: string }).state], [200, 'recording']);
    await sleep(STRETCH_MS);
    const stopped = await control('stop', 'alice');
    assert.equal(stopped.status, 200, await stopped.clone().text());
    const again = await control('pause', 'alice');
    assert.equal(again.status, 409, 'nothing to pause once stopped');

    assert.ok((await caller.control!.command('hangup')).ok);
    await caller.control!.waitForEvent('CALL_CLOSED', 5000);
    await until(() => running.shell.activeCalls() === 0, 5000, 'the call to end');

    const wav = readWav(readFileSync(path.join(folder, listWavs(folder)[0]!)));
    assert.ok(wav.ok && wav.channels === 2 && wav.sampleRate === 8000, 'an 8 kHz stereo WAV');
    const left = wav.samples.filter((_s, i) => i % 2 === 0);
    const right = wav.samples.filter((_s, i) => i % 2 === 1);
    assert.ok(loudShare(left, 440) > 0.6, `caller's 440 Hz on the left (${loudShare(left, 440).toFixed(2)})`);
    assert.ok(loudShare(right, 1000) > 0.6, `alice's 1 kHz on the right (${loudShare(right, 1000).toFixed(2)})`);
    assert.ok(loudShare(left, 1000) < 0.2 && loudShare(right, 440) < 0.2, 'each party on its own channel only');
    const shape = loudness(left, right);
    const runs = runsOf(shape);
    assert.deepEqual(runs.filter((r) => r.ms >= 800).map((r) => r.loud), [true, false, true], `loud, paused, loud: ${JSON.stringify(runs)}`);
    const pause = runs.find((r) => !r.loud && r.ms >= 800)!;
    assert.ok(Math.abs(pause.ms - STRETCH_MS) <= 500, `the paused stretch lasts ${pause.ms} ms (paused for ${STRETCH_MS} ms)`);
    assert.ok(Math.abs(shape.length * 100 - 3 * STRETCH_MS) <= 900, `the file keeps real time: ${shape.length * 100} ms`);

    // bob's policy is `never`: a call of his is not recorded, whatever the API is asked.
    assert.ok((await caller.control!.command('dial', 'sip:+14155550101@127.0.0.1')).ok);
    const toBob = await caller.control!.waitForEvent('CALL_ESTABLISHED', 10_000, (e) => e.id !== callId);
    for (const action of ['start', 'pause', 'resume', 'stop']) {
      const r = await controlApi(running, 'POST', `/calls/${encodeURIComponent(toBob.id!)}/recording/${action}`, { userId: 'bob' });
      assert.equal(r.status, 409, `${action} for bob: ${await r.clone().text()}`);
      assert.equal(((await r.json()) as { error: { code: string } }).error.code, 'RECORDING_NOT_ALLOWED');
    }
    assert.ok((await caller.control!.command('hangup')).ok);
    await until(() => running.shell.activeCalls() === 0, 5000, 'the call to bob to end');
  });
});

const STRETCH_MS = 1500;

/** Median share of `freqHz` over the loud 100 ms windows of a channel. */
function loudShare(x: Int16Array, freqHz: number): number {
  const shares: number[] = [];
  for (let i = 0; i + 800 <= x.length; i += 800) {
    const w = x.subarray(i, i + 800);
    if (w.some((v) => Math.abs(v) > 3000)) shares.push(toneFraction(w, freqHz));
  }
  shares.sort((a, b) => a - b);
  return shares[Math.floor(shares.length / 2)] ?? 0;
}

/** Per 100 ms: both channels carry sound (true), both are silent (false), or neither (undefined). */
function loudness(left: Int16Array, right: Int16Array): Array<boolean | undefined> {
  const l = energyEnvelope(left, 100);
  const r = energyEnvelope(right, 100);
  return [...l].map((v, i) => {
    const w = r[i] ?? 0;
    if (v > 0.02 && w > 0.02) return true;
    if (v < 0.002 && w < 0.002) return false;
    return undefined;
  });
}

/** Runs of equal windows (100 ms each), undefined windows dropped. */
function runsOf(shape: Array<boolean | undefined>): Array<{ loud: boolean; ms: number }> {
  const runs: Array<{ loud: boolean; ms: number }> = [];
  for (const w of shape) {
    if (w === undefined) continue;
    const last = runs.at(-1);
    if (last && last.loud === w) last.ms += 100;
    else runs.push({ loud: w, ms: 100 });
  }
  return runs;
}

function listWavs(folder: string): string[] {
  try {
    return readdirSync(folder).filter((f) => f.endsWith('.wav'));
  } catch {
    return [];
  }
}
