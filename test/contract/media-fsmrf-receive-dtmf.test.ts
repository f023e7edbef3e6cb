/**
 * receiveDtmf() on FsmrfMediaPort endpoints (a digit from SIP INFO handed to FreeSWITCH),
 * against a scripted event socket that plays FreeSWITCH 1.10: NOT a real FreeSWITCH. The
 * script answers `uuid_recv_dtmf` the way mod_commands + mod_event_socket do (nothing printed
 * on success, so the `api` reply is "-ERR no reply"; "-ERR Cannot locate session!" for an
 * unknown uuid) and, like FreeSWITCH dequeuing the digit, fires the channel's DTMF event.
 * What is checked: the exact command per digit, that the silent success resolves, and that
 * the digit then counts like any DTMF event (collected, listeners).
 *
 * Run:  npx mocha --no-config --node-option import=tsx --extension ts test/contract/media-fsmrf-receive-dtmf.test.ts
 */
import assert from 'node:assert/strict';
import { LinegateError } from '../../src/shared/index.js';
import { endpointOnChannel, startFsmrfBed } from './media-fsmrf-bed.js';
import type { EndpointOnChannel, FsmrfBed } from './media-fsmrf-bed.js';

function code(expected: string): (err: unknown) => boolean {
  return (err) => err instanceof LinegateError && err.code === expected;
}

describe('FsmrfMediaPort receiveDtmf() against a scripted FreeSWITCH event socket (not a real FreeSWITCH)', function () {
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

  it('sends `uuid_recv_dtmf <uuid> <digit>@<ms>` per digit on the channel\'s connection; the silent success resolves', async () => {
    await e.ep.receiveDtmf('5');
    await e.ep.receiveDtmf('#', { durationMs: 160 });
    assert.deepEqual(e.lines(from), [`api uuid_recv_dtmf ${e.ch.uuid} 5@100`, `api uuid_recv_dtmf ${e.ch.uuid} #@160`]);
  });

  it('the DTMF event FreeSWITCH fires for the queued digit is collected and reaches listeners', async () => {
    const heard: Array<{ digit: string; durationMs: number }> = [];
    e.ep.onDtmf((d) => heard.push(d));
    const collected = e.ep.collectDigits({ maxDigits: 4, timeoutMs: 3_000 });
    await e.ep.receiveDtmf('4');
    await e.ep.receiveDtmf('2', { durationMs: 160 });
    await e.ep.receiveDtmf('#');
    assert.equal(await collected, '42');
    assert.deepEqual(heard, [{ digit: '4', durationMs: 100 }, { digit: '2', durationMs: 160 }, { digit: '#', durationMs: 100 }]);
  });

  it('an -ERR reply rejects with MEDIA_COMMAND_FAILED; a bad digit is refused before anything is sent', async () => {
    e.fs.esl.onApi(/^uuid_recv_dtmf /, '-ERR Cannot locate session!\n');
    await assert.rejects(e.ep.receiveDtmf('1'), code('MEDIA_COMMAND_FAILED'));
    const mark = e.mark();
    for (const bad of ['', '12', '1@200', 'x', 'a']) await assert.rejects(e.ep.receiveDtmf(bad), code('MEDIA_BAD_DIGITS'), JSON.stringify(bad));
    assert.deepEqual(e.lines(mark), []);
  });

  it('sends nothing once the channel is gone (a late INFO is no error)', async () => {
    e.ch.hangup();
    await e.ep.closed;
    const mark = e.mark();
    await e.ep.receiveDtmf('1');
    assert.deepEqual(e.lines(mark), []);
  });
});
