/**
 * Press 1 to accept (issue #3) through the CallShell on the embedded engine, with real media:
 * the shell's EmbeddedMediaPort plays the prompt built by scripts/build-prompts.ts (espeak-ng)
 * into a temporary folder. alice's ring plan calls her mobile over the trunk with
 * `confirm: true`. The trunk is an engine of its own running an srf app: its UAS answers
 * each number with an RtpPeer (and answers re-INVITEs with it), and its UAC is the carrier
 * caller, also with an RtpPeer.
 *
 *  1. the mobile answers, is re-INVITEd to the prompt's endpoint, hears the prompt (energy at
 *     its RTP peer) and sends RFC 4733 digit 1: it is re-INVITEd back with the caller's offer,
 *     the caller's 200 carries the mobile's answer to it, and the caller's audio reaches the
 *     mobile's RTP peer directly; call.answered names the mobile;
 *  2. the mobile answers but never presses 1: BYE at the confirm timeout (10 s), the prompt's
 *     endpoint is gone, and the plan's next step (another number) answers the caller;
 *  3. the mobile presses 2: not connected (no 200, the mobile still up); the caller's CANCEL
 *     then ends it: 487 to the caller, BYE to the mobile, the endpoint gone.
 *
 * Run:  npx mocha --no-config --node-option import=tsx --extension ts test/integration/b2bua-press-one.test.ts
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type Srf from 'drachtio-srf';
import { isOfferlessAnswer } from '../../src/b2bua/call/index.js';
import type { ShellDialog, ShellRequest, ShellSrf } from '../../src/b2bua/call/index.js';
import type { CallEvent } from '../../src/events/index.js';
import { energyEnvelope } from '../../src/media/dsp/index.js';
import { EmbeddedMediaPort } from '../../src/media/embedded/index.js';
import { RtpPeer, runtimePortRange } from '../helpers/rtp-peer.js';
import { startShellBed, testDialplan } from './b2bua-bed.js';
import type { ShellBed } from './b2bua-bed.js';
import { delay, until, useTestBed } from './test-bed.js';
import { buildPrompts, containsTone } from './voicemail-bed.js';

const ALICE = '+14155550100';
const MOBILE = '+14155550177';
const NEXT = '+14155550188';
const CALLER = '+14155550123';
/** policyFor(): ringing.confirmTimeoutS. */
const CONFIRM_TIMEOUT_MS = 10_000;

type Answered = Extract<CallEvent, { type: 'call.answered' }>;
type Ended = Extract<CallEvent, { type: 'call.ended' }>;

/** One number answered by the far end: its RTP peer, the offers of its re-INVITEs, and whether it got BYE. */
interface FarLeg {
  readonly peer: RtpPeer;
  readonly reinviteOffers: string[];
  answered: boolean;
  byed: boolean;
  /** When the first re-INVITE came (performance.now()). */
  reinvitedAt?: number;
}

/** At least `ms` of audio louder than −40 dBFS (per 20 ms window) received since `since`. */
function heardSpeech(peer: RtpPeer, since: number, ms = 600): boolean {
  const loud = [...energyEnvelope(peer.receivedPcm(since), 20)].filter((rms) => rms > 0.01).length;
  return loud * 20 >= ms;
}

describe('b2bua: press 1 to accept, with the prompt played by the media endpoint', function () {
  this.timeout(40_000);
  let promptsDir: string;
  let media: EmbeddedMediaPort | undefined;
  let sb: ShellBed | undefined;
  const peers: RtpPeer[] = [];

  before(function () {
    this.timeout(60_000);
    promptsDir = mkdtempSync(path.join(tmpdir(), 'linegate-press-one-prompts-'));
    buildPrompts(promptsDir);
  });
  after(() => rmSync(promptsDir, { recursive: true, force: true }));
  // Before useTestBed's hooks run theirs: endpoints and peers go while the engines still exist.
  afterEach(async () => {
    await media?.close();
    media = undefined;
    for (const p of peers.splice(0)) await p.close();
    await sb?.store.close();
    sb = undefined;
  });
  const bed = useTestBed();

  async function peer(): Promise<RtpPeer> {
    const p = await RtpPeer.start();
    peers.push(p);
    return p;
  }

  /**
   * The trunk (an srf app on its own engine) answering MOBILE and NEXT with RTP peers, and the
   * gateway (CallShell with an EmbeddedMediaPort) whose alice rings `targets` in sequence.
   */
  async function start(targets: ReadonlyArray<{ to: string; timeoutS: number; confirm: boolean }>): Promise<{ far: Srf; legs: Map<string, FarLeg>; s: ShellBed; port: EmbeddedMediaPort }> {
    const legs = new Map<string, FarLeg>();
    for (const n of [MOBILE, NEXT]) legs.set(n, { peer: await peer(), reinviteOffers: [], answered: false, byed: false });
    const farEngine = await bed().startEngine();
    const far = await bed().connectApp(farEngine, (srf) => {
      srf.invite((req, res) => {
        const leg = [...legs.entries()].find(([n]) => req.uri.includes(n))?.[1];
        if (!leg) return res.send(404);
        leg.peer.useRemoteSdp(req.body);
        srf.createUAS(req, res, { localSdp: leg.peer.sdp() }).then((dialog) => {
          leg.answered = true;
          dialog.on('modify', (reinvite: Srf.SrfRequest, reply: Srf.SrfResponse) => {
            leg.reinvitedAt ??= performance.now();
            leg.reinviteOffers.push(reinvite.body);
            leg.peer.useRemoteSdp(reinvite.body);
            // srf's own default answer to a re-INVITE carries the dialog's Contact (RFC 3261 §12.2.2).
            const contact = (dialog.local as { contact?: string }).contact ?? '';
            reply.send(200, { body: leg.peer.sdp(), headers: { 'Content-Type': 'application/sdp', Contact: contact } });
          });
          dialog.on('destroy', () => { leg.byed = true; });
        }, () => undefined);
      });
    });
    const port = media = new EmbeddedMediaPort({ portRange: runtimePortRange() });
    const s = sb = await startShellBed(bed(), () => testDialplan(Number(farEngine.udp.split(':')[1])), { media: port, promptsDir });
    const put = await s.store.putSettings('alice', { ringPlan: { strategy: 'sequential', timeoutS: 40, targets: targets.map((t) => ({ ...t })) } }, 0);
    assert.ok(put.ok, JSON.stringify(put));
    return { far, legs, s, port };
  }

  /** The carrier's call to alice from the far srf; `cancel` CANCELs it. */
  function call(far: Srf, s: ShellBed, callerPeer: RtpPeer): { dialog: Promise<ShellDialog>; cancel: () => void } {
    let sent: ShellRequest | undefined;
    // Typed as the shell sees srf (shell-srf.ts): at runtime cbRequest is (err, req).
    const uac = (far as unknown as ShellSrf).createUAC(`sip:${ALICE}@${s.eut.udp}`, {
      localSdp: callerPeer.sdp(), headers: { From: `<sip:${CALLER}@127.0.0.1>` },
    }, { cbRequest: (_err, req) => { sent = req; } });
    const dialog = uac.then((d) => (isOfferlessAnswer(d) ? Promise.reject(new Error('offerless answer')) : d));
    return { dialog, cancel: () => sent?.cancel({}) };
  }

  async function endedOnce(s: ShellBed): Promise<Ended> {
    await until(() => s.shell.activeCalls() === 0 && s.events.ended().length === 1, 5000, 'call.ended');
    return s.events.ended()[0] as Ended;
  }

  function answeredBy(s: ShellBed): Answered['answeredBy'] | undefined {
    return (s.events.events.find((e) => e.type === 'call.answered') as Answered | undefined)?.answeredBy;
  }

  it('1. the mobile hears the prompt and presses 1 (RFC 4733): moved back to the caller\'s media and connected', async () => {
    const { far, legs, s, port } = await start([{ to: MOBILE, timeoutS: 20, confirm: true }]);
    const mobile = legs.get(MOBILE)!;
    const callerPeer = await peer();
    const { dialog } = call(far, s, callerPeer);
    let connected = false;
    void dialog.then(() => { connected = true; }, () => undefined);

    await until(() => mobile.reinviteOffers.length === 1, 5000, 'the re-INVITE to the prompt\'s endpoint');
    assert.notEqual(mobile.reinviteOffers[0], callerPeer.sdp(), 'the offer is the endpoint\'s');
    assert.equal(port.activeEndpoints, 1);
    await until(() => heardSpeech(mobile.peer, mobile.reinvitedAt!), 5000, 'the prompt at the mobile\'s RTP peer');
    assert.equal(connected, false, 'the caller is not answered before 1');

    await mobile.peer.sendDigits('1');
    const callerDialog = await dialog;
    assert.equal(mobile.reinviteOffers.length, 2, 'a second re-INVITE moves the mobile back');
    assert.equal(mobile.reinviteOffers[1], callerPeer.sdp(), 'with the caller\'s original offer');
    assert.equal(callerDialog.remote.sdp, mobile.peer.sdp(), 'the caller\'s 200 carries the mobile\'s answer');
    await until(() => port.activeEndpoints === 0, 2000, 'the prompt\'s endpoint to go');
    assert.deepEqual(answeredBy(s), { kind: 'target', target: MOBILE });

    // Media now flows end to end, not through the endpoint.
    callerPeer.useRemoteSdp(callerDialog.remote.sdp);
    const since = performance.now();
    await callerPeer.sendTone(440, 600);
    await until(() => containsTone(mobile.peer.receivedPcm(since), 440), 2000, 'the caller\'s tone at the mobile');
    assert.ok(mobile.peer.audioPackets().filter((p) => p.at >= since).every((p) => p.from.port === callerPeer.port), 'straight from the caller');

    void callerDialog.destroy();
    const ended = await endedOnce(s);
    assert.deepEqual([ended.disposition, ended.hungUpBy], ['answered', 'caller']);
    await until(() => mobile.byed, 3000, 'BYE to the mobile');
  });

  it('2. the mobile answers but never presses 1: BYE at the confirm timeout, and the next step answers', async () => {
    const { far, legs, s, port } = await start([{ to: MOBILE, timeoutS: 20, confirm: true }, { to: NEXT, timeoutS: 10, confirm: false }]);
    const mobile = legs.get(MOBILE)!;
    const next = legs.get(NEXT)!;
    const callerPeer = await peer();
    const { dialog } = call(far, s, callerPeer);
    await until(() => mobile.reinviteOffers.length === 1, 5000, 'the re-INVITE to the prompt\'s endpoint');
    const reinvited = performance.now();
    await until(() => heardSpeech(mobile.peer, mobile.reinvitedAt!), 5000, 'the prompt at the mobile\'s RTP peer');

    const callerDialog = await dialog;
    const waited = performance.now() - reinvited;
    assert.ok(waited >= CONFIRM_TIMEOUT_MS - 1000, `connected only after the confirm window (${Math.round(waited)} ms)`);
    assert.ok(mobile.byed, 'the mobile got BYE');
    assert.ok(next.answered);
    assert.equal(callerDialog.remote.sdp, next.peer.sdp(), 'the caller is connected to the next number');
    assert.deepEqual(next.reinviteOffers, [], 'no prompt for a target without confirm');
    assert.equal(port.activeEndpoints, 0, 'the prompt\'s endpoint is gone');
    assert.deepEqual(answeredBy(s), { kind: 'target', target: NEXT });
    void callerDialog.destroy();
    await endedOnce(s);
  });

  it('3. the mobile presses 2: not connected; the caller\'s CANCEL then ends it and the endpoint goes', async () => {
    const { far, legs, s, port } = await start([{ to: MOBILE, timeoutS: 20, confirm: true }]);
    const mobile = legs.get(MOBILE)!;
    const callerPeer = await peer();
    const { dialog, cancel } = call(far, s, callerPeer);
    let outcome: string | undefined;
    const settled = dialog.then(() => { outcome = 'answered'; }, (err: { status?: number }) => { outcome = String(err.status); });
    await until(() => mobile.reinviteOffers.length === 1, 5000, 'the re-INVITE to the prompt\'s endpoint');
    await until(() => heardSpeech(mobile.peer, mobile.reinvitedAt!), 5000, 'the prompt at the mobile\'s RTP peer');

    await mobile.peer.sendDigits('2');
    await delay(1500);
    assert.equal(outcome, undefined, 'the caller is not answered on 2');
    assert.equal(mobile.byed, false, 'the mobile is still up, waiting for 1');
    assert.equal(mobile.reinviteOffers.length, 1, 'not moved back');
    assert.equal(port.activeEndpoints, 1);
    assert.equal(s.events.events.filter((e) => e.type === 'call.answered').length, 0);

    cancel();
    await settled;
    assert.equal(outcome, '487');
    await until(() => mobile.byed, 3000, 'BYE to the mobile');
    await until(() => port.activeEndpoints === 0, 2000, 'the prompt\'s endpoint to go');
    const ended = await endedOnce(s);
    assert.equal(ended.hungUpBy, 'caller');
  });
});
