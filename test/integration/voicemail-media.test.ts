/**
 * Voicemail over real RTP on loopback: the VoicemailService on the EmbeddedMediaPort, the
 * caller an RtpPeer. A known signal (three tones in a row) is left as a message and must be
 * in the stored WAV; retrieval by DTMF (the PIN with lost RFC 4733 end packets, then 1) must
 * play it back to the caller. Compared by signal: Goertzel energy per window and
 * cross-correlation with the source, never bytes.
 *
 * Run:  npx mocha --no-config --node-option import=tsx --extension ts test/integration/voicemail-media.test.ts
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { VoicemailLeg } from '../../src/b2bua/voicemail/index.js';
import { crossCorrelate } from '../../src/media/dsp/index.js';
import { readWav } from '../../src/media/wav/index.js';
import { RtpPeer } from '../helpers/rtp-peer.js';
import { sleep, until } from '../helpers/until.js';
import {
  awaitQuiet, awaitToneThenQuiet, buildPrompts, dominantTones, knownSignal, PIN, SIGNAL_TONES, startVoicemailBed, type VoicemailBed,
} from './voicemail-bed.js';

/** The tone runs of a window sequence (each at least `min` windows), in order. */
function toneRuns(windows: Array<number | undefined>, min = 8): number[] {
  const runs: number[] = [];
  let current: number | undefined;
  let length = 0;
  for (const w of [...windows, undefined]) {
    if (w === current) {
      length++;
      continue;
    }
    if (current !== undefined && length >= min) runs.push(current);
    current = w;
    length = 1;
  }
  return runs;
}

describe('voicemail on the embedded media endpoint (integration)', function () {
  this.timeout(60_000);
  let promptsDir: string;
  let bed: VoicemailBed;
  const peers: RtpPeer[] = [];

  before(async function () {
    this.timeout(60_000);
    promptsDir = await mkdtemp(join(tmpdir(), 'linegate-vm-prompts-'));
    buildPrompts(promptsDir);
  });
  after(async () => {
    await rm(promptsDir, { recursive: true, force: true });
  });
  beforeEach(async () => {
    bed = await startVoicemailBed(promptsDir);
  });
  afterEach(async () => {
    await bed.close();
    await Promise.all(peers.splice(0).map((p) => p.close()));
  });

  async function caller(): Promise<RtpPeer> {
    const p = await RtpPeer.start();
    peers.push(p);
    return p;
  }

  /** A caller leaves the known signal and presses #; resolves once the leg hung up by itself. */
  async function leaveMessage(): Promise<{ leg: VoicemailLeg; peer: RtpPeer }> {
    const peer = await caller();
    const leg = await bed.service.createLeg('alice', { remoteSdp: peer.sdp(), reason: 'dnd', callerNumber: '+15551230000', callId: 'call-deposit' });
    peer.useRemoteSdp(leg.remote.sdp);
    let hungUp = false;
    leg.on('destroy', () => (hungUp = true));
    const t0 = performance.now();
    leg.start();
    await awaitToneThenQuiet(peer, 1000, t0); // the greeting, then the beep
    await peer.sendPcm(knownSignal());
    await peer.sendDigits('#');
    await until(() => hungUp, 10_000, 'the voicemail leg to hang up after #');
    await leg.finished;
    return { leg, peer };
  }

  it('a deposit of a known signal ends up in the stored WAV, in order and in full', async () => {
    const { peer } = await leaveMessage();
    const [m] = await bed.service.list('alice');
    assert.ok(m, 'a message is stored');
    assert.ok(Math.abs(m.durationMs - 2400) <= 250, `duration ${m.durationMs} ms, sent 2400 ms`);
    const file = await bed.service.open('alice', m.id);
    assert.ok(file);
    const wav = readWav(await readFile(file.path));
    assert.ok(wav.ok && wav.channels === 1 && wav.sampleRate === 8000);
    assert.deepEqual(toneRuns(dominantTones(wav.samples, SIGNAL_TONES)), [500, 900, 1300]);
    const match = crossCorrelate(knownSignal(), wav.samples, 1600);
    assert.ok(match.coefficient > 0.9, `cross-correlation ${match.coefficient.toFixed(3)} at lag ${match.lag}`);
    assert.ok(peer.audioPackets().length > 100, 'the caller heard the greeting');
    assert.deepEqual(await bed.service.counts('alice'), { new: 1, old: 0 });
  });

  it('retrieval by DTMF (PIN with lost end packets, then 1) plays the message back to the caller', async () => {
    await leaveMessage();
    const [m] = await bed.service.list('alice');
    const peer = await caller();
    const leg = await bed.service.createRetrievalLeg('alice', { remoteSdp: peer.sdp(), callId: 'call-retrieve', authenticated: false });
    peer.useRemoteSdp(leg.remote.sdp);
    leg.start();
    await until(() => peer.audioPackets().length > 10, 5000, '"please enter your PIN"');
    await awaitQuiet(peer, 300);
    await peer.sendDigits(`${PIN}#`, { dropEnd: 2 });
    await until(() => peer.audioPackets().some((p) => p.at > performance.now() - 100), 5000, 'the count after the PIN');
    await sleep(400); // into "You have one new message"
    const pressed = performance.now();
    await peer.sendDigits('1', { dropEnd: 3, gapMs: 600 }); // every end packet lost: the receiver's timeout ends it
    await until(() => toneRuns(dominantTones(peer.receivedPcm(pressed), SIGNAL_TONES)).length === 3, 15_000, 'the message played back');
    await sleep(300);
    const heard = peer.receivedPcm(pressed);
    assert.deepEqual(toneRuns(dominantTones(heard, SIGNAL_TONES)), [500, 900, 1300]);
    const match = crossCorrelate(knownSignal(), heard, 8000 * 3);
    assert.ok(match.coefficient > 0.9, `cross-correlation ${match.coefficient.toFixed(3)} at lag ${match.lag}`);
    await until(() => bed.events.some((e) => e.type === 'voicemail.heard'), 5000, 'voicemail.heard');
    assert.deepEqual(await bed.service.counts('alice'), { new: 0, old: 1 });
    assert.equal((await bed.service.list('alice'))[0]?.id, m!.id);
    await leg.destroy();
    await leg.finished;
  });
});
