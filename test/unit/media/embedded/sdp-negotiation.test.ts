import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parse } from 'sdp-transform';
import { SdpNegotiation } from '../../../../src/media/embedded/sdp-negotiation.js';
import type { LocalMediaParams } from '../../../../src/media/embedded/sdp-types.js';

const LOCAL: LocalMediaParams = { address: '127.0.0.1', rtpPort: 40000, codecs: ['PCMU', 'PCMA'], ptimeMs: 20, telephoneEventPt: 101 };

function sdp(...lines: string[]): string {
  return [
    'v=0',
    'o=alice 2890844526 2890844526 IN IP4 10.0.0.1',
    's=-',
    't=0 0',
    ...lines,
  ].join('\r\n') + '\r\n';
}

const BASIC = sdp(
  'c=IN IP4 10.0.0.1',
  'm=audio 49170 RTP/AVP 0 8 101',
  'a=rtpmap:0 PCMU/8000',
  'a=rtpmap:8 PCMA/8000',
  'a=rtpmap:101 telephone-event/8000',
  'a=fmtp:101 0-15',
);

function answer(offer: string, local: LocalMediaParams = LOCAL) {
  const n = new SdpNegotiation(local, '4242');
  const step = n.receive(offer);
  assert.ok(step.ok, step.ok ? '' : step.reason);
  return { n, step, parsed: parse(step.localSdp) };
}

describe('embedded SDP offer/answer (RFC 3264)', () => {
  describe('answering', () => {
    it('answers PCMU with the offered telephone-event, our ptime, sendrecv, our address and port', () => {
      const { step, parsed } = answer(BASIC);
      const m = parsed.media[0]!;
      assert.equal(parsed.media.length, 1);
      assert.equal(m.port, 40000);
      assert.equal(m.payloads, '0 101');
      assert.deepEqual(
        m.rtp.map((r) => `${r.payload} ${r.codec}/${r.rate}`),
        ['0 PCMU/8000', '101 telephone-event/8000'],
      );
      assert.equal(m.fmtp[0]?.payload, 101);
      assert.equal(m.ptime, 20);
      assert.equal(m.direction, 'sendrecv');
      assert.equal(parsed.connection?.ip, '127.0.0.1');
      assert.equal(parsed.origin.sessionId, 4242);
      assert.equal(step.audio.codec, 'PCMU');
      assert.equal(step.audio.payloadType, 0);
      assert.equal(step.audio.telephoneEventPt, 101);
      assert.equal(step.audio.remoteAddress, '10.0.0.1');
      assert.equal(step.audio.remoteRtpPort, 49170);
      assert.equal(step.audio.remoteRtcpPort, 49171);
      assert.equal(step.audio.remoteHold, false);
    });

    it("follows the offerer's codec order among the codecs we accept", () => {
      const offer = sdp('c=IN IP4 10.0.0.1', 'm=audio 4000 RTP/AVP 18 8 0', 'a=rtpmap:18 G729/8000');
      assert.equal(answer(offer).step.audio.codec, 'PCMA');
      assert.equal(answer(BASIC, { ...LOCAL, codecs: ['PCMA'] }).step.audio.codec, 'PCMA');
    });

    it("echoes the offerer's dynamic telephone-event payload type, and leaves it out when not offered", () => {
      const offer96 = sdp('c=IN IP4 10.0.0.1', 'm=audio 4000 RTP/AVP 0 96', 'a=rtpmap:96 telephone-event/8000');
      const a = answer(offer96);
      assert.equal(a.parsed.media[0]?.payloads, '0 96');
      assert.equal(a.step.audio.telephoneEventPt, 96);
      assert.equal(a.step.audio.localTelephoneEventPt, 96);
      const plain = answer(sdp('c=IN IP4 10.0.0.1', 'm=audio 4000 RTP/AVP 8'));
      assert.equal(String(plain.parsed.media[0]?.payloads), '8');
      assert.equal(plain.step.audio.telephoneEventPt, undefined);
      // telephone-event at 48 kHz alone is not usable on a G.711 stream.
      const wide = answer(sdp('c=IN IP4 10.0.0.1', 'm=audio 4000 RTP/AVP 0 97', 'a=rtpmap:97 telephone-event/48000'));
      assert.equal(wide.step.audio.telephoneEventPt, undefined);
    });

    for (const [offered, expected, hold] of [
      ['sendrecv', 'sendrecv', false],
      ['sendonly', 'recvonly', true],
      ['recvonly', 'sendonly', false],
      ['inactive', 'inactive', true],
    ] as const) {
      it(`answers a=${offered} with a=${expected}`, () => {
        const { step, parsed } = answer(sdp('c=IN IP4 10.0.0.1', 'm=audio 4000 RTP/AVP 0', `a=${offered}`));
        assert.equal(parsed.media[0]?.direction, expected);
        assert.equal(step.audio.direction, expected);
        assert.equal(step.audio.remoteHold, hold);
      });
    }

    it('applies a session-level direction attribute to the stream', () => {
      const { step } = answer(sdp('c=IN IP4 10.0.0.1', 'a=sendonly', 'm=audio 4000 RTP/AVP 0'));
      assert.equal(step.audio.direction, 'recvonly');
    });

    it('treats c=0.0.0.0 as hold: we send nothing there (RFC 3264 §8.4)', () => {
      const { step, parsed } = answer(sdp('c=IN IP4 0.0.0.0', 'm=audio 4000 RTP/AVP 0'));
      assert.equal(step.audio.remoteHold, true);
      assert.equal(step.audio.direction, 'recvonly');
      assert.equal(parsed.media[0]?.direction, 'recvonly');
      const inactive = answer(sdp('c=IN IP4 0.0.0.0', 'm=audio 4000 RTP/AVP 0', 'a=recvonly'));
      assert.equal(inactive.step.audio.direction, 'inactive');
    });

    it('rejects non-audio m= lines with port 0, in their place', () => {
      const offer = sdp(
        'c=IN IP4 10.0.0.1',
        'm=video 5000 RTP/AVP 31 34',
        'a=rtpmap:31 H261/90000',
        'm=audio 4000 RTP/AVP 0',
        'm=application 6000 UDP/BFCP *',
      );
      const { parsed } = answer(offer);
      assert.deepEqual(
        parsed.media.map((m) => `${m.type} ${m.port} ${m.protocol} ${m.payloads}`),
        ['video 0 RTP/AVP 31 34', 'audio 40000 RTP/AVP 0', 'application 0 UDP/BFCP *'],
      );
      assert.equal(parsed.media[0]?.rtp.length, 0, 'a rejected stream carries no attributes');
    });

    it('answers a stream the offerer rejected with port 0 and accepts one audio stream only', () => {
      const offer = sdp(
        'c=IN IP4 10.0.0.1',
        'm=audio 0 RTP/AVP 0',
        'm=audio 4000 RTP/AVP 8',
        'm=audio 4002 RTP/AVP 0',
      );
      const { parsed, step } = answer(offer);
      assert.deepEqual(parsed.media.map((m) => m.port), [0, 40000, 0]);
      assert.equal(step.audio.remoteRtpPort, 4000);
    });

    it('rejects SRTP and unknown codecs; nothing usable is MEDIA_NO_COMMON_CODEC', () => {
      for (const offer of [
        sdp('c=IN IP4 10.0.0.1', 'm=audio 4000 RTP/SAVP 0', 'a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR'),
        sdp('c=IN IP4 10.0.0.1', 'm=audio 4000 RTP/AVP 18 101', 'a=rtpmap:18 G729/8000', 'a=rtpmap:101 telephone-event/8000'),
        sdp('c=IN IP4 10.0.0.1', 'm=video 4000 RTP/AVP 31'),
        sdp('c=IN IP4 10.0.0.1', 'm=audio 0 RTP/AVP 0'),
      ]) {
        const step = new SdpNegotiation(LOCAL, '1').receive(offer);
        assert.equal(step.ok, false);
        assert.equal(!step.ok && step.code, 'MEDIA_NO_COMMON_CODEC');
      }
      const pcmaOnly = new SdpNegotiation({ ...LOCAL, codecs: ['PCMA'] }, '1').receive(sdp('c=IN IP4 10.0.0.1', 'm=audio 4000 RTP/AVP 0'));
      assert.equal(!pcmaOnly.ok && pcmaOnly.code, 'MEDIA_NO_COMMON_CODEC');
    });

    it('answers a re-offer, moving the o= version only when the answer changes', () => {
      const { n, parsed } = answer(BASIC);
      const v1 = parsed.origin.sessionVersion;
      const same = n.receive(BASIC);
      assert.ok(same.ok);
      assert.equal(parse(same.localSdp).origin.sessionVersion, v1);
      const held = n.receive(BASIC.replace('a=fmtp:101 0-15\r\n', 'a=fmtp:101 0-15\r\na=sendonly\r\n'));
      assert.ok(held.ok);
      assert.equal(held.audio.remoteHold, true);
      const heldSdp = parse(held.localSdp);
      assert.equal(heldSdp.origin.sessionVersion, v1 + 1);
      assert.equal(heldSdp.origin.sessionId, parsed.origin.sessionId);
      assert.equal(heldSdp.media[0]?.direction, 'recvonly');
      const resumed = n.receive(BASIC);
      assert.ok(resumed.ok);
      assert.equal(parse(resumed.localSdp).origin.sessionVersion, v1 + 2);
      assert.equal(parse(resumed.localSdp).media[0]?.direction, 'sendrecv');
    });

    it('keeps the codec in use on a re-offer that still lists it (RFC 3264 §8.3.2)', () => {
      const n = new SdpNegotiation(LOCAL, '7');
      const first = n.receive(sdp('c=IN IP4 10.0.0.1', 'm=audio 4000 RTP/AVP 8 0'));
      assert.ok(first.ok && first.audio.codec === 'PCMA');
      const again = n.receive(sdp('c=IN IP4 10.0.0.1', 'm=audio 4000 RTP/AVP 0 8'));
      assert.ok(again.ok);
      assert.equal(again.audio.codec, 'PCMA');
    });

    it('keeps the previous stream when a re-offer is unusable', () => {
      const { n } = answer(BASIC);
      const bad = n.receive(sdp('c=IN IP4 10.0.0.1', 'm=audio 4000 RTP/AVP 18'));
      assert.equal(bad.ok, false);
      assert.equal(n.audio?.codec, 'PCMU');
    });

    it('reads IPv6 c= lines, media-level c= over session-level, a=rtcp and a sensible a=ptime', () => {
      const offer = sdp(
        'c=IN IP4 10.0.0.1',
        'm=audio 4000 RTP/AVP 0',
        'c=IN IP6 2001:db8::1',
        'a=rtcp:4005',
        'a=ptime:30',
      );
      const { step } = answer(offer, { ...LOCAL, address: '::1' });
      assert.equal(step.audio.remoteAddress, '2001:db8::1');
      assert.equal(step.audio.remoteRtcpPort, 4005);
      assert.equal(step.audio.sendPtimeMs, 30);
      const { parsed } = answer(offer, { ...LOCAL, address: '::1' });
      assert.deepEqual(parsed.connection, { version: 6, ip: '::1' });
      assert.equal(parsed.origin.ipVer, 6);
      const odd = answer(sdp('c=IN IP4 10.0.0.1', 'm=audio 4000 RTP/AVP 0', 'a=ptime:7'));
      assert.equal(odd.step.audio.sendPtimeMs, 20);
    });

    it('rejects a stream our socket cannot reach (address family)', () => {
      const v4only = { ...LOCAL, canReach: (ip: string) => !ip.includes(':') };
      const step = new SdpNegotiation(v4only, '1').receive(sdp('c=IN IP6 ::1', 'm=audio 4000 RTP/AVP 0'));
      assert.equal(!step.ok && step.code, 'MEDIA_NO_COMMON_CODEC');
    });

    it('reports unusable text as MEDIA_BAD_SDP and never throws on random input', () => {
      const garbage = new SdpNegotiation(LOCAL, '1').receive('hello');
      assert.equal(!garbage.ok && garbage.code, 'MEDIA_BAD_SDP');
      const noC = new SdpNegotiation(LOCAL, '1').receive(sdp('m=audio 4000 RTP/AVP 0'));
      assert.equal(!noC.ok && noC.code, 'MEDIA_BAD_SDP');
      fc.assert(
        fc.property(fc.array(fc.oneof(fc.string(), fc.constantFrom('m=audio 1 RTP/AVP 0', 'c=IN IP4 1.2.3.4', 'a=rtpmap:x', 'm=audio x y', 'a=sendonly')), { maxLength: 8 }), (lines) => {
          const step = new SdpNegotiation(LOCAL, '1').receive(lines.join('\r\n'));
          assert.equal(typeof step.ok, 'boolean');
        }),
      );
    });
  });

  describe('offering', () => {
    it('offers every codec we accept in order, telephone-event, ptime and sendrecv', () => {
      const n = new SdpNegotiation({ ...LOCAL, codecs: ['PCMA', 'PCMU'] }, '55');
      const offer = parse(n.offer());
      const m = offer.media[0]!;
      assert.equal(m.payloads, '8 0 101');
      assert.equal(m.direction, 'sendrecv');
      assert.equal(m.ptime, 20);
      assert.equal(m.port, 40000);
      assert.equal(n.audio, undefined);
    });

    it('completes the offer with the answer, then answers re-offers', () => {
      const n = new SdpNegotiation(LOCAL, '55');
      const offer = n.offer();
      const done = n.receive(sdp('c=IN IP4 10.0.0.9', 'm=audio 7000 RTP/AVP 8 100', 'a=rtpmap:100 telephone-event/8000'));
      assert.ok(done.ok);
      assert.equal(done.localSdp, offer, 'answering our offer does not change our SDP');
      assert.equal(done.audio.codec, 'PCMA');
      assert.equal(done.audio.telephoneEventPt, 100);
      assert.equal(done.audio.localTelephoneEventPt, 101);
      assert.equal(done.audio.remoteAddress, '10.0.0.9');
      const reoffer = n.receive(sdp('c=IN IP4 10.0.0.9', 'm=audio 7000 RTP/AVP 8', 'a=sendonly'));
      assert.ok(reoffer.ok);
      assert.equal(parse(reoffer.localSdp).origin.sessionVersion, parse(offer).origin.sessionVersion + 1);
      assert.equal(reoffer.audio.direction, 'recvonly');
    });

    it('fails when the answer rejects the stream or names no codec we offered', () => {
      const rejected = new SdpNegotiation(LOCAL, '1');
      rejected.offer();
      const r = rejected.receive(sdp('c=IN IP4 10.0.0.9', 'm=audio 0 RTP/AVP 0'));
      assert.equal(!r.ok && r.code, 'MEDIA_NO_COMMON_CODEC');
      const other = new SdpNegotiation(LOCAL, '1');
      other.offer();
      const o = other.receive(sdp('c=IN IP4 10.0.0.9', 'm=audio 7000 RTP/AVP 18'));
      assert.equal(!o.ok && o.code, 'MEDIA_NO_COMMON_CODEC');
    });
  });
});
