/**
 * BridgeRelay with fake dialogs and a FakeClock: re-INVITE glare (RFC 3261 §14.1/§14.2) in
 * the orderings an engine that passes a crossing re-INVITE up to the app produces (the
 * embedded engine answers it 491 itself, so the integration test cannot reach this path),
 * provisional responses never taken for answers, UPDATE/INFO relayed with their bodies, and
 * 408/481 ending the call.
 *
 * Run:  npx mocha --no-config --node-option import=tsx --extension ts test/unit/b2bua/call/bridge-relay.test.ts
 */
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { BridgeRelay, glareDelayMs } from '../../../../src/b2bua/call/index.js';
import type { InDialogRequest, ShellDialog, ShellRequest, ShellResponse, Side, SrfResponseLike } from '../../../../src/b2bua/call/index.js';
import { FakeClock } from '../../../helpers/fake-clock.js';
import { settle, silentLog } from './shell-fakes.js';

interface Sent {
  opts: InDialogRequest;
  respond(status: number, body?: string, contentType?: string): void;
}

/** A dialog whose in-dialog requests the test answers by hand, provisional responses included. */
class ScriptedDialog extends EventEmitter implements ShellDialog {
  readonly sip = { callId: 'c' };
  readonly remote = { sdp: '' };
  readonly local = { sdp: '', contact: '<sip:b2bua@127.0.0.1>' };
  readonly sent: Sent[] = [];
  destroy(): Promise<unknown> {
    return Promise.resolve();
  }
  modify(): Promise<string> {
    return Promise.reject(new Error('the relay must not use modify()'));
  }
  request(opts: InDialogRequest, callback?: (err: unknown, res?: SrfResponseLike) => void): Promise<SrfResponseLike> {
    this.sent.push({
      opts,
      respond: (status, body, contentType) => callback?.(null, {
        status, ...(body ? { body } : {}), get: (n: string) => (n.toLowerCase() === 'content-type' ? contentType : undefined),
      }),
    });
    return new Promise(() => undefined);
  }
}

/** An incoming in-dialog request and what the relay answered it. */
class Incoming extends EventEmitter {
  answer: { status: number; reason?: string; body?: string; headers?: Record<string, string> } | undefined;
  readonly req: ShellRequest;
  readonly res: ShellResponse;
  constructor(method: string, body: string, contentType = 'application/sdp') {
    super();
    this.req = Object.assign(new EventEmitter(), {
      method, uri: 'sip:x', body, source_address: '127.0.0.1', source_port: 5060, protocol: 'udp',
      get: (n: string) => (n.toLowerCase() === 'content-type' ? contentType : undefined),
      has: () => false, cancel: () => undefined,
    });
    this.res = {
      status: 0, reason: '', get: () => undefined,
      send: (status, reason, opts) => {
        const o = typeof reason === 'object' ? reason : opts;
        this.answer = { status, ...(typeof reason === 'string' ? { reason } : {}), ...(o?.body ? { body: o.body } : {}), ...(o?.headers ? { headers: o.headers } : {}) };
      },
    };
  }
}

/** Read through a function so that an earlier assert does not narrow the field for TypeScript. */
function answerOf(inc: Incoming): Incoming['answer'] {
  return inc.answer;
}

function setup(random = 0): { a: ScriptedDialog; b: ScriptedDialog; clock: FakeClock; lost: Side[]; relay: BridgeRelay } {
  const a = new ScriptedDialog();
  const b = new ScriptedDialog();
  const clock = new FakeClock();
  const lost: Side[] = [];
  const relay = new BridgeRelay(a, b, 'L1', { clock, random: () => random, log: silentLog, onDialogLost: (s) => lost.push(s) });
  return { a, b, clock, lost, relay };
}

function reinvite(from: ScriptedDialog, sdp: string): Incoming {
  const inc = new Incoming('INVITE', sdp);
  from.emit('modify', inc.req, inc.res);
  return inc;
}

describe('b2bua/call: BridgeRelay', () => {
  it('glareDelayMs: 2.1-4 s for the Call-ID owner, 0-2 s otherwise (RFC 3261 §14.1)', () => {
    assert.equal(glareDelayMs(true, () => 0), 2100);
    assert.equal(glareDelayMs(true, () => 0.999999), 3999);
    assert.equal(glareDelayMs(false, () => 0), 0);
    assert.equal(glareDelayMs(false, () => 0.999999), 1999);
  });

  it('relays a re-INVITE as a re-INVITE with a Contact, waits past 100 Trying, and answers with the final SDP', async () => {
    const { a, b } = setup();
    const inc = reinvite(a, 'v=0 hold');
    assert.equal(b.sent.length, 1);
    assert.equal(b.sent[0]!.opts.method, 'INVITE');
    assert.equal(b.sent[0]!.opts.body, 'v=0 hold');
    assert.equal(b.sent[0]!.opts.headers?.Contact, '<sip:b2bua@127.0.0.1>');
    b.sent[0]!.respond(100);
    await settle();
    assert.equal(answerOf(inc), undefined, 'a 100 Trying is not the answer');
    b.sent[0]!.respond(200, 'v=0 held');
    await settle();
    assert.deepEqual(inc.answer, { status: 200, body: 'v=0 held', headers: { 'Content-Type': 'application/sdp' } });
  });

  it('glare, ordering 1: B\'s re-INVITE arrives while ours to B is pending → 491 to B; B\'s 491 to ours → retry after 2.1 s → 200', async () => {
    const { a, b, clock } = setup(0);
    const fromA = reinvite(a, 'sdp-a');
    const fromB = reinvite(b, 'sdp-b');
    assert.equal(fromB.answer?.status, 491, 'the crossing re-INVITE gets 491 (§14.2)');
    assert.equal(a.sent.length, 0, 'nothing relayed towards A');
    b.sent[0]!.respond(491);
    await settle();
    assert.equal(answerOf(fromA), undefined, 'no answer to A while waiting');
    clock.advance(2099);
    await settle();
    assert.equal(b.sent.length, 1, 'not retried before 2.1 s');
    clock.advance(1);
    await settle();
    assert.equal(b.sent.length, 2, 'retried at 2.1 s (we own leg B\'s Call-ID)');
    b.sent[1]!.respond(200, 'sdp-b-answer');
    await settle();
    assert.equal(fromA.answer?.status, 200);
    assert.equal(fromA.answer?.body, 'sdp-b-answer');
    // Now B's own retry goes through towards A.
    const retryB = reinvite(b, 'sdp-b2');
    assert.equal(a.sent.length, 1);
    a.sent[0]!.respond(200, 'sdp-a-answer');
    await settle();
    assert.equal(retryB.answer?.status, 200);
    assert.equal(clock.pending(), 0);
  });

  it('glare, ordering 2: towards A (not the Call-ID owner) the retry waits 0-2 s', async () => {
    const { a, b, clock } = setup(0.5);
    const fromB = reinvite(b, 'sdp-b');
    a.sent[0]!.respond(491);
    await settle();
    clock.advance(999);
    await settle();
    assert.equal(a.sent.length, 1);
    clock.advance(1);
    await settle();
    assert.equal(a.sent.length, 2, 'retried at 1 s = 0.5 × 2 s');
    a.sent[1]!.respond(200, 'ok');
    await settle();
    assert.equal(fromB.answer?.status, 200);
  });

  it('after two 491s in a row the 491 is passed back to the side that asked', async () => {
    const { a, b, clock } = setup(0);
    const fromA = reinvite(a, 'sdp-a');
    for (let i = 0; i < 3; i++) {
      b.sent[i]!.respond(491);
      await settle();
      clock.advance(4000);
      await settle();
    }
    assert.equal(b.sent.length, 3);
    assert.equal(fromA.answer?.status, 491);
  });

  it('stop() while waiting for a glare retry sends nothing more and leaves no timer', async () => {
    const { a, b, clock, relay } = setup(0);
    reinvite(a, 'sdp-a');
    b.sent[0]!.respond(491);
    await settle();
    relay.stop();
    clock.advance(5000);
    await settle();
    assert.equal(b.sent.length, 1);
    assert.equal(clock.pending(), 0);
  });

  it('UPDATE is relayed with its SDP and the answer comes back with its Content-Type', async () => {
    const { a, b } = setup();
    const inc = new Incoming('UPDATE', 'v=0 offer');
    b.emit('update', inc.req, inc.res);
    await settle();
    assert.equal(a.sent[0]!.opts.method, 'UPDATE');
    assert.deepEqual(a.sent[0]!.opts.headers, { 'Content-Type': 'application/sdp' });
    a.sent[0]!.respond(200, 'v=0 answer', 'application/sdp');
    await settle();
    assert.deepEqual(inc.answer, { status: 200, reason: '', body: 'v=0 answer', headers: { 'Content-Type': 'application/sdp' } });
  });

  it('INFO from A is relayed to B; a 481 from B ends the call as B lost (RFC 3261 §12.2.1.2)', async () => {
    const { a, b, lost } = setup();
    const inc = new Incoming('INFO', 'Signal=5\r\nDuration=160\r\n', 'application/dtmf-relay');
    a.emit('info', inc.req, inc.res);
    await settle();
    assert.equal(b.sent[0]!.opts.method, 'INFO');
    assert.equal(b.sent[0]!.opts.body, 'Signal=5\r\nDuration=160\r\n');
    b.sent[0]!.respond(481);
    await settle();
    assert.equal(inc.answer?.status, 481);
    assert.deepEqual(lost, ['B']);
  });
});
