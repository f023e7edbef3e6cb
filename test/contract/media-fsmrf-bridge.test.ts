/**
 * bridge / unbridge / recordCall of FsmrfMediaPort endpoints, against a scripted
 * FreeSWITCH: the exact API commands (uuid_bridge, uuid_transfer, uuid_setvar_multi,
 * uuid_record start|mask|unmask|stop) and the replies that make them succeed or fail.
 * The port runs on a FakeClock so that recording durations are exact.
 */
import assert from 'node:assert/strict';
import type { MediaEndpoint } from '../../src/media/index.js';
import { LinegateError } from '../../src/shared/index.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { endpointOnChannel, startFsmrfBed } from './media-fsmrf-bed.js';
import type { EndpointOnChannel, FsmrfBed } from './media-fsmrf-bed.js';

function code(expected: string): (err: unknown) => boolean {
  return (err) => err instanceof LinegateError && err.code === expected;
}

describe('FsmrfMediaPort against a scripted FreeSWITCH event socket (not a real FreeSWITCH): bridge and call recording', function () {
  this.timeout(20_000);
  let bed: FsmrfBed | undefined;
  let clock: FakeClock;
  let caller: EndpointOnChannel;
  let callee: EndpointOnChannel;
  beforeEach(async () => {
    clock = new FakeClock(1_000);
    bed = await startFsmrfBed(1, { clock });
    caller = await endpointOnChannel(bed);
    callee = await endpointOnChannel(bed);
  });
  afterEach(async () => {
    await bed?.teardown();
    bed = undefined;
  });

  it('bridge() is uuid_bridge of the two channels; unbridge() parks both with uuid_transfer', async () => {
    const from = caller.mark();
    await caller.ep.bridge(callee.ep);
    await caller.ep.unbridge();
    assert.deepEqual(caller.lines(from), [
      `api uuid_bridge ${caller.ch.uuid} ${callee.ch.uuid}`,
      `api uuid_transfer ${caller.ch.uuid} -both park inline`,
    ]);
    await caller.ep.unbridge();
    assert.equal(caller.lines(from).length, 2, 'unbridge() of an unbridged endpoint sends nothing');
  });

  it('an -ERR from uuid_bridge rejects with MEDIA_COMMAND_FAILED, and the endpoint is not bridged', async () => {
    caller.fs.esl.onApi(/^uuid_bridge /, '-ERR Invalid uuid\n');
    await assert.rejects(caller.ep.bridge(callee.ep), code('MEDIA_COMMAND_FAILED'));
    await assert.rejects(caller.ep.recordCall('/rec/call.wav'), code('MEDIA_NOT_BRIDGED'));
  });

  it('bridge() refuses an endpoint of another MediaPort', async () => {
    const foreign = { id: 'x' } as unknown as MediaEndpoint;
    await assert.rejects(caller.ep.bridge(foreign), code('MEDIA_BAD_BRIDGE'));
  });

  it('recordCall() sets stereo without swap, then uuid_record start / mask / unmask / stop', async () => {
    const u = caller.ch.uuid;
    await caller.ep.bridge(callee.ep);
    const from = caller.mark();
    const calleeFrom = callee.mark();
    const rec = await caller.ep.recordCall('/rec/call-1.wav');
    assert.equal(rec.path, '/rec/call-1.wav');
    clock.advance(2_000);
    await rec.pause();
    await rec.pause();
    clock.advance(1_000);
    await rec.resume();
    clock.advance(3_000);
    assert.deepEqual(await rec.stop(), { path: '/rec/call-1.wav', durationMs: 6_000 });
    assert.deepEqual(await rec.stop(), { path: '/rec/call-1.wav', durationMs: 6_000 }, 'stop() is idempotent');
    assert.deepEqual(caller.lines(from), [
      `api uuid_setvar_multi ${u} RECORD_STEREO=true;RECORD_STEREO_SWAP=false`,
      `api uuid_record ${u} start /rec/call-1.wav`,
      `api uuid_record ${u} mask /rec/call-1.wav`,
      `api uuid_record ${u} unmask /rec/call-1.wav`,
      `api uuid_record ${u} stop /rec/call-1.wav`,
    ]);
    assert.deepEqual(callee.lines(calleeFrom), [], 'the media bug is on the caller\'s channel only');
  });

  it('a second recordCall() before stop() is MEDIA_BUSY; after stop() a new one may start', async () => {
    await caller.ep.bridge(callee.ep);
    const rec = await caller.ep.recordCall('/rec/a.wav');
    await assert.rejects(caller.ep.recordCall('/rec/b.wav'), code('MEDIA_BUSY'));
    await rec.stop();
    const again = await caller.ep.recordCall('/rec/c.wav');
    assert.equal(again.path, '/rec/c.wav');
  });

  it('recordCall() on a channel that hung up ends at the hang-up, without a stop command', async () => {
    await caller.ep.bridge(callee.ep);
    const rec = await caller.ep.recordCall('/rec/call-2.wav');
    const from = caller.mark();
    clock.advance(4_000);
    caller.ch.hangup();
    await caller.ep.closed;
    clock.advance(10_000);
    assert.deepEqual(await rec.stop(), { path: '/rec/call-2.wav', durationMs: 4_000 });
    assert.deepEqual(caller.lines(from), []);
  });

  it('a uuid_record that FreeSWITCH refuses rejects with MEDIA_COMMAND_FAILED', async () => {
    await caller.ep.bridge(callee.ep);
    caller.fs.esl.onApi(/^uuid_record \S+ start /, '-ERR Cannot record session!\n');
    await assert.rejects(caller.ep.recordCall('/rec/call-3.wav'), code('MEDIA_COMMAND_FAILED'));
  });

  it('the peer hanging up unbridges: recordCall() then needs a new bridge', async () => {
    await caller.ep.bridge(callee.ep);
    callee.ch.hangup();
    await callee.ep.closed;
    await assert.rejects(caller.ep.recordCall('/rec/call-4.wav'), code('MEDIA_NOT_BRIDGED'));
  });
});
