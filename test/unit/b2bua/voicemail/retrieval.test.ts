import assert from 'node:assert/strict';
import { basename } from 'node:path';
import { countPrompts, pinCounterId } from '../../../../src/b2bua/voicemail/index.js';
import { FakeEndpoint } from './fake-media.js';
import { PIN, settle, startFixture, type Fixture } from './voicemail-fixture.js';

describe('voicemail retrieval menu (fake media)', () => {
  let f: Fixture;
  beforeEach(async () => {
    f = await startFixture();
  });
  afterEach(async () => {
    await f.close();
  });

  /** Leaves a message of `ms` from `from` through the real deposit flow. */
  async function leave(callId: string, ms: number): Promise<string> {
    f.media.script = (ep) => ep.records.push({ durationMs: ms, reason: 'terminator' });
    const leg = await f.service.createLeg('alice', { remoteSdp: 'o', reason: 'dnd', callerNumber: `+1555000${callId.length}`, callId });
    leg.start();
    await leg.finished;
    const list = await f.service.list('alice');
    return list[0]!.id;
  }

  function caller(...inputs: string[]): FakeEndpoint {
    const ep = new FakeEndpoint('caller', 'o');
    ep.inputs.push(...inputs);
    return ep;
  }

  it('says the count in words', () => {
    assert.deepEqual(countPrompts(0), ['you-have', 'no-new-messages']);
    assert.deepEqual(countPrompts(1), ['you-have', 'digit-1', 'new-message']);
    assert.deepEqual(countPrompts(12), ['you-have', 'digit-1', 'digit-2', 'new-messages']);
  });

  it('own device: no PIN; count, then 1 plays the oldest new message and makes it old', async () => {
    const first = await leave('c-1', 2000);
    const second = await leave('c-22', 3000);
    const ep = caller('1');
    assert.equal(await f.service.retrieve('alice', ep, { authenticated: true }), 'done');
    assert.ok(!ep.log.includes('play:enter-pin'));
    assert.equal(ep.log[0], 'play:you-have+digit-2+new-messages');
    assert.equal(ep.log[1], 'play:message-menu');
    assert.equal(ep.log[3], `play:${first}`, 'oldest new message first');
    const list = await f.service.list('alice');
    assert.deepEqual(list.map((m) => [m.id, m.heard]), [[second, false], [first, true]]);
    assert.deepEqual(await f.service.counts('alice'), { new: 1, old: 1 });
    assert.deepEqual(ep.log.slice(-2), ['collect:1', 'play:goodbye']);
    await settle();
    const heard = f.events.filter((e) => e.type === 'voicemail.heard');
    assert.equal(heard.length, 1);
    assert.equal(heard[0]!.callId, 'c-1', 'heard is filed under the call that left the message');
  });

  it('7 repeats, 9 plays the next, 3 deletes it, 2 saves; counts stay exact', async () => {
    const a = await leave('c-1', 2000);
    const b = await leave('c-22', 2000);
    const c = await leave('c-333', 2000);
    const ep = caller('1', '7', '9', '3', '2');
    await f.service.retrieve('alice', ep, { authenticated: true });
    const plays = ep.log.filter((l) => l.startsWith('play:m-')).map((l) => l.slice(5));
    assert.deepEqual(plays, [a, a, b]);
    assert.ok(ep.log.includes('play:message-deleted') && ep.log.includes('play:message-saved'));
    const list = await f.service.list('alice');
    assert.deepEqual(list.map((m) => [m.id, m.heard]), [[c, true], [a, true]], 'b deleted; c saved without being played');
    assert.deepEqual(await f.service.counts('alice'), { new: 0, old: 2 });
    assert.equal(await f.service.open('alice', b), undefined, 'the deleted file is gone');
  });

  it('at the end of the list says so', async () => {
    await leave('c-1', 2000);
    const ep = caller('9', '9', '2');
    await f.service.retrieve('alice', ep, { authenticated: true });
    assert.equal(ep.log.filter((l) => l === 'play:no-more-messages').length, 3);
  });

  it('4 records a new greeting that the next deposit plays', async () => {
    const ep = caller('4');
    ep.records.push({ durationMs: 3000, reason: 'terminator' });
    await f.service.retrieve('alice', ep, { authenticated: true });
    assert.deepEqual(ep.log.slice(3, 6), ['play:record-greeting+beep', 'record:#', 'play:greeting-saved']);
    f.media.script = (e) => e.records.push({ durationMs: 2000, reason: 'terminator' });
    const leg = await f.service.createLeg('alice', { remoteSdp: 'o', reason: 'busy', callerNumber: '+1', callId: 'c' });
    leg.start();
    await leg.finished;
    const greeting = f.media.endpoints[0]!.log[0]!;
    assert.match(greeting, /^play:greeting-[0-9a-z]+-[0-9a-f]+$/);

    const again = caller('4');
    again.records.push({ durationMs: 2500, reason: 'silence' });
    await f.service.retrieve('alice', again, { authenticated: true });
    const mailbox = await f.service['mailboxes'].read('alice');
    assert.notEqual(`play:${basename(mailbox.greeting!, '.wav')}`, greeting, 'replaced');
  });

  it('a digit that cuts a prompt or a message short is the answer: the menu is not said over it', async () => {
    const first = await leave('c-1', 2000);
    const ep = caller('1', '2');
    ep.interrupt.add('you-have').add(first);
    await f.service.retrieve('alice', ep, { authenticated: true });
    assert.deepEqual(ep.log.slice(0, 4), ['play:you-have+digit-1+new-message', 'collect:1', `play:${first}`, 'collect:1']);
  });

  it('asks for the PIN when not authenticated, and goes on with the right one', async () => {
    const ep = caller(PIN);
    assert.equal(await f.service.retrieve('alice', ep, { authenticated: false }), 'done');
    assert.deepEqual(ep.log.slice(0, 3), ['play:enter-pin', 'collect:16', 'play:you-have+no-new-messages']);
  });

  it('locks the mailbox after three wrong PINs, for pinLockMs, even for the right PIN', async () => {
    const ep = caller('1111', '2222', '3333');
    assert.equal(await f.service.retrieve('alice', ep, { authenticated: false }), 'locked');
    assert.deepEqual(ep.log.filter((l) => l.startsWith('play:')), [
      'play:enter-pin', 'play:incorrect-pin', 'play:enter-pin', 'play:incorrect-pin', 'play:enter-pin', 'play:mailbox-locked+goodbye',
    ]);
    const next = caller(PIN);
    assert.equal(await f.service.retrieve('alice', next, { authenticated: false }), 'locked');
    assert.deepEqual(next.log, ['play:mailbox-locked+goodbye'], 'locked before the PIN is even asked');
    f.clock.advance(15 * 60_000 - 1);
    assert.equal(await f.service.retrieve('alice', caller(PIN), { authenticated: false }), 'locked');
    f.clock.advance(1);
    assert.equal(await f.service.retrieve('alice', caller(PIN), { authenticated: false }), 'done');
    assert.equal((await f.store.getCounter('authfail.user', pinCounterId('alice'))).value, 0, 'a right PIN clears the failures');
  });

  it('failures across calls add up; a right PIN in between starts over', async () => {
    await f.service.retrieve('alice', caller('1111', PIN), { authenticated: false });
    await f.service.retrieve('alice', caller('1111', '1111', PIN), { authenticated: false });
    assert.equal((await f.store.getCounter('authfail.user', pinCounterId('alice'))).value, 0);
    await f.service.retrieve('alice', caller('1111', '1111'), { authenticated: false });
    assert.equal(await f.service.retrieve('alice', caller('1111'), { authenticated: false }), 'locked');
  });

  it('no digits at the PIN prompt is not a failure; three silences end the call', async () => {
    const ep = caller();
    assert.equal(await f.service.retrieve('alice', ep, { authenticated: false }), 'locked');
    assert.equal(ep.log.filter((l) => l === 'play:enter-pin').length, 3);
    assert.equal(ep.log.at(-1), 'play:goodbye');
    assert.equal((await f.store.getCounter('authfail.user', pinCounterId('alice'))).value, 0);
  });

  it('unknown mailbox: asks for the number after the beep, finds the user by extension or business number', async () => {
    const byExt = caller('100', PIN);
    assert.equal(await f.service.retrieve(undefined, byExt, { authenticated: false }), 'done');
    assert.deepEqual(byExt.log.slice(0, 3), ['play:beep', 'collect:16', 'play:enter-pin']);
    assert.equal(await f.service.retrieve(undefined, caller('14155550100', PIN), { authenticated: false }), 'done');
    const nobody = caller('999');
    assert.equal(await f.service.retrieve(undefined, nobody, { authenticated: false }), 'no-mailbox');
    assert.equal(nobody.log.at(-1), 'play:goodbye');
    assert.equal(await f.service.retrieve(undefined, caller('101'), { authenticated: false }), 'no-mailbox', 'bob has voicemail off');
  });

  it('the caller hanging up mid-menu ends retrieval quietly', async () => {
    await leave('c-1', 2000);
    const ep = caller('1');
    ep.onPlay = (names) => {
      if (names[0]?.startsWith('m-')) void ep.destroy();
    };
    assert.equal(await f.service.retrieve('alice', ep, { authenticated: true }), 'hangup');
    assert.deepEqual(await f.service.counts('alice'), { new: 1, old: 0 }, 'not heard: the caller left during it');
  });
});
