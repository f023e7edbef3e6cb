/**
 * Voicemail for phones that send their keys only as SIP INFO (application/dtmf-relay,
 * `Signal=…`), through the whole app: startLineGate on a temp copy of dialplans/example.yaml
 * (prompts and RTP ports changed), the engine from the TestBed, the control API on port 0,
 * LINEGATE_CRM=off. The phones are raw UDP SIP (VoicemailPhone) with an RtpPeer that offers
 * no telephone-event and sends no RFC 4733 event: every key goes as INFO.
 *
 * 1. Deposit leg (the INFO reaches the voicemail leg through the bridged caller's dialog):
 *    a carrier caller leaves a message for bob (DND) and ends it with INFO `#` — linegate
 *    says goodbye and hangs up long before the silence timeout. A second call presses `*`
 *    during the greeting, then the PIN and `#`: it hears "You have 1 new message"; `1`
 *    plays the message (MWI goes to no), `3` deletes it (the control API lists nothing).
 * 2. Retrieval answered directly (`*98` from bob's own device, answerWithLeg): `1` as
 *    application/dtmf plays the message; an INFO that is not a key (a video fast-update
 *    request) is answered 200 and changes nothing.
 *
 * Outcomes are asserted on what the phones hear (prompts by cross-correlation, the message's
 * tones), on NOTIFYs and on the control API: never on logs.
 *
 * Run:  npx mocha --no-config --node-option import=tsx --extension ts test/integration/b2bua-media-info-dtmf.test.ts
 */
import assert from 'node:assert/strict';
import { crossCorrelate } from '../../src/media/dsp/index.js';
import { RtpPeer } from '../helpers/rtp-peer.js';
import { controlApi, demoPassword, demoSecret, useExampleApp, usePrompts } from './run-bed.js';
import { until, useTestBed } from './test-bed.js';
import { awaitQuiet, awaitToneThenQuiet, knownSignal, promptPcm, signalToneRuns, SIGNAL_TONES } from './voicemail-bed.js';
import { VoicemailPhone } from './voicemail-phone.js';

const BOB_NUMBER = '+14155550101';
const SILENCE_TIMEOUT_MS = 4000;

/** A key as most INFO-DTMF phones send it (RFC-less, but the de facto format). */
const relay = (digit: string): string => `Signal=${digit}\r\nDuration=160\r\n`;

describe('b2bua: voicemail driven by keys sent only as SIP INFO (issues #3/#5)', function () {
  this.timeout(120_000);
  // Before useTestBed's hooks: the app's srf leaves before the TestBed closes the engine.
  const run = useExampleApp(() => bed(), 'info-dtmf');
  const { closers } = run;
  const prompts = usePrompts('info-dtmf');
  const bed = useTestBed();

  /** Resolves once `names`, one after the other, have been heard since `since` (cross-correlation). */
  async function hears(peer: RtpPeer, since: number, names: readonly string[], timeoutMs = 15_000): Promise<void> {
    const pcms = names.map((name) => ({ name, pcm: promptPcm(prompts(), name) }));
    const total = pcms.reduce((n, p) => n + p.pcm.length, 0);
    const heardAll = (): boolean => {
      const got = peer.receivedPcm(since);
      if (got.length < total) return false;
      let lastLag = -Infinity;
      for (const p of pcms) {
        const m = crossCorrelate(p.pcm, got, got.length);
        if (m.coefficient <= 0.8 || m.lag <= lastLag) return false;
        lastLag = m.lag;
      }
      return true;
    };
    await until(heardAll, timeoutMs, `the prompts ${names.join(' + ')}`);
  }

  async function opened<T extends { close(): Promise<void> }>(x: Promise<T>): Promise<T> {
    const it = await x;
    closers.push(() => it.close());
    return it;
  }

  async function startApp(): Promise<number> {
    return (await run.start({ promptsDir: prompts(), silenceTimeoutMs: SILENCE_TIMEOUT_MS })).sipPort;
  }

  function api(method: string, urlPath: string, body?: unknown): Promise<Response> {
    const app = run.current();
    assert.ok(app, 'the app is started');
    return controlApi(app, method, urlPath, body);
  }

  async function mailbox(): Promise<{ new: number; old: number }> {
    return (await (await api('GET', '/users/bob/voicemail')).json()) as { new: number; old: number };
  }

  /** bob registered and subscribed to message-summary, with DND on: callers reach his voicemail. */
  async function bobAway(sipPort: number): Promise<VoicemailPhone> {
    const bob = await opened(VoicemailPhone.open(sipPort, 'bob', demoPassword('bob')));
    assert.equal(await bob.register('127.0.0.1'), 200);
    const subscribed = await bob.subscribe('127.0.0.1', 600);
    assert.ok(subscribed === 200 || subscribed === 202, `SUBSCRIBE answered ${subscribed}`);
    const dnd = await api('PUT', '/users/bob/dnd', { enabled: true, version: 0 });
    assert.equal(dnd.status, 200, await dnd.clone().text());
    return bob;
  }

  /** A carrier caller whose phone offers no telephone-event: keys can only go as INFO. */
  async function infoOnlyCaller(sipPort: number, target: string): Promise<{ phone: VoicemailPhone; peer: RtpPeer; answeredAt: number }> {
    const peer = await opened(RtpPeer.start({ telephoneEventPt: null }));
    const phone = await opened(VoicemailPhone.open(sipPort, 'carrier', ''));
    const answeredAt = performance.now();
    peer.useRemoteSdp(await phone.invite(target, '+14155550177', peer.sdp()));
    assert.doesNotMatch(peer.sdp(), /telephone-event/);
    return { phone, peer, answeredAt };
  }

  async function press(phone: VoicemailPhone, digits: string): Promise<void> {
    for (const d of digits) assert.equal(await phone.info('application/dtmf-relay', relay(d)), 200, `INFO ${d}`);
  }

  /** The known signal left as a message, ended by INFO `#`; resolves with how long linegate took to hang up after it. */
  async function leaveMessageEndedByInfoHash(sipPort: number): Promise<number> {
    const { phone, peer, answeredAt } = await infoOnlyCaller(sipPort, `sip:${BOB_NUMBER}@127.0.0.1:${sipPort}`);
    await awaitToneThenQuiet(peer, 1000, answeredAt); // greeting, then the beep: recording
    await peer.sendPcm(knownSignal());
    const hashAt = performance.now();
    await press(phone, '#');
    await until(() => phone.byes.length === 1, SILENCE_TIMEOUT_MS + 8000, 'linegate hangs up after the message');
    return performance.now() - hashAt;
  }

  it('deposit leg: INFO # ends the message; INFO * and the PIN reach the menu, where 1 plays it and 3 deletes it', async () => {
    const sipPort = await startApp();
    const bob = await bobAway(sipPort);

    const hangUpMs = await leaveMessageEndedByInfoHash(sipPort);
    assert.ok(hangUpMs < SILENCE_TIMEOUT_MS - 500, `hung up ${hangUpMs.toFixed(0)} ms after INFO # (the silence timeout is ${SILENCE_TIMEOUT_MS} ms)`);
    await until(() => bob.waitingStates().at(-1) === 'yes', 10_000, 'NOTIFY Messages-Waiting: yes');
    const left = await mailbox();
    assert.deepEqual([left.new, left.old], [1, 0], 'the message was kept');

    // The owner calls their own number from elsewhere: * during the greeting, then the PIN.
    const { phone, peer, answeredAt } = await infoOnlyCaller(sipPort, `sip:${BOB_NUMBER}@127.0.0.1:${sipPort}`);
    await until(() => peer.receivedPcm(answeredAt).length >= 8 * 500, 10_000, 'the greeting starts');
    const starAt = performance.now();
    await press(phone, '*');
    await hears(peer, starAt, ['enter-pin']);
    await awaitQuiet(peer, 300, 10_000); // collecting the PIN now: a digit before the prompt would be cleared by it
    const pinAt = performance.now();
    await press(phone, `${demoSecret('LINEGATE_DEMO_BOB_PIN')}#`);
    await hears(peer, pinAt, ['you-have', 'digit-1', 'new-message']);

    await awaitQuiet(peer, 400, 20_000); // the count and the menu said: the menu is collecting
    const oneAt = performance.now();
    await press(phone, '1');
    await until(() => signalToneRuns(peer.receivedPcm(oneAt)).length >= 3, 15_000, 'the message played back');
    assert.deepEqual(signalToneRuns(peer.receivedPcm(oneAt)).slice(0, 3), [...SIGNAL_TONES], 'the deposited tones, in order');
    await until(() => bob.waitingStates().at(-1) === 'no', 5000, 'NOTIFY Messages-Waiting: no');

    await awaitQuiet(peer, 400, 20_000);
    const threeAt = performance.now();
    await press(phone, '3');
    await hears(peer, threeAt, ['message-deleted']);
    const after = await mailbox();
    assert.deepEqual([after.new, after.old], [0, 0], 'deleted from the menu');
    assert.equal(await phone.bye(), 200);
  });

  it('*98 from bob\'s own device: INFO 1 (application/dtmf) plays the message; an INFO that is no key is answered 200', async () => {
    const sipPort = await startApp();
    const bob = await bobAway(sipPort);
    await leaveMessageEndedByInfoHash(sipPort);
    await until(() => bob.waitingStates().at(-1) === 'yes', 10_000, 'NOTIFY Messages-Waiting: yes');

    const peer = await opened(RtpPeer.start({ telephoneEventPt: null }));
    const device = await opened(VoicemailPhone.open(sipPort, 'bob', demoPassword('bob')));
    const answeredAt = performance.now();
    peer.useRemoteSdp(await device.invite('sip:*98@127.0.0.1', 'bob', peer.sdp()));
    await hears(peer, answeredAt, ['you-have', 'digit-1', 'new-message']);
    const fastUpdate = '<?xml version="1.0"?><media_control><vc_primitive><to_encoder><picture_fast_update/></to_encoder></vc_primitive></media_control>';
    assert.equal(await device.info('application/media_control+xml', fastUpdate), 200);

    await awaitQuiet(peer, 400, 20_000);
    const oneAt = performance.now();
    assert.equal(await device.info('application/dtmf', '1'), 200);
    await until(() => signalToneRuns(peer.receivedPcm(oneAt)).length >= 3, 15_000, 'the message played back');
    assert.deepEqual(signalToneRuns(peer.receivedPcm(oneAt)).slice(0, 3), [...SIGNAL_TONES], 'the deposited tones, in order');
    await until(() => bob.waitingStates().at(-1) === 'no', 5000, 'NOTIFY Messages-Waiting: no');
    const heard = await mailbox();
    assert.deepEqual([heard.new, heard.old], [0, 1]);
    assert.equal(await device.bye(), 200);
  });
});
