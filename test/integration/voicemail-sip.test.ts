/**
 * Voicemail end to end through SIP: the embedded engine, an unmodified drachtio-srf app with
 * the Registrar and the VoicemailService (message waiting registered on srf), and an INVITE
 * handler doing what the CallShell hook will do: take the B leg from service.createLeg (or
 * createRetrievalLeg for *98) and answer the caller with its SDP. Raw UDP phones subscribe,
 * register and call; an RtpPeer carries the caller's audio.
 *
 * Checks: a subscribed device gets NOTIFY Messages-Waiting: yes after a deposit and no after
 * the message is listened to (retrieval by DTMF over SIP) or marked heard over the API; a
 * registered device without a subscription gets the same as out-of-dialog NOTIFYs; the
 * deposited WAV holds the caller's signal; unsubscribing ends with Subscription-State: terminated.
 *
 * Run:  npx mocha --no-config --node-option import=tsx --extension ts test/integration/voicemail-sip.test.ts
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import type Srf from 'drachtio-srf';
import { Registrar } from '../../src/b2bua/index.js';
import { answerWithLeg, type AnsweringSrf, type MwiSrf, type VoicemailLeg } from '../../src/b2bua/voicemail/index.js';
import { readWav } from '../../src/media/wav/index.js';
import { systemClock } from '../../src/shared/index.js';
import { RtpPeer } from '../helpers/rtp-peer.js';
import { BED_SETTINGS } from '../helpers/registrar-bed.js';
import { sleep, until } from '../helpers/until.js';
import { useTestBed } from './test-bed.js';
import {
  ALICE, awaitQuiet, awaitToneThenQuiet, buildPrompts, DOMAIN, dominantTones, knownSignal, PIN, SIGNAL_TONES, startVoicemailBed, type VoicemailBed,
} from './voicemail-bed.js';
import { VoicemailPhone } from './voicemail-phone.js';

type InviteHandler = (req: Srf.SrfRequest, res: Srf.SrfResponse) => void;

function runsOf(pcm: Int16Array): number[] {
  const runs: number[] = [];
  let last: number | undefined;
  let n = 0;
  for (const w of [...dominantTones(pcm, SIGNAL_TONES), undefined]) {
    if (w === last) n++;
    else {
      if (last !== undefined && n >= 8) runs.push(last);
      last = w;
      n = 1;
    }
  }
  return runs;
}

describe('voicemail through SIP: deposit, message waiting, retrieval (integration)', function () {
  this.timeout(90_000);
  const bed = useTestBed();
  let promptsDir: string;
  let vm: VoicemailBed | undefined;
  const closers: Array<() => Promise<void>> = [];

  before(async function () {
    this.timeout(60_000);
    promptsDir = await mkdtemp(join(tmpdir(), 'linegate-vm-prompts-'));
    buildPrompts(promptsDir);
  });
  after(async () => {
    await rm(promptsDir, { recursive: true, force: true });
  });
  afterEach(async () => {
    for (const c of closers.splice(0).reverse()) await c();
    await vm?.close();
    vm = undefined;
  });

  it('MWI yes after a deposit, no after listening and after markHeard; unsolicited to unsubscribed devices; terminated on unsubscribe', async () => {
    const v = vm = await startVoicemailBed(promptsDir, { unsolicitedMwi: true });
    const eut = await bed().startEngine();
    const registrar = new Registrar({
      store: v.store, users: [ALICE], domain: DOMAIN, settings: BED_SETTINGS, clock: systemClock, logger: pino({ level: 'silent' }),
    });
    const legs: VoicemailLeg[] = [];
    const onInvite: InviteHandler = (req, res) => {
      const callId = req.get('Call-ID');
      const retrieval = /^sip:\*98@/.test(req.uri);
      const made = retrieval
        ? v.service.createRetrievalLeg('alice', { remoteSdp: req.body, callId, authenticated: false })
        : v.service.createLeg('alice', { remoteSdp: req.body, reason: 'dnd', callerNumber: '+15551230000', callId });
      // What the hooks do: the shell's StartLeg for a voicemail target, or answerWithLeg for *98.
      void made.then(async (leg) => {
        legs.push(leg);
        await answerWithLeg(req.srf as unknown as AnsweringSrf<Srf.SrfRequest, Srf.SrfResponse>, req, res, leg);
      }).catch(() => res.send(480));
    };
    const udpPort = Number(eut.udp.split(':')[1]);
    await bed().connectApp(eut, (srf) => {
      registrar.register(srf);
      v.service.register(srf as unknown as MwiSrf, registrar);
      srf.invite(onInvite);
    });

    const subscriber = await VoicemailPhone.open(udpPort, 'alice', 'alice-pw');
    const other = await VoicemailPhone.open(udpPort, 'alice', 'alice-pw');
    const callerPhone = await VoicemailPhone.open(udpPort, 'caller', 'x');
    const peer = await RtpPeer.start();
    closers.push(() => subscriber.close(), () => other.close(), () => callerPhone.close(), () => peer.close());

    assert.equal(await subscriber.register(DOMAIN), 200);
    assert.equal(await other.register(DOMAIN), 200);
    assert.equal(await subscriber.subscribe(DOMAIN, 600), 202);
    await until(() => subscriber.notifies.length === 1, 3000, 'the first NOTIFY');
    assert.deepEqual(subscriber.waitingStates(), ['no']);
    const first = subscriber.notifies[0]!;
    assert.ok(first.inDialog);
    assert.match(first.subscriptionState ?? '', /^active;expires=(600|599)$/);
    assert.equal(first.message.get('Event'), 'message-summary');
    assert.equal(first.message.get('Content-Type'), 'application/simple-message-summary');
    assert.match(first.body, /Message-Account: sip:alice@linegate\.test\r\nVoice-Message: 0\/0 \(0\/0\)/);

    // A caller leaves a message and hangs up (no #): the usual end of a message.
    const answer = await callerPhone.invite(`sip:+14155550100@${eut.udp}`, '+15551230000', peer.sdp());
    peer.useRemoteSdp(answer);
    const t0 = performance.now();
    await awaitToneThenQuiet(peer, 1000, t0);
    await peer.sendPcm(knownSignal());
    await sleep(200);
    assert.equal(await callerPhone.bye(), 200);
    await until(() => subscriber.waitingStates().at(-1) === 'yes', 5000, 'NOTIFY Messages-Waiting: yes');
    assert.match(subscriber.notifies.at(-1)!.body, /Voice-Message: 1\/0/);
    await until(() => other.notifies.length >= 1, 5000, 'the unsolicited NOTIFY');
    assert.equal(other.notifies[0]!.inDialog, false);
    assert.deepEqual(other.waitingStates(), ['yes']);
    assert.ok(subscriber.notifies.every((n) => n.inDialog), 'a subscribed device gets no unsolicited NOTIFY');

    const [m] = await v.service.list('alice');
    assert.ok(m, 'the message is stored');
    const wav = readWav(await readFile((await v.service.open('alice', m.id))!.path));
    assert.ok(wav.ok);
    assert.deepEqual(runsOf(wav.samples), [500, 900, 1300]);
    await until(() => v.events.some((e) => e.type === 'voicemail.deposited'), 5000, 'voicemail.deposited');

    // Retrieval over SIP: *98, the PIN, then 1 plays it: the caller hears it, and MWI says no.
    const listener = await RtpPeer.start();
    closers.push(() => listener.close());
    const retrievalAnswer = await callerPhone.invite(`sip:*98@${eut.udp}`, '+15551230000', listener.sdp());
    listener.useRemoteSdp(retrievalAnswer);
    await until(() => listener.audioPackets().length > 10, 5000, '"please enter your PIN"');
    await awaitQuiet(listener, 300);
    await listener.sendDigits(`${PIN}#`);
    await until(() => listener.audioPackets().some((p) => p.at > performance.now() - 100), 5000, 'the count');
    const pressed = performance.now();
    await listener.sendDigits('1');
    await until(() => runsOf(listener.receivedPcm(pressed)).length === 3, 15_000, 'the message played back');
    assert.deepEqual(runsOf(listener.receivedPcm(pressed)), [500, 900, 1300]);
    await until(() => subscriber.waitingStates().at(-1) === 'no', 5000, 'NOTIFY Messages-Waiting: no after listening');
    assert.match(subscriber.notifies.at(-1)!.body, /Voice-Message: 0\/1/);
    await until(() => other.waitingStates().at(-1) === 'no', 5000, 'the unsolicited no');
    assert.equal(await callerPhone.bye(), 200);

    // A second message, then visual voicemail marks it heard.
    const answer2 = await callerPhone.invite(`sip:+14155550100@${eut.udp}`, '+15551230000', peer.sdp());
    peer.useRemoteSdp(answer2);
    await awaitToneThenQuiet(peer, 1000, performance.now());
    await peer.sendPcm(knownSignal());
    await peer.sendDigits('#');
    await until(() => callerPhone.byes.length === 1, 10_000, 'the voicemail to hang up after #');
    await until(() => subscriber.waitingStates().at(-1) === 'yes', 5000, 'yes again');
    const newest = (await v.service.list('alice'))[0]!;
    assert.ok(await v.service.markHeard('alice', newest.id));
    await until(() => subscriber.waitingStates().at(-1) === 'no', 5000, 'no after markHeard');
    assert.match(subscriber.notifies.at(-1)!.body, /Voice-Message: 0\/2/);

    assert.equal(await subscriber.unsubscribe(), 202);
    await until(() => /^terminated/.test(subscriber.notifies.at(-1)?.subscriptionState ?? ''), 5000, 'the terminating NOTIFY');
    assert.equal(legs.length, 3);
    await Promise.all(legs.map((l) => l.finished));
  });
});
