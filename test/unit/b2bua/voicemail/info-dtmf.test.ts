/**
 * SIP INFO on voicemail calls: the deposit leg (the caller's INFO relayed to the leg through
 * its request()) and a retrieval answered by answerWithLeg (the caller's dialog 'info'
 * event). Each INFO is answered 200 (481 once the leg has ended) and a key it carries
 * reaches the endpoint's receiveDtmf() (logged `dtmf:<digit>` by the fake endpoint).
 */
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { answerInfo, answerWithLeg } from '../../../../src/b2bua/voicemail/index.js';
import type { InfoRequest, InfoResponse, VoicemailLeg } from '../../../../src/b2bua/voicemail/index.js';
import { settle, startFixture, type Fixture } from './voicemail-fixture.js';

const RELAY = { 'application/dtmf-relay': 'Signal=5\r\nDuration=160\r\n', 'application/dtmf': '#' } as const;

function headerGetter(headers: Record<string, string>): (name: string) => string | undefined {
  return (name) => Object.entries(headers).find(([n]) => n.toLowerCase() === name.toLowerCase())?.[1];
}

const OK = { status: 200, reason: 'OK' } as const;

class FakeUas extends EventEmitter {
  destroy(): Promise<void> {
    return Promise.resolve();
  }
}

interface Sent {
  status: number;
  reason: string | undefined;
}

/** An INFO on the caller's dialog as srf emits it; resolves with what was sent back. */
function infoOn(uas: FakeUas, headers: Record<string, string>, body?: string): Sent[] {
  const sent: Sent[] = [];
  const req: InfoRequest = { body, get: headerGetter(headers) };
  const res: InfoResponse = { send: (status, reason) => void sent.push({ status, reason }) };
  uas.emit('info', req, res);
  return sent;
}

describe('voicemail: keys sent as SIP INFO (RFC 6086 legacy usage)', () => {
  let f: Fixture;
  beforeEach(async () => {
    f = await startFixture();
  });
  afterEach(async () => {
    await f.close();
  });

  it('answerInfo: 200 with the digit for both DTMF bodies, 200 without one for anything else', () => {
    assert.deepEqual(answerInfo('application/dtmf-relay', RELAY['application/dtmf-relay']), { ...OK, digit: '5' });
    assert.deepEqual(answerInfo('Application/DTMF', '#'), { ...OK, digit: '#' });
    assert.deepEqual(answerInfo('application/media_control+xml', '<media_control/>'), OK, 'a video fast-update request');
    assert.deepEqual(answerInfo(undefined, undefined), OK, 'an empty INFO (a keep-alive)');
    assert.deepEqual(answerInfo('application/dtmf-relay', 'Signal=x'), OK, 'not a key');
  });

  it('deposit leg: the relayed INFO is answered and its key reaches the endpoint; an ended leg answers 481', async () => {
    const leg = await f.service.createLeg('alice', { remoteSdp: 'o', reason: 'dnd', callerNumber: '+1', callId: 'c1' });
    const ep = f.media.endpoints[0]!;
    for (const [type, body] of Object.entries(RELAY)) {
      const r = await leg.request({ method: 'INFO', headers: { 'Content-Type': type }, body });
      assert.equal(r.status, 200, type);
    }
    assert.equal((await leg.request({ method: 'INFO', headers: { 'Content-Type': 'text/plain' }, body: 'hello' })).status, 200);
    assert.equal((await leg.request({ method: 'INFO', headers: { 'content-type': 'application/dtmf' }, body: '7' })).status, 200);
    await settle();
    assert.deepEqual(ep.log.filter((l) => l.startsWith('dtmf:')), ['dtmf:5', 'dtmf:#', 'dtmf:7']);
    await leg.destroy();
    assert.equal((await leg.request({ method: 'INFO', headers: { 'Content-Type': 'application/dtmf' }, body: '1' })).status, 481);
  });

  it('retrieval answered by answerWithLeg: the caller\'s INFO is answered on its dialog and its key reaches the endpoint', async () => {
    const leg: VoicemailLeg = await f.service.createRetrievalLeg('alice', { remoteSdp: 'o', callId: 'r1', authenticated: true });
    const uas = new FakeUas();
    await answerWithLeg({ createUAS: async () => uas }, 'req', 'res', leg);
    const ep = f.media.endpoints[0]!;
    assert.deepEqual(infoOn(uas, { 'Content-Type': 'application/dtmf-relay' }, 'Signal= 1\r\nDuration= 250\r\n'), [OK]);
    assert.deepEqual(infoOn(uas, { 'Content-Type': 'application/media_control+xml' }, '<media_control/>'), [OK]);
    // drachtio-srf cannot send RFC 6086's 469 for a package never offered: read like legacy INFO.
    assert.deepEqual(infoOn(uas, { 'Info-Package': 'dtmf', 'Content-Type': 'application/dtmf' }, '3'), [OK]);
    await settle();
    assert.deepEqual(ep.log.filter((l) => l.startsWith('dtmf:')), ['dtmf:1', 'dtmf:3']);
    await leg.destroy();
  });
});
