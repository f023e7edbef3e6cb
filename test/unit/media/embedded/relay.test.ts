import assert from 'node:assert/strict';
import { g711Codec } from '../../../../src/media/codec/index.js';
import { crossCorrelate, generateTone } from '../../../../src/media/dsp/index.js';
import type { EndpointCore } from '../../../../src/media/embedded/endpoint-core.js';
import { Relay } from '../../../../src/media/embedded/relay.js';
import { RtpSender } from '../../../../src/media/embedded/rtp-sender.js';
import type { RtpSession } from '../../../../src/media/embedded/rtp-session.js';
import type { NegotiatedAudio } from '../../../../src/media/embedded/sdp-types.js';
import { buildTelephoneEvent, parseRtp, type RtpPacket } from '../../../../src/media/rtp/index.js';
import { FakeClock } from '../../../helpers/fake-clock.js';

const OUT: NegotiatedAudio = {
  codec: 'PCMA',
  payloadType: 8,
  telephoneEventPt: 96,
  localTelephoneEventPt: 96,
  remoteAddress: '127.0.0.1',
  remoteRtpPort: 4000,
  remoteRtcpPort: 4001,
  sendPtimeMs: 20,
  direction: 'sendrecv',
  remoteHold: false,
};

function rig(out: NegotiatedAudio = OUT) {
  const clock = new FakeClock(0);
  const sent: RtpPacket[] = [];
  const sender = new RtpSender(clock, (d) => {
    const r = parseRtp(d);
    assert.ok(r.ok);
    sent.push(r.packet);
  }, 8000, { ssrc: 77, sequence: 100, timestamp: 5000 });
  const state = { canSend: true, busySending: false };
  const session = { sender, negotiated: out, get canSend() { return state.canSend; } } as unknown as RtpSession;
  const to: EndpointCore = { id: 'to', session, get busySending() { return state.busySending; }, addTap: () => () => {} };
  return { clock, sent, sender, relay: new Relay(to), state };
}

function inbound(pcm: Int16Array, seq: number, ts: number, o: { ssrc?: number; marker?: boolean; pt?: number } = {}): RtpPacket {
  const codec = g711Codec(o.pt === 8 ? 'PCMA' : 'PCMU');
  return {
    version: 2, padding: false, marker: o.marker ?? false, payloadType: o.pt ?? codec.payloadType,
    sequence: seq, timestamp: ts, ssrc: o.ssrc ?? 1234, csrcs: [], payload: Buffer.from(codec.encode(pcm)),
  };
}

describe('embedded Relay (one direction of a bridge)', () => {
  it('transcodes PCMU to PCMA and keeps the source timing under its own SSRC and sequence', () => {
    const { clock, sent, relay, sender } = rig();
    const tone = generateTone(440, 200);
    clock.advance(1000);
    const anchor = sender.timestampNow();
    for (let i = 0; i < 10; i++) {
      const frame = tone.subarray(i * 160, (i + 1) * 160);
      const p = inbound(frame, 9000 + i, 70_000 + i * 160, { marker: i === 0 });
      relay.onAudio(p, 'PCMU', () => g711Codec('PCMU').decode(p.payload));
      clock.advance(20);
    }
    assert.equal(sent.length, 10);
    sent.forEach((p, i) => {
      assert.equal(p.ssrc, 77);
      assert.equal(p.payloadType, 8);
      assert.equal(p.sequence, 100 + i);
      assert.equal(p.timestamp, anchor + 160 * i);
      assert.equal(p.marker, i === 0);
    });
    const decoded = new Int16Array(1600);
    sent.forEach((p, i) => decoded.set(g711Codec('PCMA').decode(p.payload), i * 160));
    assert.ok(crossCorrelate(decoded, tone, 0).coefficient > 0.99);
  });

  it('forwards the payload untouched when both legs use the same codec', () => {
    const { sent, relay } = rig({ ...OUT, codec: 'PCMU', payloadType: 0 });
    const p = inbound(generateTone(1000, 20), 1, 0);
    let decoded = false;
    relay.onAudio(p, 'PCMU', () => ((decoded = true), new Int16Array(160)));
    assert.equal(decoded, false, 'no transcoding work');
    assert.deepEqual(sent[0]!.payload, p.payload);
  });

  it('re-anchors (with a marker) on a new source SSRC and after another source used the stream', () => {
    const { clock, sent, relay, sender } = rig();
    const send = (seq: number, ts: number, ssrc = 1234) => {
      const p = inbound(new Int16Array(160), seq, ts, { ssrc });
      relay.onAudio(p, 'PCMU', () => new Int16Array(160));
    };
    send(1, 1000);
    clock.advance(20);
    send(2, 1160);
    clock.advance(20);
    send(1, 999_999, 5678); // the far end restarted its stream
    assert.deepEqual(sent.map((p) => p.marker), [true, false, true]);
    assert.ok(((sent[2]!.timestamp - sent[1]!.timestamp) | 0) >= 160, 'timestamps never go back');
    clock.advance(20);
    sender.beginTalkspurt(); // a prompt took the stream meanwhile
    clock.advance(20);
    send(2, 999_999 + 160, 5678);
    assert.equal(sent[3]!.marker, true);
  });

  it("relays telephone-events with the other leg's payload type, or drops them without one", () => {
    const { sent, relay } = rig();
    const ev: RtpPacket = { ...inbound(new Int16Array(0), 1, 4000), payloadType: 101, marker: true, payload: buildTelephoneEvent({ event: 5, end: false, volume: 10, duration: 160 }) };
    relay.onEvent(ev);
    assert.equal(sent[0]!.payloadType, 96);
    assert.deepEqual(sent[0]!.payload, ev.payload);
    const bare = rig({ ...OUT, telephoneEventPt: undefined, localTelephoneEventPt: undefined });
    bare.relay.onEvent(ev);
    assert.equal(bare.sent.length, 0);
  });

  it('sends nothing while the other leg plays its own media or may not send', () => {
    const { sent, relay, state } = rig();
    const p = inbound(new Int16Array(160), 1, 0);
    state.busySending = true;
    relay.onAudio(p, 'PCMU', () => new Int16Array(160));
    state.busySending = false;
    state.canSend = false;
    relay.onAudio(p, 'PCMU', () => new Int16Array(160));
    assert.equal(sent.length, 0);
    assert.equal(relay.packets, 0);
  });
});
