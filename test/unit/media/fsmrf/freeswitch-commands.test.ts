import assert from 'node:assert/strict';
import {
  checkArgument, dtmfDurationMs, hasTelephoneEvent, isOkReply, planRecord, playbackOutcome, recordResult, recvDtmfArgs, sendDtmfArgs,
  terminatorsValue,
} from '../../../../src/media/fsmrf/freeswitch-commands.js';
import { LinegateError } from '../../../../src/shared/index.js';

const headers = (h: Record<string, string>) => (name: string): string | undefined => h[name];
const isCode = (code: string) => (err: unknown): boolean => err instanceof LinegateError && err.code === code;

describe('fsmrf: FreeSWITCH command arguments and results', () => {
  describe('planRecord (mod_dptools record <path> <limit> [<thresh> <hits>])', () => {
    it('rounds the limit and the silence up to whole seconds (FreeSWITCH counts seconds)', () => {
      assert.deepEqual(planRecord('/m.wav', { maxDurationMs: 1_500, silenceTimeoutMs: 2_100, terminators: '#*' }, 300),
        { arg: '/m.wav 2 300 3', terminators: '#*', silenceSecs: 3 });
    });

    it('defaults: 120 s, 5 s of silence at threshold 200, terminator #', () => {
      assert.deepEqual(planRecord('/m.wav'), { arg: '/m.wav 120 200 5', terminators: '#', silenceSecs: 5 });
    });

    it('silenceTimeoutMs 0 leaves out both silence arguments; the limit is at least 1 s', () => {
      assert.deepEqual(planRecord('/m.wav', { maxDurationMs: 10, silenceTimeoutMs: 0 }), { arg: '/m.wav 1', terminators: '#', silenceSecs: 0 });
    });

    it('refuses paths with spaces or line breaks, and terminators that are not DTMF keys', () => {
      assert.throws(() => planRecord('/my msg.wav'), isCode('MEDIA_BAD_FILE'));
      assert.throws(() => planRecord('/m.wav\n'), isCode('MEDIA_BAD_FILE'));
      assert.throws(() => planRecord('/m.wav', { terminators: '# ' }), isCode('MEDIA_BAD_DIGITS'));
    });
  });

  describe('recordResult', () => {
    const ctx = { stopped: false, hungUp: false, silenceSecs: 3 };
    it('reads the terminator, silence and time limit, in that order of precedence', () => {
      assert.deepEqual(recordResult('/m', headers({ variable_record_ms: '2000', variable_playback_terminator_used: '#' }), ctx),
        { path: '/m', durationMs: 2000, reason: 'terminator', digit: '#' });
      assert.deepEqual(recordResult('/m', headers({ variable_record_ms: '5000', variable_silence_hits_exhausted: 'true' }), ctx),
        { path: '/m', durationMs: 2000, reason: 'silence' });
      assert.deepEqual(recordResult('/m', headers({ variable_record_ms: '8000', variable_silence_hits_exhausted: 'false' }), ctx),
        { path: '/m', durationMs: 8000, reason: 'max-duration' });
    });

    it('our stop wins over everything; a hang-up wins over the time limit; durations never go negative', () => {
      assert.equal(recordResult('/m', headers({ variable_playback_terminator_used: '#' }), { ...ctx, stopped: true }).reason, 'stopped');
      assert.equal(recordResult('/m', headers({ variable_record_ms: '100' }), { ...ctx, hungUp: true }).reason, 'hangup');
      assert.equal(recordResult('/m', headers({ variable_record_ms: '1000', variable_silence_hits_exhausted: 'true' }), ctx).durationMs, 0);
      assert.equal(recordResult('/m', headers({ variable_record_ms: 'garbage' }), ctx).durationMs, 0);
    });
  });

  describe('playbackOutcome', () => {
    it('FILE PLAYED gives playback_ms and the terminator if one cut it short', () => {
      assert.deepEqual(playbackOutcome('/a', headers({ 'Application-Response': 'FILE PLAYED', variable_playback_ms: '1234' })),
        { playedMs: 1234, terminator: undefined });
      assert.deepEqual(playbackOutcome('/a', headers({ variable_playback_ms: '10', variable_playback_terminator_used: '5' })),
        { playedMs: 10, terminator: '5' });
    });

    it('FILE NOT FOUND is MEDIA_FILE_NOT_FOUND, PLAYBACK ERROR (unreadable file) MEDIA_BAD_FILE', () => {
      assert.throws(() => playbackOutcome('/a', headers({ 'Application-Response': 'FILE NOT FOUND' })), isCode('MEDIA_FILE_NOT_FOUND'));
      assert.throws(() => playbackOutcome('/a', headers({ 'Application-Response': 'PLAYBACK ERROR' })), isCode('MEDIA_BAD_FILE'));
    });
  });

  it('uuid_send_dtmf arguments take RFC 4733 keys only, with an optional @duration', () => {
    assert.equal(sendDtmfArgs('u', '0123456789*#ABCD'), 'u 0123456789*#ABCD');
    assert.equal(sendDtmfArgs('u', '5', 99.6), 'u 5@100');
    for (const bad of ['', '1w2', '12 3', 'a']) assert.throws(() => sendDtmfArgs('u', bad), isCode('MEDIA_BAD_DIGITS'));
  });

  it('uuid_recv_dtmf arguments: exactly one RFC 4733 key, always with its @duration in ms', () => {
    assert.equal(recvDtmfArgs('u', '#', 100), 'u #@100');
    assert.equal(recvDtmfArgs('u', 'D', 159.6), 'u D@160');
    for (const bad of ['', '12', '1@2', 'a', 'w', ' 1']) assert.throws(() => recvDtmfArgs('u', bad, 100), isCode('MEDIA_BAD_DIGITS'));
  });

  it('DTMF-Duration samples at 8 kHz become ms', () => {
    assert.equal(dtmfDurationMs('2000'), 250);
    assert.equal(dtmfDurationMs(undefined), 0);
  });

  it('telephone-event is found in the SDP rtpmap, case-insensitively', () => {
    assert.equal(hasTelephoneEvent('m=audio 1 RTP/AVP 0 101\r\na=rtpmap:101 telephone-event/8000\r\n'), true);
    assert.equal(hasTelephoneEvent('m=audio 1 RTP/AVP 0 101\r\na=rtpmap:101 Telephone-Event/8000\r\n'), true);
    assert.equal(hasTelephoneEvent('m=audio 1 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n'), false);
  });

  it('API replies are +OK or failures; empty terminators are said `none`', () => {
    assert.equal(isOkReply('+OK Success\n'), true);
    assert.equal(isOkReply('-ERR No such channel!\n'), false);
    assert.equal(isOkReply(''), false);
    // mod_event_socket's reply for a command that printed nothing (uuid_send_dtmf, uuid_recv_dtmf, uuid_break succeeded).
    assert.equal(isOkReply('-ERR no reply\n'), true);
    assert.equal(isOkReply('-ERR Cannot locate session!\n'), false);
    assert.equal(terminatorsValue(''), 'none');
    assert.equal(terminatorsValue('#'), '#');
  });

  it('checkArgument allows spaces only where FreeSWITCH takes the whole argument', () => {
    assert.doesNotThrow(() => checkArgument('/sounds/my prompt.wav', 'file', { spaces: true }));
    assert.throws(() => checkArgument('/sounds/a.wav\r\n', 'file', { spaces: true }), isCode('MEDIA_BAD_FILE'));
    assert.throws(() => checkArgument('', 'file', { spaces: true }), isCode('MEDIA_BAD_FILE'));
  });
});
