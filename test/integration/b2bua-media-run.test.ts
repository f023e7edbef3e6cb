/**
 * Issue #5 wired into `linegate run`: startLineGate on dialplans/example.yaml (its internal
 * voicemail service, recording section and media section; only the prompts folder, the RTP
 * port range and, for the recording test, alice's policy are changed in a temp copy), with
 * the engine from the TestBed, the control API on port 0, the store and event log in a temp
 * var dir, and LINEGATE_CRM=off.
 *
 *  (a)+(c) bob subscribes to message-summary and turns DND on over the control API; a carrier
 *      caller (raw UDP SIP + an RtpPeer) calls bob's number, waits for the beep, speaks three
 *      tones and hangs up. The control API lists the message and serves it as audio/wav, which
 *      holds the caller's tones in order (Goertzel, never bytes); bob's phone got
 *      Messages-Waiting: yes, and `heard` over the API turns it to no.
 *  (b) alice's policy is `always`: a carrier call to her registered device (an srf UAS on an
 *      engine of its own, answering with an RtpPeer) is anchored; the stereo WAV holds the
 *      caller's 440 Hz on the left and the callee's 1 kHz on the right, and the event log
 *      gets recording.available after the call.
 *
 * Run:  npx mocha --no-config --node-option import=tsx --extension ts test/integration/b2bua-media-run.test.ts
 */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { CallEvent } from '../../src/events/index.js';
import { FileEventLog } from '../../src/events/index.js';
import { readWav } from '../../src/media/wav/index.js';
import { RtpPeer } from '../helpers/rtp-peer.js';
import { controlApi, demoPassword, registerAt, useExampleApp, usePrompts, type StartedExampleApp } from './run-bed.js';
import { until, useTestBed } from './test-bed.js';
import { awaitToneThenQuiet, knownSignal, signalToneRuns, SIGNAL_TONES, toneFraction } from './voicemail-bed.js';
import { VoicemailPhone } from './voicemail-phone.js';

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

interface Listed {
  new: number;
  old: number;
  messages: Array<{ id: string; from: string; heard: boolean; durationMs: number; callId: string }>;
}

describe('b2bua: voicemail and recording wired into `linegate run` (startLineGate on the example dialplan)', function () {
  this.timeout(90_000);
  // Before useTestBed's hooks: the app's srf leaves before the TestBed closes the engine.
  const run = useExampleApp(() => bed(), 'media-run');
  const { closers } = run;
  const prompts = usePrompts('media-run');
  const bed = useTestBed();

  /** startLineGate on a copy of the example with this run's prompts and ports, and `edit` applied. */
  async function startApp(edit: (yaml: string) => string = (y) => y): Promise<StartedExampleApp> {
    const started = await run.start({ promptsDir: prompts(), edit });
    assert.equal(started.app.dialplan.voicemail?.service, 'internal', 'the example uses linegate\'s own voicemail');
    return started;
  }

  async function peer(codec: 'PCMU' | 'PCMA' = 'PCMU'): Promise<RtpPeer> {
    const p = await RtpPeer.start({ codec });
    closers.push(() => p.close());
    return p;
  }

  async function phone(sipPort: number, user: string): Promise<VoicemailPhone> {
    const p = await VoicemailPhone.open(sipPort, user, demoPassword(user));
    closers.push(() => p.close());
    return p;
  }

  it('a caller reaches bob (DND on) and leaves a message: listed, downloaded as WAV with the caller\'s tones; MWI yes, then no after `heard`', async () => {
    const { app: running, sipPort } = await startApp();
    const bob = await phone(sipPort, 'bob');
    assert.equal(await bob.register('127.0.0.1'), 200);
    const subscribed = await bob.subscribe('127.0.0.1', 600);
    assert.ok(subscribed === 200 || subscribed === 202, `SUBSCRIBE answered ${subscribed}`);
    await until(() => bob.waitingStates().length > 0, 5000, 'the first NOTIFY');
    assert.equal(bob.waitingStates().at(-1), 'no');

    const dnd = await controlApi(running, 'PUT', '/users/bob/dnd', { enabled: true, version: 0 });
    assert.equal(dnd.status, 200, await dnd.clone().text());

    const callerPeer = await peer();
    const caller = await phone(sipPort, 'carrier');
    const t0 = performance.now();
    const answer = await caller.invite(`sip:+14155550101@127.0.0.1:${sipPort}`, '+14155550177', callerPeer.sdp());
    callerPeer.useRemoteSdp(answer);
    await awaitToneThenQuiet(callerPeer, 1000, t0); // the greeting, then the beep
    await callerPeer.sendPcm(knownSignal());
    assert.equal(await caller.bye(), 200);

    let listed: Listed | undefined;
    await until(() => (listed?.messages.length ?? 0) > 0, 10_000, 'the message to be listed', async () => {
      listed = (await (await controlApi(running, 'GET', '/users/bob/voicemail')).json()) as Listed;
    });
    const message = listed!.messages[0]!;
    assert.deepEqual([listed!.new, listed!.old, message.from, message.heard], [1, 0, '+14155550177', false]);
    assert.ok(message.durationMs >= 2000, `message of ${message.durationMs} ms`);

    const download = await controlApi(running, 'GET', `/users/bob/voicemail/${encodeURIComponent(message.id)}`);
    assert.equal(download.status, 200);
    assert.equal(download.headers.get('content-type'), 'audio/wav');
    const wav = readWav(Buffer.from(await download.arrayBuffer()));
    assert.ok(wav.ok, 'a WAV file');
    assert.deepEqual(signalToneRuns(wav.samples), [...SIGNAL_TONES], 'the caller\'s three tones, in order');

    await until(() => bob.waitingStates().includes('yes'), 5000, 'NOTIFY Messages-Waiting: yes');
    const heard = await controlApi(running, 'POST', `/users/bob/voicemail/${encodeURIComponent(message.id)}/heard`);
    assert.equal(heard.status, 200, await heard.clone().text());
    await until(() => bob.waitingStates().at(-1) === 'no', 5000, 'NOTIFY Messages-Waiting: no');
    const after = (await (await controlApi(running, 'GET', '/users/bob/voicemail')).json()) as Listed;
    assert.deepEqual([after.new, after.old, after.messages[0]?.heard], [0, 1, true]);

    const missing = await controlApi(running, 'GET', '/users/bob/voicemail/m-none');
    assert.equal(missing.status, 404);
    const stranger = await fetch(`${running.controlApi!.url}/users/bob/voicemail`);
    assert.equal(stranger.status, 401, 'bearer-authenticated like every route');
  });

  it('a call to alice with recording `always` gives a stereo WAV (caller left, callee right) and recording.available', async () => {
    const { app: running, sipPort } = await startApp((y) => y.replace(/recording: on-demand.*$/m, 'recording: always'));
    assert.equal(running.dialplan.users.find((u) => u.id === 'alice')?.recording, 'always');
    const callerPeer = await peer('PCMU');
    const calleePeer = await peer('PCMA');
    const calleeEngine = await bed().startEngine();
    await bed().connectApp(calleeEngine, (srf) => {
      srf.invite((req, res) => {
        calleePeer.useRemoteSdp(req.body);
        void srf.createUAS(req, res, { localSdp: calleePeer.sdp() });
      });
    });
    await registerAt(sipPort, 'alice', `sip:alice@${calleeEngine.udp}`);

    const caller = await phone(sipPort, 'carrier');
    const answer = await caller.invite(`sip:+14155550100@127.0.0.1:${sipPort}`, '+14155550177', callerPeer.sdp());
    callerPeer.useRemoteSdp(answer);
    assert.notEqual(answer, calleePeer.sdp(), 'the caller talks to the anchor, not to the callee');
    const folder = path.join(run.varDir(), 'recordings', 'alice');
    await until(() => listWavs(folder).length === 1, 10_000, 'the recording to start (after the consent announcement)');

    await Promise.all([callerPeer.sendTone(440, 1500), calleePeer.sendTone(1000, 1500)]);
    assert.equal(await caller.bye(), 200);
    await until(() => running.shell.activeCalls() === 0, 5000, 'the call to end');
    await running.close(); // recordings are finished and their events appended

    const file = path.join(folder, listWavs(folder)[0]!);
    const wav = readWav(await readFile(file));
    assert.ok(wav.ok, 'a WAV file');
    assert.equal(wav.channels, 2);
    const left = wav.samples.filter((_s, i) => i % 2 === 0);
    const right = wav.samples.filter((_s, i) => i % 2 === 1);
    assert.ok(loudShare(left, 440) > 0.6, `caller's 440 Hz on the left (${loudShare(left, 440).toFixed(2)})`);
    assert.ok(loudShare(right, 1000) > 0.6, `callee's 1 kHz on the right (${loudShare(right, 1000).toFixed(2)})`);
    assert.ok(loudShare(left, 1000) < 0.2 && loudShare(right, 440) < 0.2, 'each signal on its own channel only');

    const available = (await readEvents(path.join(run.varDir(), 'events'))).filter((e) => e.type === 'recording.available');
    assert.equal(available.length, 1);
    const ev = available[0] as Extract<CallEvent, { type: 'recording.available' }>;
    assert.deepEqual([ev.userId, ev.channels, ev.layout, path.resolve(ev.path)], ['alice', 2, 'caller-left,callee-right', path.resolve(file)]);
  });
});

function listWavs(folder: string): string[] {
  try {
    return readdirSync(folder).filter((f) => f.endsWith('.wav'));
  } catch {
    return [];
  }
}

/** Every event in the gateway's file log, read by a consumer group of our own. */
async function readEvents(dir: string): Promise<CallEvent[]> {
  const log = new FileEventLog({ dir });
  await log.start();
  try {
    return (await log.read('media-run-test', 'reader', 1000, 0)).map((e) => e.event);
  } finally {
    await log.close();
  }
}
