/**
 * play / record / DTMF of FsmrfMediaPort endpoints, against a scripted FreeSWITCH: the
 * exact applications executed on the channel (sendmsg, call-command execute) and API
 * commands sent, and how the CHANNEL_EXECUTE_COMPLETE / DTMF events the script replays
 * become PlayResult, RecordResult, collected digits and DTMF events.
 */
import assert from 'node:assert/strict';
import { LinegateError } from '../../src/shared/index.js';
import { endpointOnChannel, phoneOffer, startFsmrfBed } from './media-fsmrf-bed.js';
import type { EndpointOnChannel, FsmrfBed } from './media-fsmrf-bed.js';

function code(expected: string): (err: unknown) => boolean {
  return (err) => err instanceof LinegateError && err.code === expected;
}

describe('FsmrfMediaPort against a scripted FreeSWITCH event socket (not a real FreeSWITCH): play, record, DTMF', function () {
  this.timeout(20_000);
  let bed: FsmrfBed | undefined;
  let e: EndpointOnChannel;
  let from: number;
  beforeEach(async () => {
    bed = await startFsmrfBed();
    e = await endpointOnChannel(bed);
    from = e.mark();
  });
  afterEach(async () => {
    await bed?.teardown();
    bed = undefined;
  });

  describe('play', () => {
    it('executes playback with terminators off and reports FreeSWITCH\'s playback_ms', async () => {
      const playing = e.ep.play('/sounds/greeting.wav');
      const pb = await e.ch.waitForExecute('playback');
      assert.match(pb.eventUuid, /^[0-9a-f-]{36}$/);
      e.ch.complete(pb, { 'Application-Response': 'FILE PLAYED', variable_playback_ms: '1520' });
      assert.deepEqual(await playing, { playedMs: 1520, interrupted: false });
      assert.deepEqual(e.lines(from), ['execute set playback_terminators=none', 'execute playback /sounds/greeting.wav']);
    });

    it('waits for the completion whose Application-UUID is its own Event-UUID', async () => {
      let settled = false;
      const playing = e.ep.play('/sounds/greeting.wav').finally(() => {
        settled = true;
      });
      const pb = await e.ch.waitForExecute('playback');
      e.ch.complete({ ...pb, eventUuid: '00000000-0000-0000-0000-000000000000' }, { variable_playback_ms: '1' });
      await new Promise((resolve) => setTimeout(resolve, 100));
      assert.equal(settled, false, 'another application\'s completion must not end the play');
      e.ch.complete(pb, { 'Application-Response': 'FILE PLAYED', variable_playback_ms: '2000' });
      assert.equal((await playing).playedMs, 2000);
    });

    it('plays several files one playback each, and a barge-in digit stops it and stays collectable', async () => {
      const playing = e.ep.play(['/sounds/you-have.wav', '/sounds/3.wav', '/sounds/new.wav'], { bargeIn: true });
      e.ch.complete(await e.ch.waitForExecute('playback'), { 'Application-Response': 'FILE PLAYED', variable_playback_ms: '900' });
      const second = await e.ch.waitForExecute('playback');
      assert.ok(e.ch.dtmf('2'));
      e.ch.complete(second, { 'Application-Response': 'FILE PLAYED', variable_playback_ms: '300', variable_playback_terminator_used: '2' });
      assert.deepEqual(await playing, { playedMs: 1200, interrupted: true });
      assert.deepEqual(e.lines(from), [
        'execute set playback_terminators=0123456789*#ABCD', 'execute playback /sounds/you-have.wav', 'execute playback /sounds/3.wav',
      ]);
      assert.equal(await e.ep.collectDigits({ maxDigits: 1, timeoutMs: 50 }), '2', 'the barge-in digit is the menu choice');
    });

    it('stopPlay() sends uuid_break and resolves interrupted without playing the next file', async () => {
      const playing = e.ep.play(['/sounds/a.wav', '/sounds/b.wav']);
      const pb = await e.ch.waitForExecute('playback');
      e.ep.stopPlay();
      await e.received(`api uuid_break ${e.ch.uuid}`);
      e.ch.complete(pb, { 'Application-Response': 'FILE PLAYED', variable_playback_ms: '640' });
      assert.deepEqual(await playing, { playedMs: 640, interrupted: true });
      assert.deepEqual(e.lines(from), [
        'execute set playback_terminators=none', 'execute playback /sounds/a.wav', `api uuid_break ${e.ch.uuid}`,
      ]);
    });

    it('FILE NOT FOUND rejects with MEDIA_FILE_NOT_FOUND, PLAYBACK ERROR with MEDIA_BAD_FILE', async () => {
      const missing = e.ep.play('/sounds/missing.wav');
      e.ch.complete(await e.ch.waitForExecute('playback'), { 'Application-Response': 'FILE NOT FOUND' });
      await assert.rejects(missing, code('MEDIA_FILE_NOT_FOUND'));
      const broken = e.ep.play('/sounds/broken.wav');
      e.ch.complete(await e.ch.waitForExecute('playback'), { 'Application-Response': 'PLAYBACK ERROR' });
      await assert.rejects(broken, code('MEDIA_BAD_FILE'));
    });

    it('refuses a file name with a line break (it would end the ESL message) without sending anything', async () => {
      await assert.rejects(e.ep.play('/sounds/a.wav\n\napi hupall'), code('MEDIA_BAD_FILE'));
      assert.deepEqual(e.lines(from), []);
    });
  });

  describe('record', () => {
    it('defaults: terminator #, `record <path> 120 200 5`; a # ends it with reason terminator', async () => {
      const recording = e.ep.record('/var/vm/msg-1.wav');
      const rec = await e.ch.waitForExecute('record');
      e.ch.complete(rec, { variable_record_ms: '4200', variable_playback_terminator_used: '#', variable_silence_hits_exhausted: 'false' });
      assert.deepEqual(await recording, { path: '/var/vm/msg-1.wav', durationMs: 4200, reason: 'terminator', digit: '#' });
      assert.deepEqual(e.lines(from), ['execute set playback_terminators=#', 'execute record /var/vm/msg-1.wav 120 200 5']);
    });

    it('silence: silence_hits in whole seconds, trailing silence left out of the duration', async () => {
      const recording = e.ep.record('/var/vm/msg-2.wav', { maxDurationMs: 30_000, silenceTimeoutMs: 2_500, terminators: '' });
      e.ch.complete(await e.ch.waitForExecute('record'), { variable_record_ms: '9000', variable_silence_hits_exhausted: 'true' });
      assert.deepEqual(await recording, { path: '/var/vm/msg-2.wav', durationMs: 6000, reason: 'silence' });
      assert.deepEqual(e.lines(from), ['execute set playback_terminators=none', 'execute record /var/vm/msg-2.wav 30 200 3']);
    });

    it('no silence detection when silenceTimeoutMs is 0; the time limit ends it with reason max-duration', async () => {
      const recording = e.ep.record('/var/vm/msg-3.wav', { maxDurationMs: 10_000, silenceTimeoutMs: 0 });
      e.ch.complete(await e.ch.waitForExecute('record'), { variable_record_ms: '10000', variable_silence_hits_exhausted: 'false' });
      assert.deepEqual(await recording, { path: '/var/vm/msg-3.wav', durationMs: 10000, reason: 'max-duration' });
      assert.equal(e.lines(from)[1], 'execute record /var/vm/msg-3.wav 10');
    });

    it('stopRecord() sends uuid_break; the result says stopped', async () => {
      const recording = e.ep.record('/var/vm/msg-4.wav');
      const rec = await e.ch.waitForExecute('record');
      e.ep.stopRecord();
      await e.received(`api uuid_break ${e.ch.uuid}`);
      e.ch.complete(rec, { variable_record_ms: '1500' });
      assert.deepEqual(await recording, { path: '/var/vm/msg-4.wav', durationMs: 1500, reason: 'stopped' });
    });

    it('the caller hanging up ends it with reason hangup', async () => {
      const recording = e.ep.record('/var/vm/msg-5.wav');
      await e.ch.waitForExecute('record');
      e.ch.hangup();
      const result = await recording;
      assert.equal(result.reason, 'hangup');
      assert.equal(result.path, '/var/vm/msg-5.wav');
    });

    it('a second record() while one runs is MEDIA_BUSY', async () => {
      const recording = e.ep.record('/var/vm/msg-6.wav');
      const rec = await e.ch.waitForExecute('record');
      await assert.rejects(e.ep.record('/var/vm/msg-7.wav'), code('MEDIA_BUSY'));
      e.ch.complete(rec, { variable_record_ms: '100', variable_playback_terminator_used: '#' });
      assert.equal((await recording).reason, 'terminator');
    });

    it('refuses a path with a space (FreeSWITCH splits record arguments on spaces)', async () => {
      await assert.rejects(e.ep.record('/var/vm/my msg.wav'), code('MEDIA_BAD_FILE'));
      assert.deepEqual(e.lines(from), []);
    });
  });

  describe('DTMF', () => {
    it('onDtmf gets FreeSWITCH\'s DTMF events, duration turned from 8 kHz samples into ms; unsubscribing works', async () => {
      const seen: { digit: string; durationMs: number }[] = [];
      const off = e.ep.onDtmf((d) => seen.push(d));
      assert.ok(e.ch.dtmf('7', 1600));
      assert.ok(e.ch.dtmf('#', 800));
      await until(() => seen.length === 2);
      off();
      e.ch.dtmf('1');
      await new Promise((resolve) => setTimeout(resolve, 50));
      assert.deepEqual(seen, [{ digit: '7', durationMs: 200 }, { digit: '#', durationMs: 100 }]);
    });

    it('collectDigits ends on the terminator (not included), on maxDigits, or on a timeout', async () => {
      const pin = e.ep.collectDigits({ maxDigits: 8, timeoutMs: 2_000 });
      for (const d of ['1', '2', '3', '4', '#']) e.ch.dtmf(d);
      assert.equal(await pin, '1234');
      const two = e.ep.collectDigits({ maxDigits: 2 });
      for (const d of ['9', '8', '7']) e.ch.dtmf(d);
      assert.equal(await two, '98');
      assert.equal(await e.ep.collectDigits({ maxDigits: 1, timeoutMs: 100 }), '7', 'the extra digit was kept as type-ahead');
      assert.equal(await e.ep.collectDigits({ maxDigits: 1, timeoutMs: 100 }), '', 'no digit: the first-digit timeout');
      const partial = e.ep.collectDigits({ maxDigits: 4, interDigitTimeoutMs: 150 });
      e.ch.dtmf('5');
      assert.equal(await partial, '5', 'the inter-digit timeout keeps what came');
      assert.deepEqual(e.lines(from), [], 'digits are collected from events: nothing is executed');
    });

    it('digits typed before collectDigits count, unless a play() started since; a second collect is MEDIA_BUSY', async () => {
      e.ch.dtmf('4');
      e.ch.dtmf('2');
      await new Promise((resolve) => setTimeout(resolve, 50));
      assert.equal(await e.ep.collectDigits({ maxDigits: 2 }), '42');
      e.ch.dtmf('9');
      await new Promise((resolve) => setTimeout(resolve, 50));
      const playing = e.ep.play('/sounds/menu.wav');
      e.ch.complete(await e.ch.waitForExecute('playback'), { 'Application-Response': 'FILE PLAYED', variable_playback_ms: '10' });
      await playing;
      const choice = e.ep.collectDigits({ maxDigits: 1, timeoutMs: 2_000 });
      await assert.rejects(e.ep.collectDigits({ maxDigits: 1 }), code('MEDIA_BUSY'));
      e.ch.dtmf('3');
      assert.equal(await choice, '3', 'the 9 typed before the menu was forgotten');
    });

    it('sendDtmf sends uuid_send_dtmf with the tone duration; an -ERR reply is MEDIA_COMMAND_FAILED', async () => {
      await e.ep.sendDtmf('12#', { durationMs: 120 });
      await e.ep.sendDtmf('5');
      assert.deepEqual(e.lines(from), [`api uuid_send_dtmf ${e.ch.uuid} 12#@120`, `api uuid_send_dtmf ${e.ch.uuid} 5`]);
      e.fs.esl.onApi(/^uuid_send_dtmf /, '-ERR No such channel!\n');
      await assert.rejects(e.ep.sendDtmf('1'), code('MEDIA_COMMAND_FAILED'));
      await assert.rejects(e.ep.sendDtmf('1w2'), code('MEDIA_BAD_DIGITS'));
    });

    it('sendDtmf without telephone-event negotiated rejects with MEDIA_NO_TELEPHONE_EVENT and sends nothing', async () => {
      assert.ok(bed);
      const plain = await endpointOnChannel(bed, { remoteSdp: phoneOffer('0 8') });
      const mark = plain.mark();
      await assert.rejects(plain.ep.sendDtmf('1'), code('MEDIA_NO_TELEPHONE_EVENT'));
      assert.deepEqual(plain.lines(mark), []);
    });
  });
});

async function until(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !cond(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
  assert.ok(cond(), 'condition not met within 1 s');
}
