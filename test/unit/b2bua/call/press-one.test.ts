/**
 * Press 1 to accept, the shell's media side (press-one.ts), with a fake MediaPort, a fake
 * dialog and a FakeClock: the re-INVITE to the prompt's endpoint, the prompt with barge-in
 * repeated after a gap, digits reported one by one, the move back to the caller's offer on
 * bridge, and the endpoint destroyed on every path. The orderings of close()/restore()
 * against the set-up covered: before the endpoint exists, while the re-INVITE is in flight,
 * and after the prompt started. Then the same through a CallShell with srf fakes: a
 * confirm target's leg answers, hears nothing without media (INFO only) or gets the
 * re-INVITE with media, and a digit 1 answers the caller with the leg's restored SDP.
 *
 * Run:  npx mocha --no-config --node-option import=tsx --extension ts test/unit/b2bua/call/press-one.test.ts
 */
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { CallShell } from '../../../../src/b2bua/call/index.js';
import type { ShellDialog, ShellRequest, ShellResponse } from '../../../../src/b2bua/call/index.js';
import { PressOne, PressOneLegs, PROMPT_REPEAT_GAP_MS } from '../../../../src/b2bua/call/press-one.js';
import { MemoryStore } from '../../../../src/state/index.js';
import type { CollectOptions, CreateEndpointOptions, MediaEndpoint, MediaPort, PlayResult } from '../../../../src/media/index.js';
import { FakeClock } from '../../../helpers/fake-clock.js';
import { CollectingSink, FakeDialog, FakeShellSrf, settle, silentLog } from './shell-fakes.js';
import { aliceDialplan } from '../alice-dialplan.js';

/** Settles by hand what a test wants to order: play() and collectDigits() resolve when told. */
class FakeEndpoint implements MediaEndpoint {
  readonly id = 'ep-1';
  localSdp = 'v=0 endpoint-offer';
  readonly modified: string[] = [];
  readonly plays: Array<{ file: string; bargeIn: boolean; resolve: (r: PlayResult) => void }> = [];
  readonly collects: Array<{ options: CollectOptions; resolve: (digits: string) => void }> = [];
  stopPlays = 0;
  destroyed = 0;
  playFails = false;
  readonly closed = Promise.resolve();

  modify(remoteSdp: string): Promise<string> {
    this.modified.push(remoteSdp);
    return Promise.resolve(this.localSdp);
  }
  play(files: string | readonly string[], options?: { readonly bargeIn?: boolean }): Promise<PlayResult> {
    if (this.destroyed > 0 || this.playFails) return Promise.reject(new Error('MEDIA_FILE_NOT_FOUND'));
    return new Promise((resolve) => this.plays.push({ file: String(files), bargeIn: options?.bargeIn === true, resolve }));
  }
  stopPlay(): void {
    this.stopPlays++;
    this.plays.at(-1)?.resolve({ playedMs: 10, interrupted: true });
  }
  collectDigits(options: CollectOptions): Promise<string> {
    if (this.destroyed > 0) return Promise.reject(new Error('MEDIA_ENDPOINT_CLOSED'));
    return new Promise((resolve) => this.collects.push({ options, resolve }));
  }
  /** A digit ends the collection in progress (and a barge-in play). */
  press(digit: string): void {
    const c = this.collects.at(-1);
    assert.ok(c, 'no collectDigits() in progress');
    this.plays.at(-1)?.resolve({ playedMs: 100, interrupted: true });
    c.resolve(digit);
  }
  destroy(): Promise<void> {
    this.destroyed++;
    for (const c of this.collects) c.resolve('');
    return Promise.resolve();
  }
  record(): never { throw new Error('not used'); }
  stopRecord(): void {}
  onDtmf(): () => void { return () => undefined; }
  sendDtmf(): Promise<void> { return Promise.resolve(); }
  receiveDtmf(): Promise<void> { return Promise.resolve(); }
  bridge(): Promise<void> { return Promise.resolve(); }
  unbridge(): Promise<void> { return Promise.resolve(); }
  recordCall(): never { throw new Error('not used'); }
}

class FakeMediaPort implements MediaPort {
  readonly endpoints: FakeEndpoint[] = [];
  readonly options: Array<CreateEndpointOptions | undefined> = [];
  /** When set, createEndpoint waits for release(). */
  hold = false;
  private waiting: Array<() => void> = [];
  get activeEndpoints(): number {
    return this.endpoints.filter((e) => e.destroyed === 0).length;
  }
  createEndpoint(options?: CreateEndpointOptions): Promise<MediaEndpoint> {
    this.options.push(options);
    const ep = new FakeEndpoint();
    this.endpoints.push(ep);
    if (!this.hold) return Promise.resolve(ep);
    return new Promise((resolve) => this.waiting.push(() => resolve(ep)));
  }
  release(): void {
    for (const w of this.waiting.splice(0)) w();
  }
  close(): Promise<void> { return Promise.resolve(); }
}

/** A leg's dialog whose re-INVITEs are recorded and answered by the test (or at once). */
class ReinvitedDialog extends FakeDialog {
  readonly offers: string[] = [];
  private pending: Array<{ resolve: (sdp: string) => void; reject: (err: Error) => void }> = [];
  /** Answer re-INVITEs at once with `answer(offer)`; otherwise the test calls answerNext(). */
  auto: ((offer: string) => string) | undefined = (offer) => `answer-to(${offer})`;
  override modify(sdp: string): Promise<string> {
    this.offers.push(sdp);
    const auto = this.auto;
    if (auto) return Promise.resolve(auto(sdp));
    return new Promise((resolve, reject) => this.pending.push({ resolve, reject }));
  }
  answerNext(sdp: string): void {
    this.pending.shift()?.resolve(sdp);
  }
  failNext(status: number): void {
    this.pending.shift()?.reject(Object.assign(new Error(String(status)), { status }));
  }
}

const CALLER_OFFER = 'v=0 caller-offer';
const PROMPT = '/prompts/press-one.wav';

function setUp(): { media: FakeMediaPort; dialog: ReinvitedDialog; clock: FakeClock; digits: string[]; press: PressOne } {
  const media = new FakeMediaPort();
  const dialog = new ReinvitedDialog({ sdp: 'v=0 leg-answer' });
  const clock = new FakeClock();
  const digits: string[] = [];
  const press = new PressOne({ media, promptFile: PROMPT, clock, log: silentLog }, dialog, (d) => digits.push(d));
  return { media, dialog, clock, digits, press };
}

describe('press-one: the prompt on a press-1 leg', () => {
  it('re-INVITEs the leg with the endpoint\'s offer, completes it with the answer, plays with barge-in and collects one digit at a time', async () => {
    const { media, dialog, clock, digits, press } = setUp();
    await settle();
    assert.deepEqual(media.options, [undefined], 'the endpoint offers (no remote SDP)');
    const ep = media.endpoints[0]!;
    assert.deepEqual(dialog.offers, ['v=0 endpoint-offer']);
    assert.deepEqual(ep.modified, ['answer-to(v=0 endpoint-offer)']);
    assert.deepEqual(ep.plays.map((p) => [p.file, p.bargeIn]), [[PROMPT, true]]);
    assert.equal(ep.collects.length, 1);
    assert.deepEqual(ep.collects[0]!.options.maxDigits, 1);

    ep.press('2');
    await settle();
    assert.deepEqual(digits, ['2']);
    assert.equal(ep.collects.length, 2, 'collects again after a digit that does not accept');
    clock.advance(PROMPT_REPEAT_GAP_MS - 1);
    await settle();
    assert.equal(ep.plays.length, 1, 'not before the gap');
    clock.advance(1);
    await settle();
    assert.equal(ep.plays.length, 2, 'the prompt again after the gap');
    ep.plays[1]!.resolve({ playedMs: 2900, interrupted: false });
    await settle();
    clock.advance(PROMPT_REPEAT_GAP_MS);
    await settle();
    assert.equal(ep.plays.length, 3, 'and again while nobody accepts');

    press.close();
    await settle();
    assert.equal(ep.destroyed, 1);
    assert.equal(clock.pending(), 0, 'no timer left');
    assert.deepEqual(digits, ['2'], 'nothing reported after close');
  });

  it('restore(): stops the prompt, re-INVITEs the leg with the caller\'s offer, resolves with its answer and destroys the endpoint', async () => {
    const { media, dialog, clock, digits, press } = setUp();
    await settle();
    const ep = media.endpoints[0]!;
    ep.press('1');
    await settle();
    assert.deepEqual(digits, ['1']);
    const sdp = await press.restore(CALLER_OFFER);
    assert.equal(sdp, `answer-to(${CALLER_OFFER})`);
    assert.deepEqual(dialog.offers, ['v=0 endpoint-offer', CALLER_OFFER]);
    assert.equal(ep.destroyed, 1);
    await settle();
    assert.equal(clock.pending(), 0);
    assert.equal(ep.plays.length, 1, 'no repeat once restored');
  });

  it('restore() while the first re-INVITE is in flight waits for it, then moves the leg back', async () => {
    const { media, dialog, press } = setUp();
    dialog.auto = undefined;
    await settle();
    const restored = press.restore(CALLER_OFFER);
    await settle();
    assert.deepEqual(dialog.offers, ['v=0 endpoint-offer'], 'one re-INVITE at a time');
    dialog.answerNext('leg-to-endpoint');
    await settle();
    assert.deepEqual(dialog.offers, ['v=0 endpoint-offer', CALLER_OFFER]);
    dialog.answerNext('leg-back-to-caller');
    assert.equal(await restored, 'leg-back-to-caller');
    const ep = media.endpoints[0]!;
    assert.equal(ep.destroyed, 1);
    assert.equal(ep.plays.length, 0, 'the prompt never started');
  });

  it('a re-INVITE to the endpoint that fails (RFC 3261 §14.1: nothing changed): no prompt, endpoint gone, restore() needs no re-INVITE', async () => {
    const { media, dialog, press } = setUp();
    dialog.auto = undefined;
    await settle();
    dialog.failNext(488);
    await settle();
    const ep = media.endpoints[0]!;
    assert.equal(ep.destroyed, 1);
    assert.equal(ep.plays.length, 0);
    assert.equal(await press.restore(CALLER_OFFER), 'v=0 leg-answer', 'the leg\'s answer as it stands');
    assert.deepEqual(dialog.offers, ['v=0 endpoint-offer']);
  });

  it('close() before the endpoint exists: it is destroyed when it comes, and the leg is never re-INVITEd', async () => {
    const media = new FakeMediaPort();
    media.hold = true;
    const dialog = new ReinvitedDialog({ sdp: 'v=0 leg-answer' });
    const press = new PressOne({ media, promptFile: PROMPT, clock: new FakeClock(), log: silentLog }, dialog, () => undefined);
    await settle();
    press.close();
    media.release();
    await settle();
    assert.equal(media.endpoints[0]!.destroyed, 1);
    assert.deepEqual(dialog.offers, []);
    assert.equal(media.activeEndpoints, 0);
  });

  it('close() while the re-INVITE is in flight: the endpoint goes at once and nothing plays after the answer', async () => {
    const { media, dialog, press } = setUp();
    dialog.auto = undefined;
    await settle();
    press.close();
    const ep = media.endpoints[0]!;
    assert.equal(ep.destroyed, 1);
    dialog.answerNext('late-answer');
    await settle();
    assert.deepEqual(ep.modified, []);
    assert.equal(ep.plays.length, 0);
    assert.equal(ep.collects.length, 0);
  });

  it('restore() without an offer (late offer): no re-INVITE back; the leg\'s current SDP', async () => {
    const { media, dialog, press } = setUp();
    await settle();
    assert.equal(await press.restore(undefined), dialog.remote.sdp);
    assert.deepEqual(dialog.offers, ['v=0 endpoint-offer']);
    assert.equal(media.endpoints[0]!.destroyed, 1);
  });

  it('a prompt that cannot be played: digits are still collected', async () => {
    const media = new FakeMediaPort();
    const dialog = new ReinvitedDialog({ sdp: 'v=0 leg-answer' });
    const digits: string[] = [];
    const origCreate = media.createEndpoint.bind(media);
    media.createEndpoint = async (o) => {
      const ep = (await origCreate(o)) as FakeEndpoint;
      ep.playFails = true;
      return ep;
    };
    const press = new PressOne({ media, promptFile: PROMPT, clock: new FakeClock(), log: silentLog }, dialog, (d) => digits.push(d));
    await settle();
    media.endpoints[0]!.press('1');
    await settle();
    assert.deepEqual(digits, ['1']);
    press.close();
  });
});

describe('press-one: PressOneLegs (a call\'s press-1 legs)', () => {
  it('without media: start() says no (INFO only) and calleeSdp() is the leg\'s answer', async () => {
    const legs = new PressOneLegs({ clock: new FakeClock(), log: silentLog });
    const dialog = new ReinvitedDialog({ sdp: 'v=0 leg-answer' });
    assert.equal(legs.start('L1', dialog, () => undefined), false);
    assert.equal(await legs.calleeSdp('L1', dialog, CALLER_OFFER), 'v=0 leg-answer');
    assert.deepEqual(dialog.offers, []);
  });

  it('with media: start() prompts; end() and endAll() destroy the endpoints; calleeSdp() restores once', async () => {
    const media = new FakeMediaPort();
    const legs = new PressOneLegs({ media, promptFile: PROMPT, clock: new FakeClock(), log: silentLog });
    const d1 = new ReinvitedDialog({ sdp: 'v=0 one' });
    const d2 = new ReinvitedDialog({ sdp: 'v=0 two' });
    const d3 = new ReinvitedDialog({ sdp: 'v=0 three' });
    assert.equal(legs.start('L1', d1, () => undefined), true);
    legs.start('L2', d2, () => undefined);
    legs.start('L3', d3, () => undefined);
    await settle();
    assert.equal(media.activeEndpoints, 3);
    legs.end('L2');
    assert.equal(media.endpoints[1]!.destroyed, 1);
    assert.equal(await legs.calleeSdp('L1', d1, CALLER_OFFER), `answer-to(${CALLER_OFFER})`);
    assert.equal(await legs.calleeSdp('L1', d1, CALLER_OFFER), 'v=0 one', 'a second bridge has nothing to restore');
    assert.deepEqual(d1.offers, ['v=0 endpoint-offer', CALLER_OFFER]);
    legs.endAll();
    assert.equal(media.activeEndpoints, 0);
    assert.deepEqual(d3.offers, ['v=0 endpoint-offer']);
  });
});

/** The shell's srf fake, with the INVITE handler and the caller's 200 (createUAS) recorded. */
class UasSrf extends FakeShellSrf {
  handler: ((req: ShellRequest, res: ShellResponse) => void) | undefined;
  readonly answered: string[] = [];
  override invite(handler?: (req: ShellRequest, res: ShellResponse) => void): void {
    this.handler = handler;
  }
  /** createUAS(req, res, { localSdp }): the base fake declares no parameters. */
  override createUAS(...args: unknown[]): Promise<ShellDialog> {
    this.answered.push((args[2] as { localSdp: string }).localSdp);
    return Promise.resolve(new FakeDialog({ sdp: CALLER_OFFER }));
  }
}

const MOBILE = '+14155550177';
const DESK_LINE = '+14155550178';

/** A trunk call to alice, whose sequential plan is her mobile with press 1, then another number. */
async function callAlice(media: FakeMediaPort | undefined): Promise<{ srf: UasSrf; sink: CollectingSink; clock: FakeClock; sent: number[]; shell: CallShell; store: MemoryStore }> {
  const dialplan = aliceDialplan({
    top: 'voicemail: { serviceUri: "sip:voicemail@192.0.2.1" }',
    alice: [`ringPlan: { strategy: sequential, timeoutS: 60, targets: [ { to: "${MOBILE}", timeoutS: 20, confirm: true }, { to: "${DESK_LINE}", timeoutS: 20 } ] }`],
  });
  const srf = new UasSrf();
  const sink = new CollectingSink();
  const clock = new FakeClock(1_000_000);
  const store = new MemoryStore();
  await store.start();
  const registrar = { authenticate: () => Promise.resolve({ type: 'Refused' }), lookup: () => Promise.resolve([]) };
  const shell = new CallShell({
    srf, dialplan, store, events: sink, registrar, clock, logger: silentLog, epochNow: () => clock.now(),
    ...(media ? { media, promptsDir: '/prompts' } : {}),
  });
  shell.start();
  const headers: Record<string, string> = { 'from': '<sip:+14155550123@192.0.2.1>;tag=a', 'to': '<sip:+14155550100@127.0.0.1>', 'call-id': 'press-one-call' };
  const req = Object.assign(new EventEmitter(), {
    method: 'INVITE', uri: 'sip:+14155550100@127.0.0.1', body: CALLER_OFFER, source_address: '192.0.2.1', source_port: 5060, protocol: 'udp',
    get: (n: string) => headers[n.toLowerCase()], has: (n: string) => n.toLowerCase() in headers, cancel: () => undefined,
  });
  const sent: number[] = [];
  const res = { status: 0, reason: '', get: () => undefined, send: (status: number) => { sent.push(status); }, finalResponseSent: false };
  assert.ok(srf.handler);
  srf.handler(req, res);
  await settle();
  assert.equal(srf.calls.length, 1, 'the mobile is called');
  assert.match(srf.calls[0]!.uri, new RegExp(MOBILE.replace('+', '\\+')));
  return { srf, sink, clock, sent, shell, store };
}

function info(digit: string): { req: ShellRequest; res: ShellResponse } {
  const req = Object.assign(new EventEmitter(), {
    method: 'INFO', uri: 'sip:x', body: `Signal=${digit}\r\nDuration=160\r\n`, source_address: '192.0.2.1', source_port: 5060, protocol: 'udp',
    get: (n: string) => (n.toLowerCase() === 'content-type' ? 'application/dtmf-relay' : undefined), has: () => false, cancel: () => undefined,
  });
  return { req, res: { status: 0, reason: '', get: () => undefined, send: () => undefined } };
}

describe('press-one: through the CallShell (srf fakes)', () => {
  it('with media: the answered leg is re-INVITEd to the prompt; 2 does nothing; 1 moves it back to the caller\'s offer and answers the caller with its new answer', async () => {
    const media = new FakeMediaPort();
    const { srf, sink, store } = await callAlice(media);
    const leg = new ReinvitedDialog({ sdp: 'v=0 mobile-answer' });
    srf.calls[0]!.answer(leg);
    await settle();
    assert.deepEqual(leg.offers, ['v=0 endpoint-offer'], 'the leg hears the endpoint');
    const ep = media.endpoints[0]!;
    assert.deepEqual(ep.plays.map((p) => p.file), ['/prompts/press-one.wav']);
    ep.press('2');
    await settle();
    assert.deepEqual(srf.answered, [], 'not connected on 2');
    ep.press('1');
    await settle();
    assert.deepEqual(leg.offers, ['v=0 endpoint-offer', CALLER_OFFER], 'moved back to the caller\'s offer');
    assert.deepEqual(srf.answered, [`answer-to(${CALLER_OFFER})`], 'the caller\'s 200 carries the leg\'s new answer');
    assert.equal(ep.destroyed, 1);
    const answered = sink.events.find((e) => e.type === 'call.answered');
    assert.deepEqual(answered?.type === 'call.answered' && answered.answeredBy, { kind: 'target', target: MOBILE });
    await store.close();
  });

  it('with media, nobody presses 1: at the confirm timeout the leg gets BYE, the endpoint goes and the call goes on to the next step', async () => {
    const media = new FakeMediaPort();
    const { srf, clock, store } = await callAlice(media);
    const leg = new ReinvitedDialog({ sdp: 'v=0 mobile-answer' });
    srf.calls[0]!.answer(leg);
    await settle();
    assert.equal(media.activeEndpoints, 1);
    clock.advance(9_999);
    await settle();
    assert.equal(leg.destroyed, 0);
    clock.advance(1);
    await settle();
    assert.equal(leg.destroyed, 1, 'BYE to the leg');
    assert.equal(media.activeEndpoints, 0, 'the endpoint is destroyed');
    assert.equal(srf.calls.length, 2, 'the next step is called');
    assert.match(srf.calls[1]!.uri, /\+14155550178/);
    assert.deepEqual(srf.answered, []);
    await store.close();
  });

  it('without media: nothing is re-INVITEd, and a digit 1 in SIP INFO still connects with the leg\'s first answer', async () => {
    const { srf, store } = await callAlice(undefined);
    const leg = new ReinvitedDialog({ sdp: 'v=0 mobile-answer' });
    srf.calls[0]!.answer(leg);
    await settle();
    assert.deepEqual(leg.offers, []);
    const one = info('1');
    leg.emit('info', one.req, one.res);
    await settle();
    assert.deepEqual(srf.answered, ['v=0 mobile-answer']);
    await store.close();
  });

  it('with media, a digit 1 in SIP INFO also connects (the leg moved back first)', async () => {
    const media = new FakeMediaPort();
    const { srf, store } = await callAlice(media);
    const leg = new ReinvitedDialog({ sdp: 'v=0 mobile-answer' });
    srf.calls[0]!.answer(leg);
    await settle();
    const one = info('1');
    leg.emit('info', one.req, one.res);
    await settle();
    assert.deepEqual(leg.offers, ['v=0 endpoint-offer', CALLER_OFFER]);
    assert.deepEqual(srf.answered, [`answer-to(${CALLER_OFFER})`]);
    assert.equal(media.activeEndpoints, 0);
    await store.close();
  });

  it('the re-INVITE back fails: the leg gets BYE, the caller 500, and call.ended says failed / system / internal-error', async () => {
    const media = new FakeMediaPort();
    const { srf, sent, sink, store } = await callAlice(media);
    const leg = new ReinvitedDialog({ sdp: 'v=0 mobile-answer' });
    srf.calls[0]!.answer(leg);
    await settle();
    leg.auto = undefined;
    media.endpoints[0]!.press('1');
    await settle();
    leg.failNext(488);
    await settle();
    assert.deepEqual(sent, [500], 'linegate failed to connect the caller: 500, not the callee\'s unavailability (480)');
    assert.deepEqual(srf.answered, []);
    assert.equal(leg.destroyed, 1);
    assert.equal(media.activeEndpoints, 0);
    const ended = sink.events.filter((e) => e.type === 'call.ended');
    assert.equal(ended.length, 1);
    const e = ended[0]!;
    assert.ok(e.type === 'call.ended');
    assert.deepEqual([e.disposition, e.hungUpBy, e.reason, e.sipStatus, e.durationS], ['failed', 'system', 'internal-error', 500, 0]);
    await store.close();
  });
});
